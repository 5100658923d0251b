"""A scenario: who is on the simulated platform, what happens when, how the
platform reacts to the learner, what is checked, and the model answer.

`parse_scenario` turns a mapping (a YAML file, read by the loader) into a
`Scenario`, or raises `ScenarioError` listing every problem with its field.
"""

import re
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

ROLES = (
    "learner",  # the learner's own ministry or embassy account
    "approver",  # the senior colleague who clears drafts
    "ministry",
    "journalist",
    "citizen",
    "official",
    "expert",
    "media",
    "troll",
    "bot",
    "impostor",
)
EVENT_KINDS = ("post", "reply", "quote", "dm", "news")
CHECK_KINDS = (
    "first_response",  # event, within (scenario minutes)
    "character_limit",
    "alt_text",
    "source_linked",  # optional: sources (addresses a link should start with)
    "no_personal_data",  # terms: words that must never appear in public
    "impostor_reported",  # handle
    "clearance_before_publishing",
    "followed",  # handles: the reliable sources a listening list should hold
    "not_followed",  # handles: the sources it should leave out
    "mentions",  # terms: handles or hashtags a public post should carry
)
BRANCH_CONDITIONS = ("unanswered", "answered")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HANDLE = re.compile(r"^@[A-Za-z0-9_]{2,30}$")
# A declared link: an http(s) address without spaces, ending as a post's
# address ends once the sentence's punctuation is left out.
LINK_URL = re.compile(r"^https?://\S+$")
# Punctuation that ends the sentence around an address rather than the address.
TRAILING = ".,;:!?)]}'\"\u00bb\u201d\u2019"  # and closing quotation marks
LINK_TITLE_MAX = 120
LINK_DESCRIPTION_MAX = 300


class ScenarioError(ValueError):
    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{where}: {message}" for where, message in problems))


@dataclass(frozen=True)
class Platform:
    name: str
    max_chars: int
    threads: bool = True

    def too_long(self, text: str) -> bool:
        return len(text) > self.max_chars


@dataclass(frozen=True)
class Account:
    handle: str
    name: str
    role: str
    bio: str = ""
    verified: bool = False
    # Known to the learner from the start (named in the briefing): listed
    # before it posts anything. Other accounts appear with their first item.
    known: bool = False


@dataclass(frozen=True)
class Link:
    """What the platform shows for an address in a post: a card written in
    the scenario file, never fetched."""

    url: str
    title: str
    description: str
    image_alt: str = ""  # the card's picture, described


def hostname(url: str) -> str:
    """The host an address names, in lower case; empty when it names none."""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:  # a broken address, such as an unclosed [IPv6 host
        return ""


