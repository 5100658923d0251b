import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import access
from accounts.forms import (
    AddPersonForm,
    OrganisationLanguageForm,
    PauseNudgesForm,
    ProfileForm,
)
from accounts.invitations import (
    InvitationError,
    organisation_invitation_answer,
    organisation_invitation_resend,
    organisation_invitation_revoke,
    organisation_invite,
)
from accounts.models import Membership, OrganisationInvitation
from accounts.services import (
    MembershipError,
    membership_change,
    organisation_pause_nudges,
    organisation_set_language,
)
from accounts.tasks import ORGANISATION_INVITATION_SALT
from ediplomacy.lib.confirm import confirmation, confirmed
from ediplomacy.lib.ids import parse_id


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


def _roles(request):
    request.roles = access.user_roles(request.user)  # the navigation reuses them
    return request.roles


@login_required
def organisations(request):
    managed = list(access.organisations_managed(user=request.user, roles=_roles(request)))
    if not managed:
        raise Http404("No such page.")
    if len(managed) == 1:
        return redirect("accounts:people", managed[0].slug)
    return render(request, "accounts/organisations.html", {"organisations": managed})


@login_required
def people(request, slug):
    organisation = access.organisation_managed(user=request.user, roles=_roles(request), slug=slug)
    form = AddPersonForm(request.POST if request.POST.get("action") == "add" else None)
    pause_form = PauseNudgesForm(request.POST if request.POST.get("action") == "pause" else None)
    language_form = OrganisationLanguageForm(
        request.POST if request.POST.get("action") == "language" else None,
        instance=organisation,
        prefix="organisation",
    )
    people_url = reverse("accounts:people", args=[organisation.slug])
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "pause" and pause_form.is_valid():
            until = datetime.datetime.combine(
                pause_form.cleaned_data["until"], datetime.time(8), tzinfo=request.user.zone
            )
            organisation_pause_nudges(organisation=organisation, until=until, by=request.user)
            messages.success(
                request,
                _("Reminders are held until %(until)s.")
                % {"until": date_format(until, "DATETIME_FORMAT")},
            )
            return redirect("accounts:people", organisation.slug)
        if action == "language" and language_form.is_valid():
            organisation_set_language(
                organisation=organisation,
                language=language_form.cleaned_data["default_language"],
                by=request.user,
            )
            messages.success(request, _("The organisation's default language is saved."))
            return redirect("accounts:people", organisation.slug)
        if action == "resume":
            organisation_pause_nudges(organisation=organisation, until=None, by=request.user)
            messages.success(request, _("Reminders are running again."))
            return redirect("accounts:people", organisation.slug)
        try:
            if action == "add" and form.is_valid():
                # The same answer whatever the address: an invitation goes out
                # (or waits for the address's daily cap), and the person accepts.
                invitation = organisation_invite(
                    organisation=organisation,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    by=request.user,
                )
                messages.success(
                    request,
                    _(
                        "An invitation to %(email)s as %(role)s is on its way. "
                        "They take the role once they accept it."
                    )
                    % {"email": invitation.email, "role": form.role_label()},
                )
                return redirect("accounts:people", organisation.slug)
            if action in {"resend", "revoke"}:
                invitation = get_object_or_404(
                    organisation.invitations.filter(status=OrganisationInvitation.Status.PENDING),
                    pk=parse_id(request.POST.get("invitation")) or 0,
                )
                if action == "revoke" and not confirmed(request):
                    return confirmation(
                        request,
                        title=_("Revoke the invitation to %(email)s?")
                        % {"email": invitation.email},
                        what=_(
                            "The link in the invitation e-mail stops working: %(email)s "
                            "cannot take the role %(role)s at %(organisation)s with it."
                        )
                        % {
                            "email": invitation.email,
                            "role": invitation.get_role_display().lower(),
                            "organisation": organisation.name,
                        },
                        undo=_(
                            "a revoked invitation cannot be revived; you can invite the "
                            "address again from the people page."
                        ),
                        action=people_url,
                        fields=[("invitation", invitation.pk), ("action", "revoke")],
                        button=_("Revoke the invitation"),
                        back=people_url,
                    )
                if action == "resend":
                    organisation_invitation_resend(invitation=invitation, by=request.user)
                    messages.success(
                        request,
                        _("The invitation to %(email)s was sent again.")
                        % {"email": invitation.email},
                    )
                else:
                    organisation_invitation_revoke(invitation=invitation, by=request.user)
                    messages.success(
                        request,
                        _("The invitation to %(email)s is revoked.") % {"email": invitation.email},
                    )
                return redirect("accounts:people", organisation.slug)
            if action in {"role", "remove"}:
                membership = get_object_or_404(
                    organisation.memberships.select_related("user"),
                    pk=parse_id(request.POST.get("member")) or 0,
                )
                if action == "remove" and not confirmed(request):
                    return confirmation(
                        request,
                        title=_("Remove %(person)s from %(organisation)s?")
                        % {"person": membership.user, "organisation": organisation.name},
                        what=_(
                            "%(person)s loses the role %(role)s at %(organisation)s, and with it "
                            "every page that role opens there. Their account and their learning "
                            "record stay."
                        )
                        % {
                            "person": membership.user,
                            "role": membership.get_role_display().lower(),
                            "organisation": organisation.name,
                        },
                        undo=_(
                            "to give them a role again, invite their address from the people "
                            "page; they take the role once they accept."
                        ),
                        action=people_url,
                        fields=[("member", membership.pk), ("action", "remove")],
                        button=_("Remove from the organisation"),
                        back=people_url,
                    )
                role = request.POST.get("role") if action == "role" else None
                if role is not None and role not in Membership.Role.values:
                    raise MembershipError(_("Choose a role from the list."))
                membership_change(
                    organisation=organisation, user=membership.user, role=role, by=request.user
                )
                done = (
                    _("%(person)s is removed from the organisation.")
                    if role is None
                    else _("%(person)s is updated.")
                )
                messages.success(request, done % {"person": membership.user})
                return redirect("accounts:people", organisation.slug)
        except (MembershipError, InvitationError) as error:
            messages.error(request, str(error))
            return redirect("accounts:people", organisation.slug)
    members = organisation.memberships.select_related("user").order_by("role", "user__email")
    return render(
        request,
        "accounts/people.html",
        {
            "organisation": organisation,
            "members": members,
            "invitations": organisation.invitations.filter(
                status=OrganisationInvitation.Status.PENDING
            ).select_related("created_by"),
            "role_choices": Membership.Role.choices,
            "max_sends": settings.INVITATION_MAX_SENDS,
            "form": form,
            "pause_form": pause_form,
            "language_form": language_form,
            "paused": organisation.nudges_paused_until
            and organisation.nudges_paused_until > timezone.now(),
        },
        status=400
        if any(f.is_bound and not f.is_valid() for f in (form, pause_form, language_form))
        else 200,
    )


