"""The link in an invitation e-mail."""

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from progress import services
from progress.models import Invitation
from progress.tasks import INVITATION_SALT


def invitation(request, token):
    try:
        invitation_id = signing.loads(
            token, salt=INVITATION_SALT, max_age=settings.INVITATION_DAYS * 86400 * 4
        )
        found = Invitation.objects.select_related("cohort__organisation").get(pk=invitation_id)
    except (signing.BadSignature, Invitation.DoesNotExist):
        return render(request, "progress/invitation.html", {"problem": "invalid"}, status=404)

    now = timezone.now()
    problem = ""
    if found.status == Invitation.Status.ACCEPTED:
        problem = "accepted"
    elif found.status == Invitation.Status.REVOKED:
        problem = "revoked"
    elif found.is_expired(now):
        problem = "expired"
    context = {
        "invitation": found,
        "problem": problem,
        # Back from signing up: confirming the address already joined them.
        "joined": problem == "accepted"
        and request.user.is_authenticated
        and found.accepted_by_id == request.user.pk,
    }
    if problem:
        return render(request, "progress/invitation.html", context, status=410)

    if request.user.is_authenticated:
        if not request.user.emailaddress_set.filter(
            email__iexact=found.email, verified=True
        ).exists():
            context["problem"] = "mismatch"
            context["message"] = f"This invitation is for {found.email}: log in with that address."
            return render(request, "progress/invitation.html", context, status=403)
        previous = services.invitation_previous_enrolment(invitation=found, user=request.user)
        if request.method == "POST":
            try:
                services.invitation_accept(
                    invitation=found,
                    user=request.user,
                    bring_work=previous is not None and request.POST.get("bring_work") == "1",
                )
            except services.CohortError as error:
                context["problem"] = "mismatch"
                context["message"] = str(error)
                return render(request, "progress/invitation.html", context, status=403)
            messages.success(request, _("Welcome to %(cohort)s.") % {"cohort": found.cohort.name})
            return redirect("progress:dashboard")
        context["previous"] = previous
        return render(request, "progress/invitation.html", context)

    context["has_account"] = User.objects.filter(email__iexact=found.email).exists()
    return render(request, "progress/invitation.html", context)
