"""Pages of the practice sandbox. Thin: they fetch through `accounts.access`,
read through `sandbox.selectors` and write through `sandbox.services`.

Every page works without JavaScript; htmx polls the small live regions (the
clock and the count of new posts, the trainer's board) and swaps in the feed
when the learner asks for it, never under their keyboard.
"""

import datetime
import math
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access
from curriculum.models import Activity
from progress.selectors.learner import learner_default_enrolment, learner_progress
from sandbox import engine, selectors, services
from sandbox.forms import (
    ClearanceForm,
    ComposeForm,
    LiveRunForm,
    MessageForm,
    StartForm,
    TargetForm,
    ThreadForm,
)
from sandbox.models import Scenario

# Why the platform refused an action, in the learner's words.
REFUSALS = {
    "too_long": lambda: _("That is longer than the platform allows."),
    "text_required": lambda: _("Write something first."),
    "thread_parts": lambda: _("A thread needs at least two posts."),
    "no_threads": lambda: _("This platform has no threads."),
    "unknown_account": lambda: _("There is no such account here."),
    "not_appeared": lambda: _("That account has not appeared in your timeline yet."),
    "already_liked": lambda: _("You have already liked that post."),
    "not_liked": lambda: _("You have not liked that post."),
    "already_shared": lambda: _("You have already shared that post."),
    "not_shared": lambda: _("You have not shared that post."),
    "unknown_item": lambda: _("That post is no longer there."),
    "not_yours": lambda: _("You can only do that with your own posts."),
    "publish_at": lambda: _("Choose a time before the scenario ends."),
    "not_approved": lambda: _("That draft has not been cleared (or has gone out already)."),
    "not_pending": lambda: _("That draft has already been answered."),
    "no_trainer_approver": lambda: _("A scripted colleague clears drafts in this run."),
    "scenario_over": lambda: _("The scenario is over: submit your run to see the debrief."),
    "clock_backwards": lambda: _("The clock has moved on; please try again."),
    "submitted": lambda: _("This run is submitted: nothing more can be done in it."),
    "paused": lambda: _("The scenario is paused. Resume it first."),
    "not_started": lambda: _("The live scenario has not started yet."),
    "live_clock": lambda: _("Your trainer runs the clock of a live scenario."),
    "retired": lambda: _("This scenario is no longer offered."),
    "not_this_scenario": lambda: _("That activity uses another scenario."),
    "unknown_action": lambda: _("That is not something you can do here."),
}
ACTION_FORMS = {
    "compose": ComposeForm,
    "thread": ThreadForm,
    "message": MessageForm,
    "target": TargetForm,
}
# An item's id as the engine makes it (an event's slug, `me-3`): safe in an address.
ITEM_ID = re.compile(r"[A-Za-z0-9-]{1,80}")
# How often the live regions ask for news, in seconds.
POLL_SECONDS = 5
# The feed draws the newest posts; the older ones come on request (`?older=1`):
# a long drill's page stays quick to draw and to read.
FEED_SHOWN = 50


def _older(request) -> bool:
    return request.GET.get("older") == "1"


def _refusal(code: str) -> str:
    return REFUSALS.get(code, REFUSALS["unknown_action"])()


@login_required
def scenarios(request):
    """The scenarios a learner may practise, their runs, their cohort's live
    runs, and for a trainer the cohorts they may run a scenario for."""
    roles = access.user_roles(request.user)
    cohorts = (
        access.cohorts_visible(user=request.user, roles=roles).filter(archived_at__isnull=True)
        if roles.trains_anywhere
        else []
    )
    return render(
        request,
        "sandbox/scenarios.html",
        {
            "scenarios": selectors.scenarios_live(),
            "cohorts": cohorts,
            "runs": selectors.runs_of(learner=request.user)[:20],
            "live_runs": access.sandbox_live_runs_open_to(user=request.user).filter(
                starts_at__gte=timezone.now() - datetime.timedelta(days=1)
            ),
        },
    )


