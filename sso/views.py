"""Single sign-on pages: discovery from the log-in page, the way out to the
identity provider, and an organisation's sign-in settings."""

import logging
import secrets
from urllib.parse import urlencode

import requests
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from onelogin.saml2.errors import OneLogin_Saml2_Error

from accounts import access
from ediplomacy.lib.confirm import confirmation, confirmed
from ediplomacy.lib.ids import parse_id
from sso import selectors, services
from sso.forms import DomainForm, IdentityProviderForm, initial_from

logger = logging.getLogger(__name__)
START_KEY = "sso_start"


def _back_to_log_in(next_url: str | None):
    """The log-in page, still leading where the person was going."""
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    return redirect(f"{reverse('account_login')}{query}")


@require_POST
def discover(request):
    """The log-in page's “Continue with single sign-on”: the address's
    verified domain leads to its organisation's identity provider; any other
    address is sent back to log in with a password."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)  # already in
    email = request.POST.get("login", "").strip()
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = None
    try:
        validate_email(email)
    except ValidationError:
        messages.error(request, _("Enter your e-mail address first."))
        return _back_to_log_in(next_url)
    provider = selectors.identity_provider_for_email(email=email)
    if provider is None:
        messages.info(
            request,
            _("Your organisation has no single sign-on here: log in with your password."),
        )
        return _back_to_log_in(next_url)
    # The log-in form's CSP (form-action 'self') forbids a form post that
    # redirects to another origin, so the IdP is reached by a plain
    # navigation from a page of ours, with a one-time token of this session.
    token = secrets.token_urlsafe(24)
    request.session[START_KEY] = {
        "provider_id": provider.app.provider_id,
        "next": next_url,
        "token": token,
    }
    start_url = f"{reverse('sso:start')}?{urlencode({'token': token})}"
    return render(
        request,
        "sso/continue.html",
        {"organisation": provider.organisation, "start_url": start_url},
    )


def start(request):
    """Leaves for the identity provider that `discover` chose for this session."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    chosen = request.session.pop(START_KEY, None)
    token = request.GET.get("token", "")
    if not chosen or not constant_time_compare(chosen["token"], token):
        return redirect("account_login")
    allauth_provider = get_adapter().get_provider(request, chosen["provider_id"])
    try:
        return allauth_provider.redirect(request, AuthProcess.LOGIN, next_url=chosen["next"])
    except (requests.RequestException, OneLogin_Saml2_Error, KeyError, ValueError):
        # The provider's discovery document or metadata cannot be read.
        logger.exception("Identity provider %s unreachable", chosen["provider_id"])
        messages.error(
            request,
            _(
                "Your organisation's log-in service does not answer right now. "
                "Try again in a few minutes, or ask your administrator."
            ),
        )
        return redirect("account_login")


def _urls_for_the_provider(request, provider) -> dict:
    """What the organisation's IdP administrator is given, for this site."""
    slug = provider.app.client_id if provider and provider.protocol == "saml" else None
    oidc_id = provider.app.provider_id if provider and provider.protocol != "saml" else None
    urls = {}
    if oidc_id:
        urls["redirect_uri"] = request.build_absolute_uri(
            reverse("openid_connect_callback", kwargs={"provider_id": oidc_id})
        )
    if slug:
        urls["acs"] = request.build_absolute_uri(reverse("saml_acs", args=[slug]))
        urls["metadata"] = request.build_absolute_uri(reverse("saml_metadata", args=[slug]))
    return urls


@login_required
def configure(request, slug):
    roles = access.user_roles(request.user)
    request.roles = roles  # the navigation reuses them
    organisation = access.organisation_sign_in_configurable(
        user=request.user, roles=roles, slug=slug
    )
    provider = getattr(organisation, "identity_provider", None)
    action = request.POST.get("action") if request.method == "POST" else None
    form = IdentityProviderForm(
        request.POST if action == "save" else None,
        initial=initial_from(provider),
        has_secret=bool(provider and provider.app.secret),
        saml_idp=provider.app.settings.get("idp") if provider else None,
    )
    domain_form = DomainForm(request.POST if action == "add_domain" else None)
    here = reverse("sso:configure", args=[organisation.slug])
    if action == "save" and form.is_valid():
        data = form.cleaned_data
        services.identity_provider_save(
            organisation=organisation,
            by=request.user,
            protocol=data["protocol"],
            client_id=data["client_id"],
            client_secret=data["client_secret"],
            issuer_url=data["issuer_url"],
            saml_idp=data.get("saml_idp"),
            group_claim=data["group_claim"],
            trainer_groups=data["trainer_groups"],
            admin_groups=data["admin_groups"],
            sso_required=data["sso_required"],
        )
        messages.success(request, _("The sign-in settings are saved."))
        return redirect(here)
    if action == "remove" and provider is not None:
        if not confirmed(request):
            return confirmation(
                request,
                title=_("Turn single sign-on off for %(name)s?") % {"name": organisation.name},
                what=_(
                    "Everyone logs in with a password again; people who only ever "
                    "used single sign-on set one with “Forgot your password?”. The "
                    "provider's settings and its links to people are forgotten."
                ),
                undo=_("enter the provider's settings again to turn it back on."),
                action=here,
                fields=[("action", "remove")],
                button=_("Turn single sign-on off"),
                back=here,
            )
        services.identity_provider_remove(organisation=organisation, by=request.user)
        messages.success(request, _("Single sign-on is off: everyone logs in with a password."))
        return redirect(here)
    if action == "add_domain" and domain_form.is_valid():
        services.domain_add(
            organisation=organisation, domain=domain_form.cleaned_data["domain"], by=request.user
        )
        messages.success(request, _("The domain waits for a platform administrator's check."))
        return redirect(here)
    if action in {"verify_domain", "remove_domain"}:
        pk = parse_id(request.POST.get("domain"))
        if pk is None:
            raise Http404("No such domain.")
        domain = access.email_domain_configurable(
            user=request.user, roles=roles, organisation=organisation, pk=pk
        )
        if action == "remove_domain":
            services.domain_remove(domain=domain, by=request.user)
            messages.success(request, _("The domain is removed."))
        elif access.email_domains_verifiable(roles=roles):
            try:
                services.domain_verify(domain=domain, by=request.user)
            except services.DomainTaken:
                messages.error(request, _("Another organisation has this domain verified."))
            else:
                messages.success(request, _("The domain is verified."))
        else:
            raise Http404("No such page.")
        return redirect(here)
    return render(
        request,
        "sso/configure.html",
        {
            "organisation": organisation,
            "provider": provider,
            "form": form,
            "domain_form": domain_form,
            "domains": list(organisation.email_domains.all()),
            "may_verify": access.email_domains_verifiable(roles=roles),
            "urls": _urls_for_the_provider(request, provider),
        },
    )
