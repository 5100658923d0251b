"""The learner's study pages: overview, modules, and one page per activity kind."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from curriculum.grading import grade, paper_in_content_order, paper_in_words
from curriculum.models import Activity, Programme
from curriculum.rendering import reading_blocks
from curriculum.selectors import programme_default
from ediplomacy.lib.ids import parse_id
from progress import services
from progress.forms import (
    AlternativeEvidenceForm,
    CheckinForm,
    ListeningEntryForm,
    PracticeForm,
    ReflectionForm,
)
from progress.margins import reading_margin
from progress.models import QuizAttempt
from progress.panels import panels
from progress.selectors import activity_detail, learner_progress
from progress.selectors.learner import learner_default_enrolment


def _programme() -> Programme:
    programme = programme_default()
    if programme is None:
        raise Http404("No programme is loaded yet.")
    return programme


def _enrolment_or_none(request):
    enrolment = learner_default_enrolment(request.user)
    if enrolment is None:
        _programme()  # 404 while no programme is loaded
    return enrolment


@login_required
def programme(request):
    enrolment = _enrolment_or_none(request)
    if enrolment is None:
        return render(request, "progress/enrol.html", {"programme": _programme()})
    state = learner_progress(enrolment)
    return render(
        request,
        "progress/programme.html",
        {"enrolment": enrolment, "programme": enrolment.programme, "state": state},
    )


@login_required
@require_POST
def enrol(request):
    try:
        services.enrolment_create(user=request.user, programme=_programme())
    except services.AlreadyEnrolled as error:
        messages.info(request, str(error))
    else:
        messages.success(request, _("Welcome to the programme. Start with the orientation."))
    return redirect("progress:continue")


@login_required
def continue_(request):
    enrolment = _enrolment_or_none(request)
    if enrolment is None:
        return redirect("progress:programme")
    activity = learner_progress(enrolment).next_activity
    if activity is None:
        messages.success(request, _("You have completed every activity in the programme."))
        return redirect("progress:programme")
    return redirect(activity)


def _study_context(request, stage_slug: str, module_slug: str):
    enrolment = _enrolment_or_none(request)
    if enrolment is None:
        return None, None, None, None
    state = learner_progress(enrolment)
    found = state.module(stage_slug, module_slug)
    if found is None:
        raise Http404("No such module.")
    stage_state, module_state = found
    return enrolment, state, stage_state, module_state


@login_required
def module(request, stage_slug, module_slug):
    enrolment, _activity, stage_state, module_state = _study_context(
        request, stage_slug, module_slug
    )
    if enrolment is None:
        messages.info(request, _("Start the programme to open its modules."))
        return redirect("progress:programme")
    return render(
        request,
        "progress/module.html",
        {"enrolment": enrolment, "stage_state": stage_state, "module_state": module_state},
        status=200 if stage_state.unlocked else 403,
    )


ACTIVITY_TEMPLATES = {kind: f"progress/activity/{kind}.html" for kind in Activity.Kind.values}


@login_required
def activity(request, stage_slug, module_slug, activity_slug):
    enrolment, state, stage_state, module_state = _study_context(request, stage_slug, module_slug)
    if enrolment is None:
        messages.info(request, _("Start the programme to open its activities."))
        return redirect("progress:programme")
    item = next((a for a in module_state.activities if a.activity.slug == activity_slug), None)
    if item is None:
        raise Http404("No such activity.")
    # The outline leaves bodies out; the page needs this one's.
    current = Activity.objects.select_related("module__stage").get(pk=item.activity.pk)
    context = {
        "enrolment": enrolment,
        "stage_state": stage_state,
        "module_state": module_state,
        "activity": current,
        "completed": item.completed,
        "next_activity": state.activity_after(current),
    }
    if not stage_state.unlocked:
        return render(request, "progress/locked.html", context, status=403)

    form = None
    if request.method == "POST":
        response, form = _handle_post(request, enrolment, current)
        if response is not None:
            return response
    context.update(activity_detail(enrolment, current))
    invalid = form is not None
    if current.kind == Activity.Kind.QUIZ:
        context["draw"] = _quiz_paper(enrolment, current)
        if context["draw"] is not None:
            # The paper's words in the reader's language; its keys grade it.
            context["paper"] = paper_in_words(context["draw"].paper, current.questions)
    if current.kind == Activity.Kind.READING:
        context.update(_reading_margin(request, enrolment, current))
    if current.kind == Activity.Kind.PRACTICE:
        context["panels"] = panels(
            "practice", request=request, enrolment=enrolment, activity=current
        )
    if current.kind == Activity.Kind.DISCUSSION:
        context["discussed"] = (
            Activity.objects.live()
            .filter(module=current.module, slug=current.discussed_reading)
            .select_related("module__stage")
            .first()
        )
    if current.kind == Activity.Kind.CHECKIN:
        # The check-in page has a second form: alternative evidence of a following.
        if isinstance(form, AlternativeEvidenceForm):
            context["evidence_form"], form = form, None
        else:
            context["evidence_form"] = AlternativeEvidenceForm()
    context["form"] = form or _blank_form(current, enrolment, context)
    return render(
        request, ACTIVITY_TEMPLATES[current.kind], context, status=400 if invalid else 200
    )


def _reading_margin(request, enrolment, activity) -> dict:
    """The reading block by block, each with what an app above puts beside it
    (the cohort's threads), when one registered a margin."""
    blocks = reading_blocks(activity.body_html)
    margin = reading_margin(request=request, enrolment=enrolment, activity=activity, blocks=blocks)
    if margin is None:
        return {}
    return {
        "margin": margin,
        "margin_rows": [(block, margin.by_anchor.get(block.anchor, [])) for block in blocks],
    }


def _quiz_paper(enrolment, activity):
    """The paper to answer now, or None when the retake policy says wait
    (the page then says until when, from the same policy)."""
    if not enrolment.is_open:
        return None
    try:
        return services.quiz_attempt_open(enrolment=enrolment, activity=activity)
    except services.QuizClosed:
        return None


def _blank_form(activity, enrolment, context):
    kind = activity.kind
    if kind == Activity.Kind.LISTENING_LOG:
        today = enrolment.local_today(timezone.now())
        entry = next((e for e in context["entries"] if e.day == today), None)
        initial = {"followed": entry.followed, "learned": entry.learned} if entry else None
        return ListeningEntryForm(initial=initial)
    if kind == Activity.Kind.PRACTICE:
        # A revision starts from the learner's last version, not from a blank page.
        last = context["submissions"][0] if context["submissions"] else None
        initial = {"text": last.text, "link": last.link} if last else None
        return PracticeForm(
            rubric=activity.rubric, self_assessed=not enrolment.has_trainer, initial=initial
        )
    if kind == Activity.Kind.REFLECTION:
        reflection = context.get("reflection")
        return ReflectionForm(
            min_words=activity.min_words, initial={"text": reflection.text} if reflection else None
        )
    if kind == Activity.Kind.CHECKIN:
        return CheckinForm()
    return None


def _handle_post(request, enrolment, activity):
    """Runs the activity's action; returns (redirect, None) or (None, invalid form)."""
    kind = activity.kind
    done = redirect(activity)
    try:
        if kind == Activity.Kind.READING:
            services.reading_mark_read(enrolment=enrolment, activity=activity)
            messages.success(request, _("Marked as read."))
            return done, None
        if kind == Activity.Kind.QUIZ:
            draw_id = parse_id(request.POST.get("draw"))
            if draw_id is None:
                messages.error(
                    request, _("Your answers did not reach us whole; please answer again.")
                )
                return done, None
            raw = {str(i): request.POST.getlist(f"q{i}") for i in range(len(activity.questions))}
            attempt, _created = services.quiz_submit(
                enrolment=enrolment, activity=activity, raw_answers=raw, draw_id=draw_id
            )
            return redirect("progress:quiz_result", *_path(activity), attempt.pk), None
        if kind == Activity.Kind.RESOURCES:
            resource_id = parse_id(request.POST.get("resource"))
            if resource_id is None:
                raise Http404("No such resource.")
            resource = get_object_or_404(
                activity.resources, pk=resource_id, retired_at__isnull=True
            )
            follow = request.POST.get("action") != "unfollow"
            services.resource_follow(enrolment=enrolment, resource=resource, follow=follow)
            done = (
                _("You now follow “%(title)s”.")
                if follow
                else _("You no longer follow “%(title)s”.")
            )
            messages.success(request, done % {"title": resource.title})
            return redirect(activity.get_absolute_url() + f"#resource-{resource.slug}"), None
        if kind == Activity.Kind.LISTENING_LOG:
            form = ListeningEntryForm(request.POST)
            if not form.is_valid():
                return None, form
            services.listening_entry_save(
                enrolment=enrolment, activity=activity, **form.cleaned_data
            )
            messages.success(request, _("Today's listening is saved."))
            return done, None
        if kind == Activity.Kind.PRACTICE:
            form = PracticeForm(
                request.POST, rubric=activity.rubric, self_assessed=not enrolment.has_trainer
            )
            if not form.is_valid():
                return None, form
            submission = services.practice_submit(
                enrolment=enrolment,
                activity=activity,
                text=form.cleaned_data["text"],
                link=form.cleaned_data["link"],
                self_assessment=form.self_assessment(),
            )
            messages.success(request, _practice_message(submission, enrolment))
            return done, None
        if kind == Activity.Kind.REFLECTION:
            form = ReflectionForm(request.POST, min_words=activity.min_words)
            if not form.is_valid():
                return None, form
            services.reflection_save(
                enrolment=enrolment, activity=activity, text=form.cleaned_data["text"]
            )
            messages.success(request, _("Your reflection is saved."))
            return done, None
        if kind == Activity.Kind.CHECKIN and request.POST.get("action") == "evidence":
            form = AlternativeEvidenceForm(request.POST)
            if not form.is_valid():
                return None, form
            services.alternative_evidence_submit(
                enrolment=enrolment, activity=activity, **form.cleaned_data
            )
            messages.success(
                request, _("Your evidence is sent. Your trainer will approve or return it.")
            )
            return redirect(activity.get_absolute_url() + "#alternative-evidence"), None
        if kind == Activity.Kind.CHECKIN:
            form = CheckinForm(request.POST)
            if not form.is_valid():
                return None, form
            services.checkin_record(enrolment=enrolment, activity=activity, **form.cleaned_data)
            messages.success(request, _("Your follower count is recorded."))
            return done, None
    except services.StudyError as error:
        messages.error(request, str(error))
        return done, None
    return done, None


def _practice_message(submission, enrolment) -> str:
    if enrolment.has_trainer:
        return "Your work is submitted. Your trainer will review it."
    if all(submission.self_assessment.values()):
        return "Your work is saved and the task is complete."
    return "Your work is saved. Revise it and submit again when it meets every criterion."


def _path(activity):
    return activity.module.stage.slug, activity.module.slug, activity.slug


@login_required
def quiz_result(request, stage_slug, module_slug, activity_slug, attempt_id):
    enrolment = _enrolment_or_none(request)
    if enrolment is None:
        raise Http404("No such attempt.")
    attempt = get_object_or_404(
        QuizAttempt.objects.select_related("activity__module__stage"),
        pk=attempt_id,
        enrolment=enrolment,
        activity__slug=activity_slug,
        activity__module__slug=module_slug,
        activity__module__stage__slug=stage_slug,
    )
    activity = attempt.activity
    paper = paper_in_words(
        attempt.paper or paper_in_content_order(activity.questions), activity.questions
    )
    result = grade(paper, attempt.answers, activity.pass_mark)
    return render(
        request,
        "progress/quiz_result.html",
        {"attempt": attempt, "activity": activity, "result": result, "enrolment": enrolment},
    )
