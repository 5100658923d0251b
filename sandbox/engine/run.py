"""A run: the learner's actions, each at a scenario minute, in an append-only
log; and the state of the platform, a fold over that log at a given minute.

Nothing here is stored or remembered between calls: `replay(scenario, log,
now)` always rebuilds the state from the log alone, so a run replayed from
its log (a trainer's replay, a reload, a retry) reaches the same state.
"""

from dataclasses import asdict, dataclass, field, fields, replace

from sandbox.engine.scenario import Event, Scenario

# What a learner can do, and what each needs.
ACTION_KINDS = (
    "post",  # text, optional image and alt_text
    "thread",  # parts: several texts in order
    "reply",  # target (an item), text
    "quote",  # target (an item), text
    "dm",  # target (a handle), text: private
    "delete",  # target (one of the learner's items, or a scheduled post)
    "pin",  # target (one of the learner's items)
    "mute",  # target (a handle)
    "block",  # target (a handle)
    "report",  # target (a handle)
    "follow",  # target (a handle): add it to the listening list
    "unfollow",  # target (a handle)
    "schedule",  # text, publish_at (a later scenario minute), optional image
    "request_clearance",  # text, optional image: a draft sent to the approver
    "clearance_answer",  # target (a draft), approved, comment: the trainer as approver
    "publish_draft",  # target (an approved draft)
    "like",  # target (an item on the timeline)
    "unlike",  # target (an item the learner likes)
    "share",  # target (an item on the timeline): it appears again, as the learner's share
    "unshare",  # target (an item the learner shares)
)
HANDLE_ACTIONS = ("dm", "mute", "block", "report", "follow", "unfollow")
ITEM_ACTIONS = ("like", "unlike", "share", "unshare")
TEXT_ACTIONS = ("post", "reply", "quote", "dm", "schedule", "request_clearance")
# Publications everyone can see, top level (not replies).
TOP_LEVEL = ("post", "thread", "quote", "schedule", "publish_draft")


