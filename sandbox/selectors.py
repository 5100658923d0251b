"""Reads of the practice sandbox, each within a fixed number of queries.

The platform is never stored: a run's timeline is the engine's fold over its
log, computed here from rows the caller already fetched (no query), and the
live board reads the live run's runs in one query, whatever their number.
"""

import datetime
from dataclasses import dataclass, field, replace

from django.db.models import QuerySet

from sandbox import engine, memo
from sandbox.models import LiveRun, Run, Scenario


@dataclass
class Entry:
    """One item of the timeline as the page shows it. A share shows the post
    it shares (`item`), under the learner's share (`share`)."""

    item: engine.Item
    account: engine.Account | None
    replying_to: engine.Item | None = None
    is_mine: bool = False
    pinned: bool = False
    card: engine.Card | None = None
    share: engine.Item | None = None

    @property
    def dom_id(self) -> str:
        return f"item-{(self.share or self.item).id}"


@dataclass
class Timeline:
    run: Run
    scenario: engine.Scenario
    minute: float
    state: engine.State
    entries: list[Entry]  # public items, newest first, pinned first
    messages: list[Entry]  # direct messages, newest first
    drafts: list[engine.Draft]
    scheduled: list[engine.Item]
    replay: bool = False
    # How many entries the feed draws (the newest); None: all of them.
    limit: int | None = None

    @property
    def public_count(self) -> int:
        return len(self.entries)

    @property
    def shown(self) -> list[Entry]:
        return self.entries if self.limit is None else self.entries[: self.limit]

    @property
    def older(self) -> list[Entry]:
        """The entries past the limit, drawn only on request."""
        return [] if self.limit is None else self.entries[self.limit :]

    @property
    def accounts(self) -> list[engine.Account]:
        """The accounts the learner has met by this minute, in the order they
        appeared (their own left out: the list is of others)."""
        return [
            self.scenario.account(handle)
            for handle in self.state.appeared
            if handle != self.scenario.learner
        ]

    @property
    def listed(self) -> frozenset[str]:
        """The handles that have an entry in the list, for mentions to link to."""
        return frozenset(account.handle for account in self.accounts)


def run_timeline(
    *, run: Run, now: datetime.datetime, at: float | None = None, limit: int | None = None
) -> Timeline:
    """The run's platform at its current minute (or at `at`, for a replay),
    its feed drawing the newest `limit` entries (all of them if None).
    No query: `run` comes with its scenario and live run."""
    scenario = run.engine
    state = run.state(now, at)
    by_id = {item.id: item for item in state.timeline}
    mine = {item.id for item in state.mine}

    def entry(item: engine.Item) -> Entry:
        if item.kind == "share":
            # The engine shows a share only while the post it shares is there.
            return replace(entry(by_id[item.reply_to]), share=item, pinned=False)
        return Entry(
            item=item,
            account=scenario.account(item.author),
            replying_to=by_id.get(item.reply_to) if item.public else None,
            is_mine=item.id in mine,
            pinned=item.id == state.pinned,
            card=engine.card(scenario, item.text) if item.public else None,
        )

    public = [entry(item) for item in reversed(state.timeline) if item.public]
    public.sort(key=lambda e: not e.pinned)  # stable: pinned first, then newest
    return Timeline(
        run=run,
        scenario=scenario,
        minute=state.minute,
        state=state,
        entries=public,
        messages=[entry(item) for item in reversed(state.timeline) if not item.public],
        drafts=list(reversed(state.drafts)),
        scheduled=sorted(state.scheduled, key=lambda item: item.at),
        replay=at is not None,
        limit=limit,
    )


def run_debrief(*, run: Run, now: datetime.datetime) -> engine.Debrief:
    return engine.debrief(run.engine, run.actions(), run.minute(now))


def scenarios_live() -> QuerySet[Scenario]:
    return Scenario.objects.filter(retired_at__isnull=True).order_by("title")


def runs_of(*, learner) -> QuerySet[Run]:
    """A learner's runs, newest first, with what their list shows: one query."""
    return Run.objects.filter(learner=learner).select_related("scenario", "live")


@dataclass
class Response:
    """A learner's first answer to one event: when, how, and what they said."""

    minutes: float
    kind: str
    text: str


@dataclass
class BoardRow:
    event: engine.Event
    account: engine.Account | None
    responses: list[Response | None]