@login_required
@require_POST
def start(request):
    form = StartForm(request.POST)
    scenario = (
        Scenario.objects.filter(slug=form.cleaned_data["scenario"], retired_at__isnull=True).first()
        if form.is_valid()
        else None
    )
    if scenario is None:
        messages.error(request, _("Choose one of the scenarios below."))
        return redirect("sandbox:scenarios")
    activity, enrolment = None, None
    if form.cleaned_data["activity"]:
        enrolment = learner_default_enrolment(request.user)
        if enrolment is None:
            raise Http404("No enrolment.")
        activity = get_object_or_404(
            Activity.objects.live().select_related("module__stage"),
            pk=form.cleaned_data["activity"],
            kind=Activity.Kind.SIMULATION,
            module__stage__programme=enrolment.programme_id,
        )
        # The programme's unlock rules hold here as on the activity's own page.
        found = learner_progress(enrolment).module(activity.module.stage.slug, activity.module.slug)
        if found is None or not found[0].unlocked:
            messages.error(request, _("This simulation opens with its stage of the programme."))
            return redirect("progress:programme")
    try:
        run = services.run_start(
            learner=request.user,
            scenario=scenario,
            activity=activity,
            enrolment=enrolment,
            now=timezone.now(),
        )
    except services.SandboxError as error:
        messages.error(request, _refusal(error.code))
        return redirect("sandbox:scenarios")
    return redirect(run)


def _replay_minute(request) -> float | None:
    raw = request.GET.get("at")
    try:
        minute = float(raw) if raw not in (None, "") else None
    except ValueError:
        return None
    return max(0.0, minute) if minute is not None and math.isfinite(minute) else None


def _run_context(request, run, *, forms=None, at=None) -> dict:
    now = timezone.now()
    older = _older(request)
    timeline = selectors.run_timeline(run=run, now=now, at=at, limit=None if older else FEED_SHOWN)
    scenario = timeline.scenario
    is_learner = run.learner_id == request.user.pk
    reply_to = request.GET.get("reply") or request.GET.get("quote") or ""
    target = timeline.state.item(reply_to) if reply_to else None
    initial = {}
    if target is not None and target.public and target.kind != "share":
        initial = {
            "target": target.id,
            "reply_kind": "quote" if "quote" in request.GET else "reply",
        }
    forms = forms or {}
    context = {
        "run": run,
        "timeline": timeline,
        "scenario": scenario,
        "is_learner": is_learner,
        "can_act": is_learner and not run.is_submitted and not run.paused and at is None,
        "reply_target": target if initial else None,
        "reply_account": scenario.account(target.author) if initial else None,
        "compose_form": forms.get("compose") or ComposeForm(scenario=scenario, initial=initial),
        "thread_form": forms.get("thread") or ThreadForm(scenario=scenario),
        "message_form": forms.get("message")
        or MessageForm(scenario=scenario, accounts=timeline.accounts),
        "target_form": TargetForm(),
        "clearance_form": ClearanceForm(),
        "poll_seconds": POLL_SECONDS,
        "older": older,
        "started": not (run.live_id and now < run.live.starts_at),
        "trainer_clears": run.trainer_clears,
    }
    return context


@login_required
def run(request, run_id):
    """The simulated platform of one run: the learner plays it; their trainer
    watches it, or replays it minute by minute with `?at=`."""
    roles = access.user_roles(request.user)
    found = access.sandbox_run_visible(user=request.user, roles=roles, pk=run_id)
    return render(
        request, "sandbox/run.html", _run_context(request, found, at=_replay_minute(request))
    )


@login_required
def status(request, run_id):
    """The live region: the clock, and how many posts arrived since the page
    was drawn (`?seen=`). htmx asks for it every few seconds."""
    roles = access.user_roles(request.user)
    found = access.sandbox_run_visible(user=request.user, roles=roles, pk=run_id)
    timeline = selectors.run_timeline(run=found, now=timezone.now())
    try:
        seen = int(request.GET.get("seen", timeline.public_count))
    except ValueError:
        seen = timeline.public_count
    return render(
        request,
        "sandbox/partials/status.html",
        {
            "run": found,
            "timeline": timeline,
            "fresh": max(0, timeline.public_count - seen),
            "seen": seen,
            "poll_seconds": POLL_SECONDS,
            "older": _older(request),
        },
    )