@login_required
def audit(request, slug):
    roles = _roles(request)
    organisation = access.organisation_managed(user=request.user, roles=roles, slug=slug)
    events = access.audit_events(user=request.user, roles=roles, organisation=organisation)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/audit.html", {"organisation": organisation, "page": page})


def invitation(request, token):
    """The link in an invitation to an organisation: see it, then accept or decline."""
    try:
        invitation_id = signing.loads(
            token,
            salt=ORGANISATION_INVITATION_SALT,
            max_age=settings.INVITATION_DAYS * 86400 * settings.INVITATION_MAX_SENDS,
        )
        found = OrganisationInvitation.objects.select_related("organisation", "created_by").get(
            pk=invitation_id
        )
    except (signing.BadSignature, OrganisationInvitation.DoesNotExist):
        return render(request, "accounts/invitation.html", {"problem": "invalid"}, status=404)
    context = {"invitation": found, "problem": ""}
    if found.status != OrganisationInvitation.Status.PENDING:
        context["problem"] = found.status
    elif found.is_expired(timezone.now()):
        context["problem"] = "expired"
    if context["problem"]:
        return render(request, "accounts/invitation.html", context, status=410)
    if request.method == "POST" and request.user.is_authenticated:
        accept = request.POST.get("answer") == "accept"
        try:
            organisation_invitation_answer(invitation=found, user=request.user, accept=accept)
        except InvitationError as error:
            context["problem"] = "mismatch"
            context["message"] = str(error)
            return render(request, "accounts/invitation.html", context, status=403)
        if accept:
            messages.success(
                request,
                _("You are now %(role)s at %(organisation)s.")
                % {"role": found.get_role_display().lower(), "organisation": found.organisation},
            )
        else:
            messages.info(
                request,
                _("You declined the invitation from %(organisation)s.")
                % {"organisation": found.organisation},
            )
        return redirect("/")
    if request.user.is_authenticated and (
        request.user.email.lower() != found.email
        and not request.user.emailaddress_set.filter(email__iexact=found.email).exists()
    ):
        context["problem"] = "mismatch"
        context["message"] = _("This invitation is for %(email)s: log in with that address.") % {
            "email": found.email
        }
        return render(request, "accounts/invitation.html", context, status=403)
    return render(request, "accounts/invitation.html", context)