def link_key(url: str) -> str:
    """An address as links are matched: scheme and host in lower case, no
    trailing slash (`https://X.example/a/` is `https://x.example/a`)."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    key = f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}"
    return key + (f"?{parts.query}" if parts.query else "")


@dataclass(frozen=True)
class Media:
    """An image the learner may attach (described, never a real photograph)."""

    slug: str
    description: str


@dataclass(frozen=True)
class Event:
    slug: str
    at: float  # scenario minutes; for a branch's events, after the branch fires
    author: str
    kind: str
    text: str
    reply_to: str = ""
    image: str = ""  # a description of the picture
    alt_text: str = ""
    likes: int = 0
    shares: int = 0


@dataclass(frozen=True)
class Branch:
    """When the learner leaves `watch` unanswered for `within` minutes (or
    answers it within them), `then` happens and `cancels` does not."""

    slug: str
    watch: str
    condition: str
    within: float
    then: tuple[Event, ...] = ()
    cancels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Check:
    slug: str
    kind: str
    label: str
    event: str = ""
    within: float = 0
    handle: str = ""
    handles: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Approver:
    """Who clears drafts: a scripted colleague who answers after `delay`
    scenario minutes, or the trainer (`scripted` false)."""

    handle: str
    scripted: bool = True
    delay: float = 5
    # Said when a draft breaks a rule the checks declare.
    refusal: str = "Not yet: please fix what the checks point out and send it again."
    approval: str = "Cleared. Go ahead."


@dataclass(frozen=True)
class ModelStep:
    at: float
    action: str
    text: str = ""
    # Its place in the file, by which a translation names it (steps are shown by time).
    position: int = 0


@dataclass(frozen=True)
class Scenario:
    slug: str
    title: str
    summary: str
    briefing: str
    debrief: str
    platform: Platform
    duration: float  # scenario minutes
    speed: float  # scenario minutes per real minute
    learner: str  # the learner account's handle
    accounts: tuple[Account, ...]
    events: tuple[Event, ...]
    branches: tuple[Branch, ...] = ()
    checks: tuple[Check, ...] = ()
    approver: Approver | None = None
    media: tuple[Media, ...] = ()
    model_answer: tuple[ModelStep, ...] = ()
    links: tuple[Link, ...] = ()
    _accounts: dict = field(default_factory=dict, compare=False, repr=False)
    _links: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        self._accounts.update({account.handle: account for account in self.accounts})
        self._links.update({link_key(link.url): link for link in self.links})

    def account(self, handle: str) -> Account | None:
        return self._accounts.get(handle)

    def link(self, url: str) -> Link | None:
        return self._links.get(link_key(url)) if hostname(url) else None

    @property
    def known(self) -> tuple[str, ...]:
        """The accounts the learner knows from minute zero: their own, the
        approver's and those the file marks `known`, in the file's order."""
        approver = self.approver.handle if self.approver else ""
        return tuple(
            a.handle
            for a in self.accounts
            if a.known or a.role in ("learner", "approver") or a.handle == approver
        )

    def event(self, slug: str) -> Event | None:
        for event in self.events:
            if event.slug == slug:
                return event
        for branch in self.branches:
            for event in branch.then:
                if event.slug == slug:
                    return event
        return None

    @property
    def impostors(self) -> tuple[str, ...]:
        return tuple(a.handle for a in self.accounts if a.role == "impostor")


class _Reader:
    """Reads one scenario mapping, collecting every problem with its field."""

    def __init__(self):
        self.problems: list[tuple[str, str]] = []
        # Fields already reported as missing, so no later check repeats it.
        self.missing: set[str] = set()

    def problem(self, where: str, message: str) -> None:
        if where not in self.missing:
            self.problems.append((where, message))

    def mapping(self, value: Any, where: str, required: set, optional: set = frozenset()):
        if not isinstance(value, dict):
            self.problem(where or "(file)", "must be a mapping of fields")
            return {}
        prefix = f"{where}." if where else ""
        for key in sorted(required - value.keys()):
            self.problem(f"{prefix}{key}", "is required")
            self.missing.add(f"{prefix}{key}")
        for key in sorted(value.keys() - required - optional):
            self.problem(f"{prefix}{key}", "is not a known field")
        return value

    def text(self, value: Any, where: str, *, optional: bool = False) -> str:
        if value is None and optional:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem(where, "must be non-empty text")
            return ""
        return value.strip()

    def number(self, value: Any, where: str, low: float = 0, *, default=None) -> float:
        if value is None and default is not None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(where, "must be a number")
            return low
        if value < low:
            self.problem(where, f"must be at least {low}")
        return float(value)

    def choice(self, value: Any, where: str, choices: tuple[str, ...]) -> str:
        if value not in choices:
            self.problem(where, f"{value!r} is not one of {', '.join(choices)}")
            return ""
        return value

    def slug(self, value: Any, where: str, seen: set[str]) -> str:
        if not isinstance(value, str) or not SLUG.match(value):
            self.problem(where, f"{value!r} is not a slug (lower-case letters, digits, hyphens)")
            return ""
        if value in seen:
            self.problem(where, f"duplicate slug {value!r}")
        seen.add(value)
        return value

    def handles(self, value: Any, where: str, known: set[str]) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            self.problem(where, "must be a list of account handles")
            return ()
        for position, handle in enumerate(value):
            if handle not in known:
                self.problem(f"{where}[{position}]", f"{handle!r} is not an account here")
        return tuple(value)

    def flag(self, value: Any, where: str) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            self.problem(where, "must be true or false")
            return False
        return value

    def terms(self, value: Any, where: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(t, str) and t for t in value):
            self.problem(where, "must be a list of text")
            return ()
        return tuple(value)


TEXT_FIELDS = ("title", "summary", "briefing", "debrief")
EVENT_FIELDS = {"slug", "at", "author", "kind", "text"}
EVENT_OPTIONAL = {"reply_to", "image", "alt_text", "likes", "shares"}


def _event(read: _Reader, data: Any, where: str, seen: set, handles: set) -> Event | None:
    data = read.mapping(data, where, EVENT_FIELDS, EVENT_OPTIONAL)
    if not data:
        return None
    author = data.get("author")
    if author not in handles:
        read.problem(f"{where}.author", f"{author!r} is not an account of this scenario")
    kind = read.choice(data.get("kind"), f"{where}.kind", EVENT_KINDS)
    if kind in ("reply", "quote") and not data.get("reply_to"):
        read.problem(f"{where}.reply_to", f"a {kind} names the event it answers")
    if data.get("image") and not isinstance(data.get("alt_text", ""), str):
        read.problem(f"{where}.alt_text", "must be text")
    return Event(
        slug=read.slug(data.get("slug"), f"{where}.slug", seen),
        at=read.number(data.get("at"), f"{where}.at"),
        author=author if isinstance(author, str) else "",
        kind=kind,
        text=read.text(data.get("text"), f"{where}.text"),
        reply_to=data.get("reply_to") or "",
        image=read.text(data.get("image"), f"{where}.image", optional=True),
        alt_text=data.get("alt_text") or "",
        likes=int(read.number(data.get("likes"), f"{where}.likes", default=0)),
        shares=int(read.number(data.get("shares"), f"{where}.shares", default=0)),
    )


LINK_FIELDS = {"url", "title", "description"}


def _links(read: _Reader, data: Any) -> tuple[Link, ...]:
    """The link cards a scenario declares, each address once."""
    if data is None:
        return ()
    if not isinstance(data, list):
        read.problem("links", "must be a list of links")
        return ()
    links, seen = [], set()
    for position, item in enumerate(data):
        where = f"links[{position}]"
        item = read.mapping(item, where, LINK_FIELDS, {"image_alt"})
        if not item:
            continue
        url = item.get("url")
        if not isinstance(url, str) or not LINK_URL.match(url) or not hostname(url):
            read.problem(
                f"{where}.url", f"{url!r} is not an address like https://name.example/page"
            )
            url = ""
        elif url[-1] in TRAILING:
            read.problem(f"{where}.url", "must not end with punctuation")
        elif link_key(url) in seen:
            read.problem(f"{where}.url", f"duplicate link {url!r}")
        seen.add(link_key(url) if url else "")
        title = read.text(item.get("title"), f"{where}.title")
        description = read.text(item.get("description"), f"{where}.description")
        if len(title) > LINK_TITLE_MAX:
            read.problem(f"{where}.title", f"must be at most {LINK_TITLE_MAX} characters")
        if len(description) > LINK_DESCRIPTION_MAX:
            read.problem(
                f"{where}.description", f"must be at most {LINK_DESCRIPTION_MAX} characters"
            )
        image_alt = read.text(item.get("image_alt"), f"{where}.image_alt", optional=True)
        links.append(Link(url=url, title=title, description=description, image_alt=image_alt))
    return tuple(links)


def parse_scenario(data: Any) -> Scenario:
    """A `Scenario` from its mapping, or `ScenarioError` with every problem."""
    read = _Reader()
    data = read.mapping(
        data,
        "",
        {
            "slug",
            "title",
            "summary",
            "briefing",
            "debrief",
            "platform",
            "duration",
            "accounts",
            "events",
            "model_answer",
        },
        {"speed", "branches", "checks", "approver", "media", "links"},
    )
    if not data:
        raise ScenarioError(read.problems)

    platform_data = read.mapping(
        data.get("platform"), "platform", {"name", "max_chars"}, {"threads"}
    )
    platform = Platform(
        name=read.text(platform_data.get("name"), "platform.name"),
        max_chars=int(read.number(platform_data.get("max_chars"), "platform.max_chars", 20)),
        threads=bool(platform_data.get("threads", True)),
    )

    accounts, handles = [], set()
    if not isinstance(data.get("accounts"), list) or not data.get("accounts"):
        read.problem("accounts", "must be a list of accounts")
    for position, item in enumerate(data.get("accounts") or []):
        where = f"accounts[{position}]"
        item = read.mapping(item, where, {"handle", "name", "role"}, {"bio", "verified", "known"})
        if not item:
            continue
        handle = item.get("handle")
        if not isinstance(handle, str) or not HANDLE.match(handle):
            read.problem(f"{where}.handle", f"{handle!r} is not a handle like @name_here")
            continue
        if handle in handles:
            read.problem(f"{where}.handle", f"duplicate handle {handle!r}")
        handles.add(handle)
        accounts.append(
            Account(
                handle=handle,
                name=read.text(item.get("name"), f"{where}.name"),
                role=read.choice(item.get("role"), f"{where}.role", ROLES),
                bio=read.text(item.get("bio"), f"{where}.bio", optional=True),
                verified=bool(item.get("verified", False)),
                known=read.flag(item.get("known"), f"{where}.known"),
            )
        )
    learners = [a.handle for a in accounts if a.role == "learner"]
    if len(learners) != 1:
        read.problem("accounts", "exactly one account has the role learner")

    slugs: set[str] = set()
    events = []
    if not isinstance(data.get("events"), list) or not data.get("events"):
        read.problem("events", "must be a list of events")
    for position, item in enumerate(data.get("events") or []):
        event = _event(read, item, f"events[{position}]", slugs, handles)
        if event:
            events.append(event)

    branches, branch_slugs = [], set()
    for position, item in enumerate(data.get("branches") or []):
        where = f"branches[{position}]"
        item = read.mapping(
            item, where, {"slug", "watch", "condition", "within"}, {"then", "cancels"}
        )
        if not item:
            continue
        if item.get("watch") not in slugs:
            read.problem(f"{where}.watch", f"{item.get('watch')!r} is not an event above")
        then = tuple(
            event
            for index, event_data in enumerate(item.get("then") or [])
            if (event := _event(read, event_data, f"{where}.then[{index}]", slugs, handles))
        )
        cancels = tuple(item.get("cancels") or ())
        for index, slug in enumerate(cancels):
            if slug not in slugs:
                read.problem(f"{where}.cancels[{index}]", f"{slug!r} is not an event above")
        if not then and not cancels:
            read.problem(where, "a branch needs `then` events or `cancels`")
        branches.append(
            Branch(
                slug=read.slug(item.get("slug"), f"{where}.slug", branch_slugs),
                watch=item.get("watch") or "",
                condition=read.choice(
                    item.get("condition"), f"{where}.condition", BRANCH_CONDITIONS
                ),
                within=read.number(item.get("within"), f"{where}.within", 1),
                then=then,
                cancels=cancels,
            )
        )

    every_event = {e.slug for e in events} | {e.slug for b in branches for e in b.then}
    for position, event in enumerate(events):
        if event.reply_to and event.reply_to not in every_event:
            read.problem(f"events[{position}].reply_to", f"{event.reply_to!r} is not an event")

    approver = None
    if data.get("approver") is not None:
        item = read.mapping(
            data["approver"], "approver", {"handle"}, {"scripted", "delay", "refusal", "approval"}
        )
        if item.get("handle") not in handles:
            read.problem("approver.handle", f"{item.get('handle')!r} is not an account here")
        approver = Approver(
            handle=item.get("handle") or "",
            scripted=bool(item.get("scripted", True)),
            delay=read.number(item.get("delay"), "approver.delay", 1, default=5.0),
            refusal=read.text(item.get("refusal"), "approver.refusal", optional=True)
            or Approver.refusal,
            approval=read.text(item.get("approval"), "approver.approval", optional=True)
            or Approver.approval,
        )

    checks, check_slugs = [], set()
    for position, item in enumerate(data.get("checks") or []):
        where = f"checks[{position}]"
        item = read.mapping(
            item,
            where,
            {"slug", "kind", "label"},
            {"event", "within", "handle", "handles", "terms", "sources"},
        )
        if not item:
            continue
        kind = read.choice(item.get("kind"), f"{where}.kind", CHECK_KINDS)
        check = Check(
            slug=read.slug(item.get("slug"), f"{where}.slug", check_slugs),
            kind=kind,
            label=read.text(item.get("label"), f"{where}.label"),
        )
        if kind == "first_response":
            if item.get("event") not in every_event:
                read.problem(f"{where}.event", f"{item.get('event')!r} is not an event")
            check = replace(
                check,
                event=item.get("event") or "",
                within=read.number(item.get("within"), f"{where}.within", 1),
            )
        elif kind == "impostor_reported":
            handle = item.get("handle")
            account = next((a for a in accounts if a.handle == handle), None)
            if account is None or account.role != "impostor":
                read.problem(f"{where}.handle", f"{handle!r} is not an impostor account here")
            check = replace(check, handle=handle or "")
        elif kind in ("followed", "not_followed"):
            check = replace(
                check, handles=read.handles(item.get("handles"), f"{where}.handles", handles)
            )
        elif kind in ("no_personal_data", "mentions"):
            check = replace(check, terms=read.terms(item.get("terms"), f"{where}.terms"))
        elif kind == "source_linked":
            sources = item.get("sources") or []
            check = replace(
                check, sources=read.terms(sources, f"{where}.sources") if sources else ()
            )
        elif kind == "clearance_before_publishing" and approver is None:
            read.problem(where, "clearance needs an approver")
        checks.append(check)

    media, media_slugs = [], set()
    for position, item in enumerate(data.get("media") or []):
        where = f"media[{position}]"
        item = read.mapping(item, where, {"slug", "description"})
        if item:
            media.append(
                Media(
                    slug=read.slug(item.get("slug"), f"{where}.slug", media_slugs),
                    description=read.text(item.get("description"), f"{where}.description"),
                )
            )

    links = _links(read, data.get("links"))

    model = []
    if not isinstance(data.get("model_answer"), list) or not data.get("model_answer"):
        read.problem("model_answer", "must be a list of steps")
    for position, item in enumerate(data.get("model_answer") or []):
        where = f"model_answer[{position}]"
        item = read.mapping(item, where, {"at", "action"}, {"text"})
        if item:
            model.append(
                ModelStep(
                    at=read.number(item.get("at"), f"{where}.at"),
                    action=read.text(item.get("action"), f"{where}.action"),
                    text=read.text(item.get("text"), f"{where}.text", optional=True),
                    position=position,
                )
            )

    slug = data.get("slug")
    if not isinstance(slug, str) or not SLUG.match(slug):
        read.problem("slug", f"{slug!r} is not a slug (lower-case letters, digits, hyphens)")
    duration = read.number(data.get("duration"), "duration", 1)
    speed = read.number(data.get("speed"), "speed", 1, default=10.0)
    texts = {key: read.text(data.get(key), key) for key in TEXT_FIELDS}
    for position, event in enumerate(events):
        if event.at > duration:
            read.problem(f"events[{position}].at", "falls after the scenario's duration")
    if read.problems:
        raise ScenarioError(read.problems)
    return Scenario(
        slug=slug,
        **texts,
        platform=platform,
        duration=duration,
        speed=speed,
        learner=learners[0],
        accounts=tuple(accounts),
        events=tuple(sorted(events, key=lambda e: e.at)),
        branches=tuple(branches),
        checks=tuple(checks),
        approver=approver,
        media=tuple(media),
        model_answer=tuple(sorted(model, key=lambda s: s.at)),
        links=links,
    )
