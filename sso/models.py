"""An organisation's identity provider and the e-mail domains that lead to it."""

from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organisation


class IdentityProvider(models.Model):
    """How one organisation's people sign in: its OpenID Connect or SAML 2.0
    identity provider, kept as an allauth `SocialApp` (the protocol's own
    settings, client id and encrypted secret) plus what allauth does not know:
    the group claim that makes a trainer or an administrator, and whether
    password log-in is refused for the organisation's addresses.
    """

    class Protocol(models.TextChoices):
        OIDC = "openid_connect", _("OpenID Connect")
        SAML = "saml", _("SAML 2.0")

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="identity_provider"
    )
    protocol = models.CharField(max_length=16, choices=Protocol.choices)
    app = models.OneToOneField(SocialApp, on_delete=models.CASCADE, related_name="+")
    group_claim = models.CharField(
        _("group claim"),
        max_length=200,
        blank=True,
        help_text=_("The claim or attribute that lists a person's groups, e.g. “groups”."),
    )
    trainer_groups = models.JSONField(default=list, blank=True)
    admin_groups = models.JSONField(default=list, blank=True)
    sso_required = models.BooleanField(
        _("single sign-on required"),
        default=False,
        help_text=_("Addresses in the verified domains may not log in with a password."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(protocol__in=["openid_connect", "saml"]),
                name="identity_provider_protocol_known",
            ),
        ]

    def __str__(self):
        return f"{self.get_protocol_display()} for {self.organisation}"

    def groups_in(self, extra_data: dict) -> list[str] | None:
        """The person's groups in what the provider sent (OpenID Connect: the
        user info, then the ID token; SAML: the attributes), or None."""
        if not self.group_claim:
            return None
        if self.protocol == self.Protocol.OIDC:
            sources = [extra_data.get("userinfo") or {}, extra_data.get("id_token") or {}]
        else:
            sources = [extra_data]
        for source in sources:
            value = source.get(self.group_claim)
            if isinstance(value, str):
                return [value]
            if isinstance(value, list):
                return [str(group) for group in value]
        return None

    def role_for(self, groups: list[str] | None) -> str | None:
        """The role the IdP's groups give, or None when it sent no groups."""
        if not self.group_claim or groups is None:
            return None
        if set(groups) & set(self.admin_groups):
            return Membership.Role.ORG_ADMIN
        if set(groups) & set(self.trainer_groups):
            return Membership.Role.TRAINER
        return Membership.Role.TRAINEE


class OrganisationDomain(models.Model):
    """An e-mail domain an organisation claims. Only a verified one (verified
    by a platform administrator) sends people to the organisation's identity
    provider or lets that provider speak for an address."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="email_domains"
    )
    domain = models.CharField(_("domain"), max_length=253)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(
                Lower("domain"), "organisation", name="organisation_domain_once_per_org"
            ),
            # A verified domain belongs to one organisation: discovery and the
            # trust in an IdP's addresses must never have two answers.
            models.UniqueConstraint(
                Lower("domain"),
                condition=models.Q(verified_at__isnull=False),
                name="organisation_domain_verified_once",
            ),
            models.CheckConstraint(
                condition=models.Q(domain=Lower("domain")), name="organisation_domain_lowercase"
            ),
        ]

    def __str__(self):
        return self.domain

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None