class LogError(ValueError):
    """An action that cannot be appended; `code` says why, for the page."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


@dataclass(frozen=True)
class Action:
    kind: str
    at: float  # scenario minutes
    target: str = ""
    text: str = ""
    parts: tuple[str, ...] = ()
    image: str = ""
    alt_text: str = ""
    publish_at: float | None = None
    approved: bool | None = None
    comment: str = ""

    def to_dict(self) -> dict:
        defaults = {f.name: f.default for f in fields(self)}
        return {
            key: list(value) if isinstance(value, tuple) else value
            for key, value in asdict(self).items()
            if key in ("kind", "at") or value != defaults[key]
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Action":
        data = dict(data)
        data["parts"] = tuple(data.get("parts", ()))
        data["at"] = float(data["at"])
        return cls(**data)

    @property
    def texts(self) -> tuple[str, ...]:
        return self.parts if self.kind == "thread" else (self.text,) if self.text else ()


@dataclass(frozen=True)
class Item:
    """One post, reply, quote, message or news item on the timeline."""

    id: str
    at: float
    author: str
    kind: str
    text: str
    reply_to: str = ""
    image: str = ""
    alt_text: str = ""
    likes: int = 0
    shares: int = 0
    by_learner: bool = False
    public: bool = True
    cleared: bool = False
    deleted_at: float | None = None
    # The learner likes or shares it now (`likes` and `shares` count them in).
    liked: bool = False
    shared: bool = False


@dataclass(frozen=True)
class Draft:
    id: str
    at: float
    text: str
    image: str = ""
    alt_text: str = ""
    status: str = "pending"  # pending | approved | returned
    answered_at: float | None = None
    comment: str = ""
    published_as: str = ""


@dataclass(frozen=True)
class State:
    minute: float
    timeline: tuple[Item, ...]  # what the learner sees now, oldest first
    mine: tuple[Item, ...]  # everything the learner published, deleted or not
    drafts: tuple[Draft, ...]
    scheduled: tuple[Item, ...]  # learner posts still waiting for their minute
    pinned: str = ""
    muted: frozenset[str] = frozenset()
    blocked: frozenset[str] = frozenset()
    reported: frozenset[str] = frozenset()
    followed: frozenset[str] = frozenset()
    responses: dict = field(default_factory=dict)  # event slug -> first answer minute
    fired: tuple[str, ...] = ()  # branches that took effect by now
    over: bool = False
    liked: frozenset[str] = frozenset()  # items the learner likes now
    shared: frozenset[str] = frozenset()  # items the learner shares now
    # The accounts the learner has met by now, in the order they appeared:
    # the known ones, then each with its first item (muted or not).
    appeared: tuple[str, ...] = ()

    def item(self, item_id: str) -> Item | None:
        return next((i for i in (*self.timeline, *self.mine) if i.id == item_id), None)

    def draft(self, draft_id: str) -> Draft | None:
        return next((d for d in self.drafts if d.id == draft_id), None)


def item_id(position: int, part: int = 0) -> str:
    """The id of what the action at `position` in the log (from 0) published."""
    return f"me-{position + 1}" + (f"-{part + 1}" if part else "")


def draft_id(position: int) -> str:
    return f"draft-{position + 1}"


def check_action(scenario: Scenario, state: State, action: Action) -> None:
    """Raise `LogError` when `action` cannot happen now in `state`."""
    if action.kind not in ACTION_KINDS:
        raise LogError("unknown_action")
    if action.at < state.minute:
        raise LogError("clock_backwards")
    if state.over or action.at > scenario.duration:
        raise LogError("scenario_over")
    if action.kind in TEXT_ACTIONS and not action.text.strip():
        raise LogError("text_required")
    if action.kind == "thread":
        if not scenario.platform.threads:
            raise LogError("no_threads")
        if len(action.parts) < 2 or not all(part.strip() for part in action.parts):
            raise LogError("thread_parts")
    # The platform refuses what is too long; a draft may be, until it goes out.
    if action.kind != "request_clearance" and any(
        scenario.platform.too_long(text) for text in action.texts
    ):
        raise LogError("too_long")
    if action.kind in HANDLE_ACTIONS:
        if not scenario.account(action.target) or action.target == scenario.learner:
            raise LogError("unknown_account")
        # Nobody follows, mutes or reports an account they have not come across.
        if action.target not in state.appeared:
            raise LogError("not_appeared")
    if action.kind in ("reply", "quote", *ITEM_ACTIONS):
        target = state.item(action.target)
        if (
            target is None
            or target.deleted_at is not None
            or not target.public
            or target.kind == "share"  # the page aims at the post shared
        ):
            raise LogError("unknown_item")
    if action.kind in ITEM_ACTIONS:
        liked, shared = action.target in state.liked, action.target in state.shared
        refusal = {
            "like": liked and "already_liked",
            "unlike": not liked and "not_liked",
            "share": shared and "already_shared",
            "unshare": not shared and "not_shared",
        }[action.kind]
        if refusal:
            raise LogError(refusal)
    if action.kind in ("delete", "pin"):
        mine = {i.id: i for i in (*state.mine, *state.scheduled)}
        if (
            action.target not in mine
            or mine[action.target].deleted_at is not None
            or mine[action.target].kind == "share"  # undone with unshare
        ):
            raise LogError("not_yours")
        if action.kind == "pin" and action.target not in {i.id for i in state.mine}:
            raise LogError("not_yours")
    if action.kind == "schedule" and (
        action.publish_at is None
        or action.publish_at <= action.at
        or action.publish_at > scenario.duration
    ):
        raise LogError("publish_at")
    if action.kind == "clearance_answer":
        draft = state.draft(action.target)
        if scenario.approver is None or scenario.approver.scripted:
            raise LogError("no_trainer_approver")
        if draft is None or draft.status != "pending" or action.approved is None:
            raise LogError("not_pending")
    if action.kind == "publish_draft":
        draft = state.draft(action.target)
        if draft is None or draft.status != "approved" or draft.published_as:
            raise LogError("not_approved")
        if scenario.platform.too_long(draft.text):
            raise LogError("too_long")


def append(scenario: Scenario, log: tuple[Action, ...], action: Action) -> tuple[Action, ...]:
    """The log with `action` at its end, or `LogError`. The log only grows,
    and never with an action earlier than its last."""
    if log and action.at < log[-1].at:
        raise LogError("clock_backwards")
    check_action(scenario, replay(scenario, log, action.at), action)
    return (*log, action)


def scripted_answer(scenario: Scenario, draft: Draft) -> tuple[bool, str]:
    """What the scripted approver says of a draft: it refuses one that breaks
    a rule the scenario checks, and clears the rest."""
    too_long = scenario.platform.too_long(draft.text)
    terms = [t for c in scenario.checks if c.kind == "no_personal_data" for t in c.terms]
    personal = any(term.lower() in draft.text.lower() for term in terms)
    wants_alt = any(c.kind == "alt_text" for c in scenario.checks)
    no_alt = bool(draft.image) and wants_alt and not draft.alt_text.strip()
    approver = scenario.approver
    if too_long or personal or no_alt:
        return False, approver.refusal
    return True, approver.approval


def replay(scenario: Scenario, log: tuple[Action, ...], now: float) -> State:
    """The platform at scenario minute `now`, from the log's actions up to it."""
    now = min(max(now, 0.0), scenario.duration)
    mine: dict[str, Item] = {}
    scheduled: dict[str, Item] = {}
    drafts: dict[str, Draft] = {}
    sets = {kind: set() for kind in ("mute", "block", "report", "follow", "like")}
    shares: dict[str, str] = {}  # item id -> the id of the learner's share of it
    pinned = ""
    answers: dict[str, float] = {}  # item id -> first reply or quote minute
    reports: dict[str, float] = {}  # handle -> first report minute
    first_published: float | None = None
    approver = scenario.approver

    def settle_scripted(until: float) -> None:
        if approver is None or not approver.scripted:
            return
        for draft in list(drafts.values()):
            answer_at = draft.at + approver.delay
            if draft.status == "pending" and answer_at <= until:
                approved, comment = scripted_answer(scenario, draft)
                drafts[draft.id] = replace(
                    draft,
                    status="approved" if approved else "returned",
                    answered_at=answer_at,
                    comment=comment,
                )

    def publish(item: Item) -> None:
        nonlocal first_published
        mine[item.id] = item
        if item.kind != "dm" and item.kind != "reply":
            first_published = item.at if first_published is None else first_published

    for position, action in enumerate(log):
        if action.at > now:
            break
        settle_scripted(action.at)
        for pending in [s for s in scheduled.values() if s.at <= action.at]:
            publish(scheduled.pop(pending.id))
        kind, new_id = action.kind, item_id(position)
        if kind in ("post", "reply", "quote", "dm"):
            publish(
                Item(
                    id=new_id,
                    at=action.at,
                    author=scenario.learner,
                    kind=kind,
                    text=action.text,
                    reply_to=action.target if kind != "dm" else "",
                    image=action.image,
                    alt_text=action.alt_text,
                    by_learner=True,
                    public=kind != "dm",
                )
            )
            if kind in ("reply", "quote"):
                answers.setdefault(action.target, action.at)
        elif kind == "thread":
            previous = ""
            for part, text in enumerate(action.parts):
                publish(
                    Item(
                        id=item_id(position, part),
                        at=action.at,
                        author=scenario.learner,
                        kind="post",
                        text=text,
                        reply_to=previous,
                        by_learner=True,
                    )
                )
                previous = item_id(position, part)
        elif kind == "schedule":
            scheduled[new_id] = Item(
                id=new_id,
                at=action.publish_at,
                author=scenario.learner,
                kind="post",
                text=action.text,
                image=action.image,
                alt_text=action.alt_text,
                by_learner=True,
            )
        elif kind == "delete":
            if action.target in scheduled:
                del scheduled[action.target]
            else:
                mine[action.target] = replace(mine[action.target], deleted_at=action.at)
                pinned = "" if pinned == action.target else pinned
        elif kind == "pin":
            pinned = action.target
        elif kind in sets:
            sets[kind].add(action.target)
            if kind == "report":
                reports.setdefault(action.target, action.at)
        elif kind == "unfollow":
            sets["follow"].discard(action.target)
        elif kind == "unlike":
            sets["like"].discard(action.target)
        elif kind == "share":
            shares[action.target] = new_id
            mine[new_id] = Item(
                id=new_id,
                at=action.at,
                author=scenario.learner,
                kind="share",
                text="",
                reply_to=action.target,
                by_learner=True,
            )
        elif kind == "unshare":
            share = shares.pop(action.target)
            mine[share] = replace(mine[share], deleted_at=action.at)
        elif kind == "request_clearance":
            drafts[draft_id(position)] = Draft(
                id=draft_id(position),
                at=action.at,
                text=action.text,
                image=action.image,
                alt_text=action.alt_text,
            )
        elif kind == "clearance_answer":
            drafts[action.target] = replace(
                drafts[action.target],
                status="approved" if action.approved else "returned",
                answered_at=action.at,
                comment=action.comment,
            )
        elif kind == "publish_draft":
            draft = drafts[action.target]
            drafts[draft.id] = replace(draft, published_as=new_id)
            publish(
                Item(
                    id=new_id,
                    at=action.at,
                    author=scenario.learner,
                    kind="post",
                    text=draft.text,
                    image=draft.image,
                    alt_text=draft.alt_text,
                    by_learner=True,
                    cleared=True,
                )
            )
    settle_scripted(now)
    for pending in [s for s in scheduled.values() if s.at <= now]:
        publish(scheduled.pop(pending.id))

    events, fired = _platform_events(scenario, answers, reports, mine, now)
    hidden = sets["mute"] | sets["block"]
    visible = [
        Item(
            id=event.slug,
            at=at,
            author=event.author,
            kind=event.kind,
            text=event.text,
            reply_to=event.reply_to,
            image=event.image,
            alt_text=event.alt_text,
            likes=event.likes,
            shares=event.shares,
            public=event.kind != "dm",
        )
        for at, event in events
        if at <= now and event.author not in hidden
    ]
    if approver is not None:
        visible += [
            Item(
                id=f"answer-{draft.id}",
                at=draft.answered_at,
                author=approver.handle,
                kind="dm",
                text=draft.comment,
                reply_to=draft.id,
                public=False,
            )
            for draft in drafts.values()
            if draft.answered_at is not None and draft.comment
        ]
    live = [item for item in mine.values() if item.deleted_at is None]
    # A share shows while the post it shares does (not muted, not deleted).
    shown = {item.id for item in (*visible, *live) if item.kind != "share"}
    live = [item for item in live if item.kind != "share" or item.reply_to in shown]
    liked, shared = sets["like"], set(shares)
    timeline = tuple(
        sorted(
            (
                replace(
                    item,
                    liked=item.id in liked,
                    shared=item.id in shared,
                    likes=item.likes + (item.id in liked),
                    shares=item.shares + (item.id in shared),
                )
                if item.id in liked or item.id in shared
                else item
                for item in (*visible, *live)
            ),
            key=lambda item: (item.at, item.id),
        )
    )
    appeared = dict.fromkeys(scenario.known)
    appeared.update((event.author, None) for at, event in events if at <= now)
    return State(
        minute=now,
        timeline=timeline,
        mine=tuple(mine.values()),
        drafts=tuple(drafts.values()),
        scheduled=tuple(scheduled.values()),
        pinned=pinned,
        muted=frozenset(sets["mute"]),
        blocked=frozenset(sets["block"]),
        reported=frozenset(sets["report"]),
        followed=frozenset(sets["follow"]),
        responses={slug: answers[slug] for slug in answers if scenario.event(slug)},
        fired=fired,
        over=now >= scenario.duration,
        liked=frozenset(liked),
        shared=frozenset(shared),
        appeared=tuple(appeared),
    )


