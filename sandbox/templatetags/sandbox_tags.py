import uuid
from html import escape

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ediplomacy.lib.translations import SOURCE_LANGUAGE
from sandbox import engine, selectors

register = template.Library()

ROLE_LABELS = {
    "learner": gettext_lazy("You"),
    "approver": gettext_lazy("Your approver"),
    "ministry": gettext_lazy("Ministry"),
    "journalist": gettext_lazy("Journalist"),
    "citizen": gettext_lazy("Citizen"),
    "official": gettext_lazy("Official"),
    "expert": gettext_lazy("Expert"),
    "media": gettext_lazy("Media"),
    "troll": gettext_lazy("Account"),
    "bot": gettext_lazy("Account"),
    # An impostor looks like anyone else until the learner sees through it.
    "impostor": gettext_lazy("Account"),
}


@register.filter
def scenario_time(minute) -> str:
    """A scenario minute as the clock shows it: T+1:05 for 65 minutes."""
    minutes = int(float(minute or 0))
    return f"T+{minutes // 60}:{minutes % 60:02d}"


@register.simple_tag
def post_text(text: str, listed: frozenset[str] = frozenset()) -> SafeString:
    """A post's text, escaped, with its addresses, #hashtags and @mentions
    styled; a mention of an account in the learner's list links to its entry."""
    html = []
    for piece in engine.pieces(text or ""):
        # Every piece is escaped here, whatever its kind; handles are [A-Za-z0-9_].
        shown = escape(piece.text, quote=True)
        if piece.kind == "mention" and piece.text in listed:
            html.append(f'<a class="sim-mention" href="#account-{shown[1:]}">{shown}</a>')
        elif piece.kind in ("mention", "hashtag", "url"):
            html.append(f'<span class="sim-{piece.kind}">{shown}</span>')
        else:
            html.append(shown)
    return mark_safe("".join(html))  # each piece is escaped above


@register.filter
def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


@register.simple_tag
def new_token() -> str:
    """A fresh token for one form, so a retried request is recorded once."""
    return uuid.uuid4().hex


@register.simple_tag
def actions_labels() -> dict:
    return {
        "mine": [("pin", _("Pin")), ("delete", _("Delete"))],
        "account": [
            ("follow", _("Follow")),
            ("unfollow", _("Unfollow")),
            ("mute", _("Mute")),
            ("block", _("Block")),
            ("report", _("Report")),
        ],
    }


ACTION_LABELS = {
    "post": gettext_lazy("Posted"),
    "thread": gettext_lazy("Posted a thread"),
    "reply": gettext_lazy("Replied to"),
    "quote": gettext_lazy("Quoted"),
    "dm": gettext_lazy("Sent a message to"),
    "delete": gettext_lazy("Deleted"),
    "pin": gettext_lazy("Pinned"),
    "mute": gettext_lazy("Muted"),
    "block": gettext_lazy("Blocked"),
    "report": gettext_lazy("Reported"),
    "follow": gettext_lazy("Followed"),
    "unfollow": gettext_lazy("Unfollowed"),
    "schedule": gettext_lazy("Scheduled a post"),
    "request_clearance": gettext_lazy("Sent a draft for clearance"),
    "clearance_answer": gettext_lazy("The approver answered"),
    "publish_draft": gettext_lazy("Published the cleared draft"),
    "like": gettext_lazy("Liked a post by"),
    "unlike": gettext_lazy("Took back the like of a post by"),
    "share": gettext_lazy("Shared a post by"),
    "unshare": gettext_lazy("Took back the share of a post by"),
}


@register.filter
def action_label(kind: str) -> str:
    return str(ACTION_LABELS.get(kind, kind))


@register.simple_tag
def passed_count(results) -> int:
    return sum(1 for result in results if result.passed)


@register.simple_tag
def activity_runs(activity, user) -> dict:
    """The learner's runs of a simulation activity: the open one and those
    submitted. One query."""
    return selectors.activity_runs(activity=activity, learner=user)


def _fell_back(scenario, parts) -> bool:
    """Whether the scenario row shows the text at the dotted path of `parts`
    (`"events", slug, "text"`) in English for lack of a translation."""
    path = ".".join(str(part) for part in parts)
    return path in (getattr(scenario, "untranslated", None) or ())


@register.simple_tag
def text_lang(scenario, *parts) -> str:
    """` lang="en"` when a scenario's text at `parts` is shown in English on a
    page in another language (`{% text_lang run.scenario "events" slug "text" %}`)."""
    return format_html(' lang="{}"', SOURCE_LANGUAGE) if _fell_back(scenario, parts) else ""


@register.simple_tag
def text_note(scenario, *parts) -> str:
    """The curriculum's "not yet translated" note for a scenario's text at
    `parts`, when it fell back to English."""
    if not _fell_back(scenario, parts):
        return ""
    return format_html(
        '<span class="untranslated-note small">{}</span>',
        _("This part is not yet translated."),
    )
