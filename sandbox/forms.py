"""The sandbox's forms: composing with the platform's limits, and the trainer's
live run. Each action form carries a token, so a retried post is recorded once."""

import datetime
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sandbox import engine

THREAD_PARTS = 4
# How far from now a live run may be set to start. Beyond, a date at the edge
# of the calendar (31 December 9999 in a time zone behind UTC) is stored past
# year 9999 and can no longer be read back, breaking every page that lists it.
LIVE_START_WITHIN = datetime.timedelta(days=366)


class TokenForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("token", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)


class StartForm(forms.Form):
    scenario = forms.SlugField(max_length=80)
    activity = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class ComposeForm(TokenForm):
    """A new post: published now, scheduled, or sent to the approver first."""

    WHEN = [
        ("clearance", _("Send for clearance")),
        ("post", _("Publish now")),
        ("schedule", _("Schedule")),
    ]

    target = forms.CharField(widget=forms.HiddenInput, required=False)
    reply_kind = forms.ChoiceField(
        widget=forms.HiddenInput,
        choices=[("", ""), ("reply", "reply"), ("quote", "quote")],
        required=False,
    )
    text = forms.CharField(label=_("Your post"), widget=forms.Textarea(attrs={"rows": 4}))
    image = forms.ChoiceField(label=_("Image"), required=False)
    alt_text = forms.CharField(
        label=_("Alt text for the image"),
        required=False,
        max_length=1000,
        help_text=_("Describe the image for people who cannot see it."),
    )
    when = forms.ChoiceField(label=_("What to do with it"), choices=WHEN, initial="clearance")
    publish_in = forms.IntegerField(
        label=_("Publish in (scenario minutes)"), required=False, min_value=1, max_value=600
    )

    def __init__(self, *args, scenario: engine.Scenario, **kwargs):
        super().__init__(*args, **kwargs)
        self.scenario = scenario
        limit = scenario.platform.max_chars
        self.fields["text"].help_text = _("At most %(limit)s characters on %(platform)s.") % {
            "limit": limit,
            "platform": scenario.platform.name,
        }
        self.fields["text"].widget.attrs["data-limit"] = str(limit)
        self.fields["image"].choices = [("", _("No image"))] + [
            (media.slug, media.description) for media in scenario.media
        ]
        if not scenario.media:
            del self.fields["image"], self.fields["alt_text"]
        if scenario.approver is None:
            self.fields["when"].choices = self.WHEN[1:]
            self.fields["when"].initial = "post"

    def clean(self):
        data = super().clean()
        text = data.get("text") or ""
        reply = data.get("reply_kind")
        if reply:
            data["when"] = reply
        # A draft may be long while it is worked on; the platform refuses it at publication.
        if data.get("when") != "clearance" and len(text) > self.scenario.platform.max_chars:
            self.add_error(
                "text",
                _("%(count)s characters: the platform allows %(limit)s.")
                % {"count": len(text), "limit": self.scenario.platform.max_chars},
            )
        if data.get("when") == "schedule" and not data.get("publish_in"):
            self.add_error("publish_in", _("Say in how many scenario minutes it goes out."))
        if data.get("alt_text") and not data.get("image"):
            self.add_error("alt_text", _("Choose an image first, or leave this empty."))
        return data

    def action_fields(self, minute: float) -> dict:
        data = self.cleaned_data
        media = {m.slug: m.description for m in self.scenario.media}
        kind = {"clearance": "request_clearance"}.get(data["when"], data["when"])
        fields = {
            "kind": kind,
            "text": data["text"].strip(),
            "image": media.get(data.get("image") or "", ""),
            "alt_text": (data.get("alt_text") or "").strip(),
        }
        if kind in ("reply", "quote"):
            fields["target"] = data["target"]
        if kind == "schedule":
            fields["publish_at"] = round(minute + data["publish_in"], 2)
        return fields


class ThreadForm(TokenForm):
    def __init__(self, *args, scenario: engine.Scenario, **kwargs):
        super().__init__(*args, **kwargs)
        self.scenario = scenario
        for number in range(1, THREAD_PARTS + 1):
            self.fields[f"part_{number}"] = forms.CharField(
                label=_("Post %(number)s of the thread") % {"number": number},
                widget=forms.Textarea(attrs={"rows": 2}),
                required=number <= 2,
                max_length=scenario.platform.max_chars,
            )

    def action_fields(self, minute: float) -> dict:
        parts = [self.cleaned_data.get(f"part_{n}", "").strip() for n in range(1, THREAD_PARTS + 1)]
        return {"kind": "thread", "parts": tuple(part for part in parts if part)}


class MessageForm(TokenForm):
    """A direct message to one of `accounts`: those the learner has met."""

    target = forms.ChoiceField(label=_("To"))
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, scenario: engine.Scenario, accounts: list[engine.Account], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [
            (a.handle, f"{a.name} ({a.handle})") for a in accounts if a.handle != scenario.learner
        ]
        self.fields["text"].max_length = scenario.platform.max_chars * 4

    def action_fields(self, minute: float) -> dict:
        return {
            "kind": "dm",
            "target": self.cleaned_data["target"],
            "text": self.cleaned_data["text"].strip(),
        }


class TargetForm(TokenForm):
    """One click on an item or an account: delete, pin, like, share (and take
    either back), mute, block, report, follow, unfollow, or publish a cleared
    draft."""

    KINDS = (
        "delete",
        "pin",
        "like",
        "unlike",
        "share",
        "unshare",
        "mute",
        "block",
        "report",
        "follow",
        "unfollow",
        "publish_draft",
    )
    kind = forms.ChoiceField(choices=[(kind, kind) for kind in KINDS])
    target = forms.CharField(max_length=80)

    def action_fields(self, minute: float) -> dict:
        return {"kind": self.cleaned_data["kind"], "target": self.cleaned_data["target"]}


class ClearanceForm(TokenForm):
    """The trainer's answer to a draft, as the approver."""

    target = forms.CharField(widget=forms.HiddenInput, max_length=80)
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Clear it")), ("return", _("Return it"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Your note to the learner"), widget=forms.Textarea(attrs={"rows": 2})
    )


class LiveRunForm(forms.Form):
    scenario = forms.ModelChoiceField(label=_("Scenario"), queryset=None, empty_label=None)
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In your time zone. Learners join from their Sandbox page."),
    )
    speed = forms.FloatField(
        label=_("Scenario minutes per real minute"),
        min_value=1,
        max_value=60,
        required=False,
        help_text=_("Leave empty to use the scenario's own pace."),
    )
    trainer_clears = forms.BooleanField(
        label=_("I will clear the learners' drafts myself, as their senior colleague"),
        required=False,
    )

    def __init__(self, *args, scenarios, now: datetime.datetime, **kwargs):
        self.now = now
        kwargs.setdefault("initial", {}).setdefault(
            "starts_at", timezone.localtime(now).replace(second=0, microsecond=0)
        )
        super().__init__(*args, **kwargs)
        self.fields["scenario"].queryset = scenarios

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        if abs(starts_at - self.now) > LIVE_START_WITHIN:
            raise forms.ValidationError(_("Choose a start within a year from now."))
        return starts_at