@login_required
def feed(request, run_id):
    """The feed alone, for htmx to swap in when the learner asks for new posts."""
    roles = access.user_roles(request.user)
    found = access.sandbox_run_visible(user=request.user, roles=roles, pk=run_id)
    return render(request, "sandbox/partials/feed_swap.html", _run_context(request, found))


@login_required
@require_POST
def act(request, run_id):
    found = access.sandbox_run_own(user=request.user, pk=run_id)
    name = request.POST.get("form", "")
    form_class = ACTION_FORMS.get(name)
    if form_class is None:
        messages.error(request, _refusal("unknown_action"))
        return redirect(found)
    scenario = found.engine
    now = timezone.now()
    kwargs = {} if form_class is TargetForm else {"scenario": scenario}
    if form_class is MessageForm:
        kwargs["accounts"] = selectors.run_timeline(run=found, now=now).accounts
    form = form_class(request.POST, **kwargs)
    if not form.is_valid():
        context = _run_context(request, found, forms={name: form})
        return render(request, "sandbox/run.html", context, status=400)
    try:
        services.run_act(
            run=found,
            by=request.user,
            token=form.cleaned_data["token"],
            now=now,
            **form.action_fields(found.minute(now)),
        )
    except services.SandboxError as error:
        messages.error(request, _refusal(error.code))
        return redirect(reverse("sandbox:run", args=[found.pk]) + "#feed")
    # Back to the post just liked or shared, where the learner's keyboard was.
    target = form.cleaned_data.get("target", "")
    back = "feed"
    if form.cleaned_data.get("kind") in engine.ITEM_ACTIONS and ITEM_ID.fullmatch(target):
        back = f"item-{target}"
    return redirect(reverse("sandbox:run", args=[found.pk]) + f"#{back}")


@login_required
@require_POST
def clock(request, run_id):
    found = access.sandbox_run_own(user=request.user, pk=run_id)
    try:
        services.run_pause(
            run=found, now=timezone.now(), pause=request.POST.get("action") == "pause"
        )
    except services.SandboxError as error:
        messages.error(request, _refusal(error.code))
    return redirect(found)


@login_required
@require_POST
def submit(request, run_id):
    found = access.sandbox_run_own(user=request.user, pk=run_id)
    services.run_submit(run=found, now=timezone.now())
    return redirect("sandbox:debrief", found.pk)


@login_required
def debrief(request, run_id):
    roles = access.user_roles(request.user)
    found = access.sandbox_run_visible(user=request.user, roles=roles, pk=run_id)
    if not found.is_submitted and found.learner_id == request.user.pk:
        messages.info(request, _("Submit the run to see its debrief."))
        return redirect(found)
    now = timezone.now()
    debrief = selectors.run_debrief(run=found, now=now)
    timeline = selectors.run_timeline(run=found, now=now)
    # Name what each action aimed at as the learner saw it: a post by its author.
    authors = {item.id: item.author for item in (*timeline.state.timeline, *timeline.state.mine)}
    steps = [
        (
            action,
            authors.get(action.target, "" if action.kind == "publish_draft" else action.target),
        )
        for action in debrief.actions
    ]
    return render(
        request,
        "sandbox/debrief.html",
        {
            "run": found,
            "scenario": found.engine,
            "debrief": debrief,
            "steps": steps,
            "timeline": timeline,
        },
    )


@login_required
@require_POST
def clearance(request, run_id):
    """The trainer, as the learner's senior colleague, clears or returns a draft."""
    roles = access.user_roles(request.user)
    found = access.sandbox_run_visible(user=request.user, roles=roles, pk=run_id)
    if found.learner_id == request.user.pk or not roles.trains_anywhere:
        raise Http404("No such run.")
    form = ClearanceForm(request.POST)
    back = found.live.get_absolute_url() if found.live_id else found.get_absolute_url()
    if not form.is_valid():
        messages.error(request, _("Choose a decision and write a note for the learner."))
        return redirect(back)
    try:
        services.run_act(
            run=found,
            by=request.user,
            token=form.cleaned_data["token"],
            now=timezone.now(),
            kind="clearance_answer",
            target=form.cleaned_data["target"],
            approved=form.cleaned_data["decision"] == "approve",
            comment=form.cleaned_data["comment"].strip(),
        )
    except services.SandboxError as error:
        messages.error(request, _refusal(error.code))
    return redirect(back)


