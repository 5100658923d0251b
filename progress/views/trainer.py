"""The trainer's workspace: cohorts, their learners, invitations and reviews.

Every page fetches its objects through `accounts.access`, which answers 404
for anything outside the asking person's cohorts or organisations.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_POST

from accounts import access
from curriculum.models import Activity
from curriculum.selectors import programme_default
from ediplomacy.lib.confirm import confirmation, confirmed
from ediplomacy.lib.ids import parse_id
from ediplomacy.lib.translations import content_language
from progress import services, timemodel
from progress.forms import (
    AddLearnersForm,
    CohortForm,
    EvidenceReviewForm,
    PauseForm,
    ReviewForm,
)
from progress.guide import trainer_guide_in
from progress.models import (
    AlternativeEvidence,
    Enrolment,
    FollowingCheckin,
    Invitation,
    ListeningEntry,
    Submission,
)
from progress.panels import panels
from progress.selectors import (
    cohort_learners,
    cohort_rows,
    cohort_summary,
    learner_dashboard,
    review_queue,
)
from progress.selectors.cohorts import INACTIVE_DAYS, SORT_LABELS
from progress.selectors.quizzes import learner_quizzes
from progress.services.cohorts import cohort_update_impact

PAGE_SIZE = 50
# The paces the cohort page filters on, by the codes the report uses too.
PACES_FILTERED = (
    *timemodel.CURRENT_PACES,
    timemodel.Pace.NOT_STARTED,
    timemodel.Pace.ACHIEVED_ON_TIME,
    timemodel.Pace.ACHIEVED_LATE,
)


def trainer_required(view):
    """Open to trainers, organisation administrators and staff; 404 for anyone else."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        roles = access.user_roles(request.user)
        if not roles.trains_anywhere:
            raise Http404("No such page.")
        request.roles = roles
        return view(request, *args, **kwargs)

    return wrapper


@trainer_required
def cohort_list(request):
    cohorts = access.cohorts_visible(user=request.user, roles=request.roles).order_by(
        "archived_at", "-starts_on", "name", "pk"
    )
    # Staff see every organisation's cohorts: thousands.
    page = Paginator(cohorts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "progress/trainer/cohort_list.html", {"cohorts": page, "page": page})