@dataclass
class Board:
    """The debrief table: one row per event, one column per learner's run."""

    scenario: engine.Scenario
    minute: float
    runs: list[Run]
    rows: list[BoardRow]
    checks: list[list[engine.CheckResult]]  # per run, in the order of `runs`
    drafts: list[tuple[Run, engine.Draft]] = field(default_factory=list)  # waiting for the trainer
    live: LiveRun | None = None


@dataclass(frozen=True)
class _RunFacts:
    """What the board reads from one run's fold, computed once per fold."""

    shown: dict[str, engine.Item]  # the items of its timeline, by id
    firsts: dict[str, engine.Action]  # its first reply or quote to each item
    checks: tuple[engine.CheckResult, ...]


def _run_facts(run: Run, now: datetime.datetime) -> tuple[engine.State, _RunFacts]:
    """One pass over a run for the board, memoised with its fold (the
    process's memo serves it again while the fold is the same)."""
    state, actions = run.state(now), run.actions()

    def compute():
        firsts: dict[str, engine.Action] = {}
        for action in actions:
            if action.kind in ("reply", "quote"):
                firsts.setdefault(action.target, action)
        facts = _RunFacts(
            shown={item.id: item for item in state.timeline},
            firsts=firsts,
            checks=tuple(engine.run_checks(run.engine, state)),
        )
        return (state, actions), facts

    facts = memo.board_facts.get(
        run.pk, lambda stored: stored[0] is state and stored[1] is actions, compute
    )
    return state, facts


def _board(
    scenario: engine.Scenario, runs: list[Run], now: datetime.datetime, minute: float
) -> Board:
    """Each event the learners could answer (up to `minute`), and each run's
    first answer to it, with how long it took. No query."""
    folded = [_run_facts(run, now) for run in runs]
    answerable = [
        event
        for event in (*scenario.events, *(e for b in scenario.branches for e in b.then))
        if event.author != scenario.learner and event.kind != "dm"
    ]
    rows = []
    for event in sorted(answerable, key=lambda e: e.at):
        if event.at > minute or (runs and not any(event.slug in f.shown for _, f in folded)):
            continue
        responses = []
        for _, facts in folded:
            answer, item = facts.firsts.get(event.slug), facts.shown.get(event.slug)
            responses.append(
                Response(round(answer.at - item.at, 1), answer.kind, answer.text)
                if answer is not None and item is not None
                else None
            )
        rows.append(BoardRow(event, scenario.account(event.author), responses))
    return Board(
        scenario=scenario,
        minute=minute,
        runs=runs,
        rows=rows,
        checks=[list(facts.checks) for _, facts in folded],
        drafts=[
            (run, draft)
            for run, (state, _) in zip(runs, folded, strict=True)
            for draft in state.drafts
            if draft.status == "pending" and run.trainer_clears
        ],
    )


def live_board(*, live: LiveRun, now: datetime.datetime) -> Board:
    """The side-by-side debrief of a live run, at its clock. One query, for the runs."""
    runs = list(live.runs.select_related("learner").order_by("learner__email"))
    for run in runs:
        run.live = live  # the runs share the live run's clock, already read
        run.scenario = live.scenario
    scenario = live.scenario.engine
    minute = min(max(live.clock_minute(now), 0.0), scenario.duration)
    board = _board(scenario, runs, now, minute)
    board.live = live
    return board


def cohort_board(*, runs: QuerySet[Run], scenario: Scenario, now: datetime.datetime) -> Board:
    """The side-by-side debrief of a cohort's submitted practice runs of one
    scenario (`runs` from `accounts.access`), each learner's latest. One query."""
    latest: dict[int, Run] = {}
    for run in (
        runs.filter(scenario=scenario, submitted_at__isnull=False, live__isnull=True)
        .select_related("learner")
        .order_by("learner__email", "-submitted_at")
    ):
        latest.setdefault(run.learner_id, run)
    for run in latest.values():
        run.scenario = scenario
    engine_scenario = scenario.engine
    return _board(engine_scenario, list(latest.values()), now, engine_scenario.duration)


def activity_runs(*, activity, learner) -> dict:
    """A learner's runs of one simulation activity: the open one, and those
    submitted (newest first). One query."""
    runs = list(Run.objects.filter(learner=learner, activity=activity).order_by("-started_at"))
    return {
        "open": next((run for run in runs if not run.is_submitted), None),
        "done": [run for run in runs if run.is_submitted],
    }