def _platform_events(
    scenario: Scenario,
    answers: dict[str, float],
    reports: dict[str, float],
    mine: dict[str, Item],
    now: float,
) -> tuple[list[tuple[float, Event]], tuple[str, ...]]:
    """The scripted events and the branches' events, each with its minute.

    A watched event counts as answered by a reply or quote, by a report of its
    author, or, for a rumour, by any post the learner publishes after it.
    """
    cancelled: set[str] = set()
    extra: list[tuple[float, Event]] = []
    fired = []
    publications = sorted(
        item.at for item in mine.values() if item.public and item.kind in ("post", "quote")
    )
    for branch in scenario.branches:
        watched = scenario.event(branch.watch)
        candidates = [answers.get(branch.watch), reports.get(watched.author)]
        candidates += [at for at in publications if at >= watched.at][:1]
        answered = min((at for at in candidates if at is not None), default=None)
        deadline = watched.at + branch.within
        if branch.condition == "unanswered":
            fires = deadline if answered is None or answered > deadline else None
        else:
            fires = answered if answered is not None and answered <= deadline else None
        if fires is None or fires > now:
            continue
        fired.append(branch.slug)
        cancelled.update(slug for slug in branch.cancels if scenario.event(slug).at > fires)
        extra += [(fires + event.at, event) for event in branch.then]
    events = [(event.at, event) for event in scenario.events if event.slug not in cancelled]
    return sorted([*events, *extra], key=lambda pair: pair[0]), tuple(fired)