@trainer_required
def cohort_create(request):
    organisations = access.organisations_training(user=request.user, roles=request.roles)
    form = CohortForm(
        request.POST or None,
        organisations=organisations,
        trainers=access.trainers_eligible(organisations=organisations),
        initial={"trainers": [request.user], "starts_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        programme = programme_default()
        if programme is None:
            raise Http404("No programme is loaded yet.")
        cohort = services.cohort_create(
            organisation=form.cleaned_data["organisation"],
            programme=programme,
            name=form.cleaned_data["name"],
            starts_on=form.cleaned_data["starts_on"],
            length_days=form.cleaned_data["length_days"],
            trainers=list(form.cleaned_data["trainers"]),
            by=request.user,
        )
        messages.success(
            request,
            _("The cohort “%(cohort)s” is ready. Now add its learners.") % {"cohort": cohort.name},
        )
        return redirect("progress:cohort_add_learners", cohort.pk)
    return render(request, "progress/trainer/cohort_form.html", {"form": form, "cohort": None})


@trainer_required
def cohort_detail(request, cohort_id):
    cohort = access.cohort_visible(user=request.user, roles=request.roles, pk=cohort_id)
    now = timezone.now()
    services.cohort_snapshots_complete(cohort=cohort, now=now)
    summary = cohort_summary(cohort=cohort)

    sort = request.GET.get("sort", "pace")
    sort = sort if sort in SORT_LABELS else "pace"
    pace = request.GET.get("pace", "")
    pace = pace if pace in PACES_FILTERED else ""
    status = request.GET.get("status", "")
    status = status if status in Enrolment.Status.values else ""
    inactive = request.GET.get("inactive") == "1"
    show_withdrawn = request.GET.get("withdrawn") == "1"

    shown = cohort_rows(
        cohort=cohort,
        now=now,
        sort=sort,
        pace=pace,
        status=status,
        inactive_days=INACTIVE_DAYS if inactive else None,
        show_withdrawn=show_withdrawn,
    )
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = cohort_learners(enrolments=list(page.object_list), now=now)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "progress/trainer/cohort_detail.html",
        {
            "cohort": cohort,
            "panels": panels("cohort", request=request, cohort=cohort),
            "summary": summary,
            "page": page,
            "sorts": SORT_LABELS,
            "sort": sort,
            "sort_label": SORT_LABELS[sort],
            "pace": pace,
            "paces": [(code, timemodel.PACE_LABELS[code]) for code in PACES_FILTERED],
            "pace_tiles": [
                (code, timemodel.PACE_LABELS[code], count)
                for code, count in summary.by_pace.items()
            ],
            "inactive": inactive,
            "inactive_days": INACTIVE_DAYS,
            "show_withdrawn": show_withdrawn,
            "query": query.urlencode(),
            "shown_count": page.paginator.count,
            "pending_invitations": cohort.invitations.filter(status="pending").count(),
        },
    )


@trainer_required
def cohort_edit(request, cohort_id):
    cohort = access.cohort_visible(user=request.user, roles=request.roles, pk=cohort_id)
    organisations = access.organisations_training(user=request.user, roles=request.roles).filter(
        pk=cohort.organisation_id
    )
    form = CohortForm(
        request.POST or None,
        organisations=organisations,
        trainers=access.trainers_eligible(organisations=organisations),
        initial={
            "name": cohort.name,
            "organisation": cohort.organisation,
            "starts_on": cohort.starts_on,
            "length_days": cohort.length_days,
            "trainers": list(cohort.trainers.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        impact = cohort_update_impact(
            cohort=cohort, starts_on=data["starts_on"], length_days=data["length_days"]
        )
        if impact and request.POST.get("confirm") != "yes":
            # Ask once more, saying how many learners' due dates move.
            return render(
                request,
                "progress/trainer/cohort_form.html",
                {"form": form, "cohort": cohort, "impact": impact},
            )
        moved = services.cohort_update(
            cohort=cohort,
            name=data["name"],
            starts_on=data["starts_on"],
            length_days=data["length_days"],
            trainers=list(data["trainers"]),
            by=request.user,
        )
        saved = (
            ngettext(
                "The cohort is saved. The due dates of %(count)s learner moved.",
                "The cohort is saved. The due dates of %(count)s learners moved.",
                moved,
            )
            % {"count": moved}
            if moved
            else _("The cohort is saved.")
        )
        messages.success(request, saved)
        return redirect(cohort)
    return render(request, "progress/trainer/cohort_form.html", {"form": form, "cohort": cohort})


@trainer_required
@require_POST
def cohort_archive(request, cohort_id):
    cohort = access.cohort_visible(user=request.user, roles=request.roles, pk=cohort_id)
    archive = request.POST.get("action") != "restore"
    if archive and not confirmed(request):
        return confirmation(
            request,
            title=_("Archive “%(cohort)s”?") % {"cohort": cohort.name},
            what=_(
                "Its learners stop receiving reminders, its trainers stop getting its weekly "
                "digest, and nobody can be added to it. Every learner's work and the cohort's "
                "figures in the reports stay."
            ),
            undo=_(
                "you can restore the cohort at any time from its page, and all of this resumes."
            ),
            action=reverse("progress:cohort_archive", args=[cohort.pk]),
            fields=[("action", "archive")],
            button=_("Archive the cohort"),
            back=cohort.get_absolute_url(),
        )
    services.cohort_archive(cohort=cohort, archived=archive, by=request.user)
    if archive:
        messages.success(
            request,
            _("“%(cohort)s” is archived. You can restore it at any time.")
            % {"cohort": cohort.name},
        )
    else:
        messages.success(request, _("“%(cohort)s” is active again.") % {"cohort": cohort.name})
    return redirect(cohort)


@trainer_required
def cohort_add_learners(request, cohort_id):
    cohort = access.cohort_visible(user=request.user, roles=request.roles, pk=cohort_id)
    form = AddLearnersForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("csv_file")
        rows, problems = services.learner_rows_parse(
            cohort=cohort,
            text=form.cleaned_data.get("emails") or "",
            csv_bytes=upload.read() if upload else None,
        )
        if not problems and not rows:
            form.add_error(None, _("The list has no addresses."))
        elif not problems:
            try:
                result = services.cohort_add_learners(cohort=cohort, rows=rows, by=request.user)
            except services.CohortError as error:
                form.add_error(None, str(error))
            else:
                parts = []
                if result.enrolled:
                    parts.append(_("%(count)s enrolled") % {"count": len(result.enrolled)})
                if result.restored:
                    parts.append(_("%(count)s restored") % {"count": len(result.restored)})
                if result.invited:
                    parts.append(_("%(count)s invited by e-mail") % {"count": len(result.invited)})
                messages.success(
                    request,
                    _("Learners added: %(parts)s.")
                    % {"parts": pgettext("list separator", ", ").join(parts)},
                )
                return redirect(cohort)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "progress/trainer/add_learners.html",
        {"cohort": cohort, "form": form, "problems": problems},
        status=status,
    )


@trainer_required
def cohort_invitations(request, cohort_id):
    cohort = access.cohort_visible(user=request.user, roles=request.roles, pk=cohort_id)
    if request.method == "POST":
        invitation_id = parse_id(request.POST.get("invitation"))
        if invitation_id is None:
            raise Http404("No such invitation.")
        invitation = get_object_or_404(cohort.invitations, pk=invitation_id)
        pending = invitation.status == Invitation.Status.PENDING
        if request.POST.get("action") == "revoke" and pending and not confirmed(request):
            return confirmation(
                request,
                title=_("Revoke the invitation to %(email)s?") % {"email": invitation.email},
                what=_(
                    "The link in the invitation e-mail stops working, and %(email)s "
                    "cannot join “%(cohort)s” with it, even by signing up."
                )
                % {"email": invitation.email, "cohort": cohort.name},
                undo=_(
                    "a revoked invitation cannot be revived; to invite the address again, "
                    "add it to the cohort again."
                ),
                action=reverse("progress:cohort_invitations", args=[cohort.pk]),
                fields=[("invitation", invitation.pk), ("action", "revoke")],
                button=_("Revoke the invitation"),
                back=reverse("progress:cohort_invitations", args=[cohort.pk]),
            )
        try:
            if request.POST.get("action") == "revoke":
                services.invitation_revoke(invitation=invitation, by=request.user)
                messages.success(
                    request,
                    _("The invitation to %(email)s is revoked.") % {"email": invitation.email},
                )
            else:
                services.invitation_resend(invitation=invitation, by=request.user)
                messages.success(
                    request,
                    _("The invitation to %(email)s was sent again.") % {"email": invitation.email},
                )
        except services.CohortError as error:
            messages.error(request, str(error))
        return redirect("progress:cohort_invitations", cohort.pk)
    invitations = cohort.invitations.all()
    return render(
        request,
        "progress/trainer/invitations.html",
        {"cohort": cohort, "invitations": invitations, "now": timezone.now()},
    )


@trainer_required
def learner_detail(request, cohort_id, enrolment_id):
    cohort = access.cohort_visible(user=request.user, roles=request.roles, pk=cohort_id)
    enrolment = access.enrolment_visible(
        user=request.user, roles=request.roles, cohort=cohort, pk=enrolment_id
    )
    evidence_form = EvidenceReviewForm()
    if request.method == "POST" and request.POST.get("action") == "evidence":
        response, evidence_form = _evidence_review(request, cohort, enrolment)
        if response is not None:
            return response
    elif request.method == "POST":
        return _learner_action(request, cohort, enrolment)
    now = timezone.now()
    return render(
        request,
        "progress/trainer/learner_detail.html",
        {
            "cohort": cohort,
            "enrolment": enrolment,
            "dashboard": learner_dashboard(enrolment, now, for_trainer=True),
            "quizzes": learner_quizzes(enrolment, now),
            "completions": enrolment.completions.select_related("activity").order_by(
                "-completed_at"
            ),
            "submissions": Submission.objects.filter(enrolment=enrolment)
            .select_related("activity", "reviewed_by")
            .prefetch_related("marks__criterion"),
            "entries": ListeningEntry.objects.filter(enrolment=enrolment),
            "checkins": FollowingCheckin.objects.filter(enrolment=enrolment),
            "evidence": AlternativeEvidence.objects.filter(enrolment=enrolment).select_related(
                "reviewed_by"
            ),
            "evidence_form": evidence_form,
            "pause_form": PauseForm(),
        },
        status=400 if evidence_form.is_bound else 200,
    )


def _evidence_review(request, cohort, enrolment):
    """Approves or returns the learner's alternative evidence of a following.

    Returns (redirect, None) when done, or (None, the bound form) to show its
    errors beside the evidence."""
    evidence_id = parse_id(request.POST.get("evidence"))
    if evidence_id is None:
        raise Http404("No such evidence.")
    evidence = get_object_or_404(
        AlternativeEvidence.objects.select_related("activity"),
        pk=evidence_id,
        enrolment=enrolment,
    )
    form = EvidenceReviewForm(request.POST)
    if not form.is_valid():
        return None, form
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.alternative_evidence_review(
            evidence=evidence,
            reviewer=request.user,
            approve=approve,
            feedback=form.cleaned_data["feedback"],
        )
    except services.StudyError as error:
        messages.error(request, str(error))
    else:
        done = (
            _("%(person)s's alternative evidence is approved: it counts as a stable following.")
            if approve
            else _("%(person)s's alternative evidence is returned.")
        )
        messages.success(request, done % {"person": enrolment.user})
    return redirect(
        reverse("progress:cohort_learner", args=[cohort.pk, enrolment.pk]) + "#alternative-evidence"
    ), None


@trainer_required
def trainer_guide(request):
    """The trainer's guide (docs/trainer-guide.md or its translation), rendered as a page."""
    return render(
        request, "progress/trainer/guide.html", {"guide": trainer_guide_in(content_language())}
    )


def _learner_action(request, cohort, enrolment):
    action = request.POST.get("action")
    if action == "withdraw" and not confirmed(request):
        learner_url = reverse("progress:cohort_learner", args=[cohort.pk, enrolment.pk])
        return confirmation(
            request,
            title=_("Withdraw %(person)s from “%(cohort)s”?")
            % {"person": enrolment.user, "cohort": cohort.name},
            what=_(
                "%(person)s leaves the cohort: they no longer appear among its learners "
                "(unless you choose to show withdrawn learners) and get no more reminders. "
                "Their completed work, practice submissions and reviews are kept."
            )
            % {"person": enrolment.user},
            undo=_("you can restore them to the cohort from their page, with all their work."),
            action=learner_url,
            fields=[("action", "withdraw")],
            button=_("Withdraw from the cohort"),
            back=learner_url,
        )
    try:
        if action == "pause":
            form = PauseForm(request.POST)
            if not form.is_valid():
                messages.error(
                    request, _("The reason is too long or contains characters we cannot keep.")
                )
                return redirect("progress:cohort_learner", cohort.pk, enrolment.pk)
            services.enrolment_pause(
                enrolment=enrolment, by=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(
                request,
                _("%(person)s is paused; their due dates wait.") % {"person": enrolment.user},
            )
        elif action == "resume":
            services.enrolment_resume(enrolment=enrolment, by=request.user)
            messages.success(request, _("%(person)s is active again.") % {"person": enrolment.user})
        elif action == "withdraw":
            services.enrolment_withdraw(enrolment=enrolment, by=request.user)
            messages.success(
                request,
                _(
                    "%(person)s is withdrawn from the cohort. Their work is kept; "
                    "you can restore them from their page."
                )
                % {"person": enrolment.user},
            )
        elif action == "restore":
            services.enrolment_restore(enrolment=enrolment, by=request.user)
            messages.success(
                request, _("%(person)s is back in the cohort.") % {"person": enrolment.user}
            )
        elif action == "grant_attempt":
            quiz = _enrolment_quiz(enrolment, request.POST.get("quiz"))
            services.quiz_attempt_grant(enrolment=enrolment, activity=quiz, by=request.user)
            messages.success(
                request,
                _("%(person)s can take “%(quiz)s” once more, starting now.")
                % {"person": enrolment.user, "quiz": quiz.title},
            )
        else:
            messages.error(request, _("Unknown action."))
    except (services.StudyError, services.CohortError) as error:
        messages.error(request, str(error))
    return redirect("progress:cohort_learner", cohort.pk, enrolment.pk)


def _enrolment_quiz(enrolment, raw_id) -> Activity:
    """A live quiz of the learner's programme, or 404."""
    quiz_id = parse_id(raw_id)
    if quiz_id is None:
        raise Http404("No such quiz.")
    return get_object_or_404(
        Activity.objects.live(),
        pk=quiz_id,
        kind=Activity.Kind.QUIZ,
        module__stage__programme_id=enrolment.programme_id,
    )


@trainer_required
def review_list(request):
    page = Paginator(review_queue(user=request.user, roles=request.roles), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "progress/trainer/review_list.html", {"page": page})


@trainer_required
def review_detail(request, submission_id):
    submission = access.submission_reviewable(
        user=request.user, roles=request.roles, pk=submission_id
    )
    form = ReviewForm(request.POST or None, criteria=submission.activity.rubric)
    if request.method == "POST" and form.is_valid():
        try:
            services.submission_review(
                submission=submission,
                reviewer=request.user,
                accept=form.cleaned_data["decision"] == "accept",
                feedback=form.cleaned_data["feedback"],
                marks=form.marks(),
            )
        except services.MarksError as error:
            form.add_marks_errors(error.by_criterion)
        except services.StudyError as error:
            # Another reviewer was first: say so beside the form, keeping what was typed.
            form.add_error(None, str(error))
            submission.refresh_from_db()
        else:
            done = (
                _("%(person)s's work is accepted.")
                if form.cleaned_data["decision"] == "accept"
                else _("%(person)s's work is returned.")
            )
            messages.success(request, done % {"person": submission.enrolment.user})
            return redirect("progress:reviews")
    earlier = (
        Submission.objects.filter(enrolment=submission.enrolment, activity=submission.activity)
        .exclude(pk=submission.pk)
        .select_related("reviewed_by")
        .prefetch_related("marks__criterion")
    )
    return render(
        request,
        "progress/trainer/review_detail.html",
        {
            "submission": submission,
            "form": form,
            "earlier": earlier,
            "panels": panels("review", request=request, submission=submission),
        },
        status=(409 if form.non_field_errors() else 400) if request.method == "POST" else 200,
    )
