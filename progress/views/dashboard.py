"""The learner's dashboard and their own pause / resume."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from progress import services
from progress.forms import PauseForm
from progress.selectors import learner_dashboard
from progress.views.study import _enrolment_or_none


@login_required
def dashboard(request):
    enrolment = _enrolment_or_none(request)
    if enrolment is None:
        return redirect("progress:programme")
    data = learner_dashboard(enrolment, timezone.now())
    return render(request, "progress/dashboard.html", {"dashboard": data, "enrolment": enrolment})


@login_required
@require_POST
def pause(request):
    enrolment = _enrolment_or_none(request)
    if enrolment is None:
        return redirect("progress:programme")
    form = PauseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The reason is too long or contains characters we cannot keep.")
        return redirect("progress:dashboard")
    try:
        services.enrolment_pause(
            enrolment=enrolment, by=request.user, reason=form.cleaned_data["reason"]
        )
    except services.StudyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Your programme is paused. Your due dates wait for you.")
    return redirect("progress:dashboard")


@login_required
@require_POST
def resume(request):
    enrolment = _enrolment_or_none(request)
    if enrolment is None:
        return redirect("progress:programme")
    try:
        services.enrolment_resume(enrolment=enrolment, by=request.user)
    except services.StudyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Welcome back: your programme is running again.")
    return redirect("progress:dashboard")
