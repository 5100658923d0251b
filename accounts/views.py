import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.forms import AddPersonForm, PauseNudgesForm, ProfileForm
from accounts.models import AuditEvent, Membership, Organisation, User
from accounts.selectors import user_roles
from accounts.services import MembershipError, membership_change, organisation_pause_nudges
from ediplomacy.lib.ids import parse_id


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


def _managed(request) -> list[Organisation]:
    roles = request.roles = user_roles(request.user)  # the navigation reuses them
    organisations = Organisation.objects.all()
    if not roles.is_staff:
        organisations = organisations.filter(pk__in=roles.admin_of)
    return list(organisations)


@login_required
def organisations(request):
    managed = _managed(request)
    if not managed:
        raise Http404("No such page.")
    if len(managed) == 1:
        return redirect("accounts:people", managed[0].slug)
    return render(request, "accounts/organisations.html", {"organisations": managed})


@login_required
def people(request, slug):
    organisation = next((o for o in _managed(request) if o.slug == slug), None)
    if organisation is None:
        raise Http404("No such organisation.")
    form = AddPersonForm(request.POST if request.POST.get("action") == "add" else None)
    pause_form = PauseNudgesForm(request.POST if request.POST.get("action") == "pause" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "pause" and pause_form.is_valid():
            until = datetime.datetime.combine(
                pause_form.cleaned_data["until"], datetime.time(8), tzinfo=request.user.zone
            )
            organisation_pause_nudges(organisation=organisation, until=until, by=request.user)
            messages.success(request, f"Reminders are held until {until:%d %B %Y, %H:%M}.")
            return redirect("accounts:people", organisation.slug)
        if action == "resume":
            organisation_pause_nudges(organisation=organisation, until=None, by=request.user)
            messages.success(request, "Reminders are running again.")
            return redirect("accounts:people", organisation.slug)
        try:
            if action == "add" and form.is_valid():
                user = User.objects.get(email__iexact=form.cleaned_data["email"])
                membership_change(
                    organisation=organisation,
                    user=user,
                    role=form.cleaned_data["role"],
                    by=request.user,
                )
                messages.success(request, f"{user} now has the role {form.role_label()}.")
                return redirect("accounts:people", organisation.slug)
            if action in {"role", "remove"}:
                membership = get_object_or_404(
                    organisation.memberships.select_related("user"),
                    pk=parse_id(request.POST.get("member")) or 0,
                )
                role = request.POST.get("role") if action == "role" else None
                if role is not None and role not in Membership.Role.values:
                    raise MembershipError("Choose a role from the list.")
                membership_change(
                    organisation=organisation, user=membership.user, role=role, by=request.user
                )
                verb = "removed from the organisation" if role is None else "updated"
                messages.success(request, f"{membership.user} is {verb}.")
                return redirect("accounts:people", organisation.slug)
        except MembershipError as error:
            messages.error(request, str(error))
            return redirect("accounts:people", organisation.slug)
    members = organisation.memberships.select_related("user").order_by("role", "user__email")
    return render(
        request,
        "accounts/people.html",
        {
            "organisation": organisation,
            "members": members,
            "role_choices": Membership.Role.choices,
            "form": form,
            "pause_form": pause_form,
            "paused": organisation.nudges_paused_until
            and organisation.nudges_paused_until > timezone.now(),
        },
        status=400 if any(f.is_bound and not f.is_valid() for f in (form, pause_form)) else 200,
    )


@login_required
def audit(request, slug):
    organisation = next((o for o in _managed(request) if o.slug == slug), None)
    if organisation is None:
        raise Http404("No such organisation.")
    page = Paginator(
        AuditEvent.objects.filter(organisation=organisation).select_related("actor"), 50
    ).get_page(request.GET.get("page"))
    return render(request, "accounts/audit.html", {"organisation": organisation, "page": page})
