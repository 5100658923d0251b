"""Pages: the learner's credentials and downloads, the public verification page,
the published keys and status list, an organisation's policy, and revoking."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access
from competences.models import Competence
from credentials import achievements, artefacts, selectors, services
from credentials.documents import PLATFORM_NAME, Issuer, absolute, issuer_profile
from credentials.forms import PolicyForm, RevokeForm, ShareForm
from credentials.models import Credential


def _roles(request):
    request.roles = access.user_roles(request.user)  # the navigation reuses them
    return request.roles


def _download(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _slug(credential: Credential) -> str:
    return f"ediplomacy-{credential.achievement_key.replace(':', '-')}-{credential.public_id}"


def _issuer_name(credential: Credential, claims: dict) -> str:
    return claims.get("issuer", {}).get("name") or credential.issuer_name


def _organisation_name(credential: Credential) -> str:
    # The issuer name carries ", through ediplomacy"; a profile site wants the organisation.
    return credential.issuer_name.removesuffix(f", through {PLATFORM_NAME}")


# The learner's own -------------------------------------------------------------


@login_required
def mine(request):
    roles = _roles(request)
    credentials = list(selectors.credentials_of(user=request.user))
    rows = [
        {
            "credential": credential,
            "form": ShareForm(
                initial={"shared": credential.shared, "share_name": credential.share_name},
                prefix=str(credential.public_id),
            ),
            "linkedin": selectors.linkedin_url(
                credential, organisation_name=_organisation_name(credential)
            ),
            "public_url": absolute(credential.get_absolute_url()),
        }
        for credential in credentials
    ]
    managed = list(access.organisations_managed(user=request.user, roles=roles))
    # Staff see every cohort elsewhere; here, like trainers, those they train.
    cohorts = (
        access.cohorts_trained(user=request.user)
        if roles.is_staff
        else access.cohorts_visible(user=request.user, roles=roles)
    )
    cohorts = list(cohorts.order_by("name"))
    return render(
        request,
        "credentials/mine.html",
        {"rows": rows, "managed": managed, "cohorts": cohorts},
    )


@login_required
@require_POST
def share(request, public_id):
    credential = selectors.credential_owned(user=request.user, public_id=public_id)
    form = ShareForm(request.POST, prefix=str(credential.public_id))
    if form.is_valid():
        try:
            services.credential_share(
                credential=credential,
                shared=form.cleaned_data["shared"],
                share_name=form.cleaned_data["share_name"],
            )
        except services.CredentialError as error:
            messages.error(request, str(error))
        else:
            if credential.shared:
                messages.success(
                    request,
                    _("“%(achievement)s” is shared: anyone with its link can verify it.")
                    % {"achievement": credential.achievement_name},
                )
            else:
                messages.success(
                    request,
                    _("“%(achievement)s” is no longer shared.")
                    % {"achievement": credential.achievement_name},
                )
    return redirect(f"{reverse('credentials:mine')}#credential-{credential.public_id}")


@login_required
def download_json(request, public_id):
    credential = selectors.credential_owned(user=request.user, public_id=public_id)
    claims = selectors.verification(credential).claims
    body = json.dumps(claims, indent=2, ensure_ascii=False)
    return _download(body, "application/json; charset=utf-8", f"{_slug(credential)}.json")


@login_required
def download_jwt(request, public_id):
    credential = selectors.credential_owned(user=request.user, public_id=public_id)
    return _download(credential.token, "application/vc+jwt", f"{_slug(credential)}.jwt")


@login_required
def badge_svg(request, public_id):
    credential = selectors.credential_owned(user=request.user, public_id=public_id)
    return _download(artefacts.badge_svg(credential), "image/svg+xml", f"{_slug(credential)}.svg")


@login_required
def badge_png(request, public_id):
    credential = selectors.credential_owned(user=request.user, public_id=public_id)
    return _download(artefacts.badge_png(credential), "image/png", f"{_slug(credential)}.png")


@login_required
def certificate(request, public_id):
    credential = selectors.credential_owned(user=request.user, public_id=public_id)
    if not credential.shared:
        messages.info(
            request,
            _(
                "Share the credential first: the certificate's verification link opens only "
                "for a shared credential."
            ),
        )
        return redirect(f"{reverse('credentials:mine')}#credential-{credential.public_id}")
    claims = selectors.verification(credential).claims
    achievement = claims.get("credentialSubject", {}).get("achievement", {})
    logo = services.issuer_of(credential.organisation, services.policy_of(credential.organisation))
    pdf = artefacts.certificate_pdf(
        credential=credential,
        learner_name=request.user.get_full_name(),
        issuer_name=_issuer_name(credential, claims),
        narrative=achievement.get("criteria", {}).get("narrative", ""),
        verify_url=absolute(credential.get_absolute_url()),
        logo=logo.logo,
    )
    return _download(pdf, "application/pdf", f"{_slug(credential)}.pdf")


# Public -----------------------------------------------------------------------


def verify(request, public_id):
    credential = selectors.credential_shared(public_id=public_id)
    checked = selectors.verification(credential)
    claims = checked.claims
    achievement = claims.get("credentialSubject", {}).get("achievement", {})
    return render(
        request,
        "credentials/verify.html",
        {
            "credential": credential,
            "checked": checked,
            "achievement": achievement,
            "issuer": claims.get("issuer", {}),
            "learner_name": credential.user.get_full_name() if credential.share_name else "",
            "badge": artefacts.badge_svg(credential, baked=False),
        },
    )


def public_jwt(request, public_id):
    credential = selectors.credential_shared(public_id=public_id)
    if not credential.share_name:
        # The signed credential names the learner, who chose not to be named.
        raise Http404("No such credential.")
    return _download(credential.token, "application/vc+jwt", f"{_slug(credential)}.jwt")


def jwks(request):
    response = JsonResponse(selectors.jwks())
    response["Access-Control-Allow-Origin"] = "*"
    return response


def status_list(request):
    response = HttpResponse(
        selectors.status_list_token(now=timezone.now()), content_type="application/vc+jwt"
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response


def issuer(request):
    profile = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        **issuer_profile(Issuer(PLATFORM_NAME)),
    }
    return JsonResponse({**profile, "publicKeys": selectors.jwks()["keys"]})


def framework(request):
    return render(
        request,
        "credentials/framework.html",
        {"competences": selectors.framework(), "framework_name": achievements.FRAMEWORK_NAME},
    )


# Organisation administrators ---------------------------------------------------


@login_required
def policy(request, slug):
    organisation = access.organisation_managed(user=request.user, roles=_roles(request), slug=slug)
    competences = list(Competence.objects.order_by("order"))
    current = services.policy_of(organisation)
    chosen = sorted(services.achievements_issued(current, competences))
    form = PolicyForm(
        request.POST or None,
        request.FILES or None,
        choices=achievements.choices(competences),
        initial={"achievements": chosen, "issuer_name": current.issuer_name if current else ""},
    )
    if request.method == "POST" and form.is_valid():
        logo = form.cleaned_data["logo"]
        try:
            services.policy_save(
                organisation=organisation,
                chosen=form.cleaned_data["achievements"],
                issuer_name=form.cleaned_data["issuer_name"],
                logo=logo[0] if logo else None,
                logo_type=logo[1] if logo else "",
                remove_logo=form.cleaned_data["remove_logo"],
                by=request.user,
            )
        except services.CredentialError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The credential settings are saved."))
            return redirect("credentials:policy", organisation.slug)
    issuer = services.issuer_of(organisation, current)
    return render(
        request,
        "credentials/policy.html",
        {"organisation": organisation, "form": form, "issuer": issuer},
    )


# Trainers ---------------------------------------------------------------------


@login_required
def cohort(request, cohort_id):
    roles = _roles(request)
    the_cohort = access.cohort_visible(user=request.user, roles=roles, pk=cohort_id)
    credentials = (
        access.credentials_revocable(user=request.user, roles=roles, cohort=the_cohort)
        .select_related("user", "revoked_by")
        .order_by("user__display_name", "user__email", "-earned_at")
    )
    return render(
        request, "credentials/cohort.html", {"cohort": the_cohort, "credentials": credentials}
    )


@login_required
def revoke(request, public_id):
    credential = access.credential_revocable(
        user=request.user, roles=_roles(request), public_id=selectors.parse_uuid(public_id)
    )
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.credential_revoke(
                credential=credential,
                by=request.user,
                reason=form.cleaned_data["reason"],
                now=timezone.now(),
            )
        except services.CredentialError as error:
            form.add_error("reason", str(error))
        else:
            messages.success(
                request,
                _("“%(achievement)s” of %(person)s is revoked.")
                % {
                    "achievement": credential.achievement_name,
                    "person": credential.user.get_full_name(),
                },
            )
            if credential.enrolment.cohort_id:
                return redirect("credentials:cohort", credential.enrolment.cohort_id)
            return redirect("credentials:mine")
    return render(request, "credentials/revoke.html", {"credential": credential, "form": form})
