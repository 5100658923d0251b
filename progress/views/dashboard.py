"""The learner's dashboard and their own pause / resume."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from curriculum.selectors import programme_default
from progress import services
from progress.forms import PauseForm
from progress.selectors import learner_dashboard
from progress.selectors.learner import learner_default_enrolment

# The dashboard's body is kept this long, keyed on everything that changes it
# (see the template's {% cache %}): a learner who reloads it costs a cache read,
# and what only the passing of time changes (shares of time used) lags by at
# most this much.
DASHBOARD_CACHE_SECONDS = 60


@login_required
def dashboard(request):
    enrolment = learner_default_enrolment(request.user)
    if enrolment is None:
        if programme_default() is None:
            raise Http404("No programme is loaded yet.")
        return redirect("progress:programme")  # it offers the start
    now = timezone.now()
    context = {
        # Lazy: read only when the cached body is missing or out of date.
        "dashboard": SimpleLazyObject(lambda: learner_dashboard(enrolment, now)),
        "open_pause": SimpleLazyObject(
            lambda: enrolment.pauses.filter(ended_at__isnull=True).order_by("-started_at").first()
        ),
        "enrolment": enrolment,
        "today": timezone.localdate(now),
        "cache_seconds": DASHBOARD_CACHE_SECONDS,
    }
    return render(request, "progress/dashboard.html", context)


@login_required
@require_POST
def pause(request):
    enrolment = learner_default_enrolment(request.user)
    if enrolment is None:
        return redirect("progress:programme")
    form = PauseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The reason is too long or contains characters we cannot keep."))
        return redirect("progress:dashboard")
    try:
        services.enrolment_pause(
            enrolment=enrolment, by=request.user, reason=form.cleaned_data["reason"]
        )
    except services.StudyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your programme is paused. Your due dates wait for you."))
    return redirect("progress:dashboard")


@login_required
@require_POST
def resume(request):
    enrolment = learner_default_enrolment(request.user)
    if enrolment is None:
        return redirect("progress:programme")
    try:
        services.enrolment_resume(enrolment=enrolment, by=request.user)
    except services.StudyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Welcome back: your programme is running again."))
    return redirect("progress:dashboard")