# Live runs: the trainer's side -------------------------------------------------


@login_required
def cohort_live(request, cohort_id):
    """A cohort's live runs, and the form that starts one at a set time."""
    roles = access.user_roles(request.user)
    cohort = access.cohort_visible(user=request.user, roles=roles, pk=cohort_id)
    now = timezone.now()
    form = LiveRunForm(request.POST or None, scenarios=selectors.scenarios_live(), now=now)
    if request.method == "POST" and form.is_valid():
        scenario = form.cleaned_data["scenario"]
        activity = (
            Activity.objects.live()
            .filter(
                kind=Activity.Kind.SIMULATION,
                config__scenario=scenario.slug,
                module__stage__programme=cohort.programme_id,
            )
            .first()
        )
        live = services.live_start(
            cohort=cohort,
            scenario=scenario,
            activity=activity,
            starts_at=form.cleaned_data["starts_at"],
            speed=form.cleaned_data["speed"],
            trainer_clears=form.cleaned_data["trainer_clears"],
            by=request.user,
            now=now,
        )
        messages.success(request, _("The live scenario is set. Your learners can join it now."))
        return redirect(live)
    return render(
        request,
        "sandbox/cohort_live.html",
        {
            "cohort": cohort,
            "form": form,
            "live_runs": access.sandbox_live_runs(user=request.user, roles=roles, cohort=cohort),
            "scenarios": selectors.scenarios_live(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def cohort_board(request, cohort_id, slug):
    """The side-by-side debrief of a cohort's submitted practice runs of one scenario."""
    roles = access.user_roles(request.user)
    cohort = access.cohort_visible(user=request.user, roles=roles, pk=cohort_id)
    scenario = get_object_or_404(Scenario, slug=slug)
    runs = access.sandbox_runs_of_cohort(user=request.user, roles=roles, cohort=cohort)
    board = selectors.cohort_board(runs=runs, scenario=scenario, now=timezone.now())
    return render(
        request,
        "sandbox/cohort_board.html",
        {
            "cohort": cohort,
            "scenario": scenario,
            "board": board,
            "columns": list(zip(board.runs, board.checks, strict=True)),
        },
    )


def _board_context(request, live_id) -> dict:
    roles = access.user_roles(request.user)
    live = access.sandbox_live_run_managed(user=request.user, roles=roles, pk=live_id)
    board = selectors.live_board(live=live, now=timezone.now())
    return {
        "live": live,
        "board": board,
        "columns": list(zip(board.runs, board.checks, strict=True)),
        "clearance_form": ClearanceForm(),
        "poll_seconds": POLL_SECONDS * 2,
    }


@login_required
def live(request, live_id):
    """The trainer's live run: its clock, the drafts waiting for them, and
    the side-by-side table of the cohort's answers to each event."""
    return render(request, "sandbox/live.html", _board_context(request, live_id))


@login_required
def live_board(request, live_id):
    """The board alone, for htmx to refresh while the scenario runs."""
    return render(request, "sandbox/partials/board.html", _board_context(request, live_id))


@login_required
@require_POST
def live_clock(request, live_id):
    roles = access.user_roles(request.user)
    found = access.sandbox_live_run_managed(user=request.user, roles=roles, pk=live_id)
    services.live_pause(live=found, now=timezone.now(), pause=request.POST.get("action") == "pause")
    return redirect(found)


# Live runs: the learner's side ----------------------------------------------------


@login_required
@require_POST
def live_join(request, live_id):
    found, enrolment = access.sandbox_live_run_joinable(user=request.user, pk=live_id)
    run = services.live_join(
        live=found, learner=request.user, enrolment=enrolment, now=timezone.now()
    )
    return redirect(run)
