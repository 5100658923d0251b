import re
from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

from sso.models import IdentityProvider

DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def _group_list(value: str) -> list[str]:
    return [group.strip() for group in value.split(",") if group.strip()]


class IdentityProviderForm(forms.Form):
    protocol = forms.ChoiceField(
        label=_("Protocol"), choices=IdentityProvider.Protocol.choices, widget=forms.RadioSelect
    )
    issuer_url = forms.URLField(
        label=_("Issuer URL"),
        required=False,
        assume_scheme="https",
        help_text=_("OpenID Connect: the provider's issuer, e.g. https://login.example.gov/realm."),
    )
    client_id = forms.CharField(label=_("Client ID"), max_length=191, required=False)
    client_secret = forms.CharField(
        label=_("Client secret"),
        max_length=191,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Stored encrypted and never shown again. Leave empty to keep the current one."),
    )
    metadata_url = forms.URLField(
        label=_("IdP metadata URL"),
        required=False,
        assume_scheme="https",
        help_text=_("SAML: where the provider publishes its metadata. Or paste it below."),
    )
    entity_id = forms.CharField(
        label=_("IdP entity ID"),
        max_length=500,
        required=False,
        help_text=_("SAML, with a metadata URL: the provider's entity ID in that metadata."),
    )
    metadata_xml = forms.CharField(
        label=_("IdP metadata XML"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    group_claim = forms.CharField(
        label=_("Group claim or attribute"),
        max_length=200,
        required=False,
        help_text=_("Leave empty and everyone who signs in is a trainee."),
    )
    trainer_groups = forms.CharField(
        label=_("Groups that make a trainer"),
        max_length=1000,
        required=False,
        help_text=_("Comma-separated group names."),
    )
    admin_groups = forms.CharField(
        label=_("Groups that make an organisation administrator"),
        max_length=1000,
        required=False,
        help_text=_("Comma-separated group names."),
    )
    sso_required = forms.BooleanField(
        label=_("Require single sign-on"),
        required=False,
        help_text=_(
            "People with an address in a verified domain may no longer log in, sign up or "
            "reset a password with a password."
        ),
    )

    def __init__(self, *args, has_secret: bool = False, saml_idp: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_secret = has_secret
        # The metadata stored from XML, kept when the XML is not pasted again.
        self.stored_saml_idp = saml_idp if saml_idp and "sso_url" in saml_idp else None

    def clean_issuer_url(self):
        return _https_or_local(self.cleaned_data["issuer_url"])

    def clean_metadata_url(self):
        return _https_or_local(self.cleaned_data["metadata_url"])

    def clean(self):
        data = super().clean()
        if data.get("protocol") == IdentityProvider.Protocol.OIDC:
            for name in ("issuer_url", "client_id"):
                if not data.get(name):
                    self.add_error(name, _("OpenID Connect needs this."))
            if not data.get("client_secret") and not self.has_secret:
                self.add_error("client_secret", _("OpenID Connect needs this."))
        elif data.get("protocol") == IdentityProvider.Protocol.SAML:
            data["saml_idp"] = self._saml_idp(data)
        data["trainer_groups"] = _group_list(data.get("trainer_groups", ""))
        data["admin_groups"] = _group_list(data.get("admin_groups", ""))
        return data

    def _saml_idp(self, data) -> dict:
        if data.get("metadata_url"):
            if not data.get("entity_id"):
                self.add_error("entity_id", _("With a metadata URL, give the entity ID too."))
            return {"metadata_url": data["metadata_url"], "entity_id": data.get("entity_id", "")}
        xml = data.get("metadata_xml", "").strip()
        if not xml and self.stored_saml_idp:
            return self.stored_saml_idp
        if not xml:
            self.add_error("metadata_url", _("SAML needs the metadata URL or the metadata XML."))
            return {}
        try:
            idp = OneLogin_Saml2_IdPMetadataParser.parse(xml).get("idp", {})
        except Exception:  # the parser raises whatever the XML library does
            idp = {}
        certificate = idp.get("x509cert") or next(
            iter(idp.get("x509certMulti", {}).get("signing", [])), ""
        )
        sso_url = idp.get("singleSignOnService", {}).get("url", "")
        if not (idp.get("entityId") and sso_url and certificate):
            self.add_error(
                "metadata_xml",
                _("This is not IdP metadata with an entity ID, a sign-on URL and a certificate."),
            )
            return {}
        return {"entity_id": idp["entityId"], "sso_url": sso_url, "x509cert": certificate}


def _https_or_local(url: str) -> str:
    if url and urlsplit(url).scheme != "https" and urlsplit(url).hostname not in LOCAL_HOSTS:
        raise forms.ValidationError(_("Use an https:// address."))
    return url


class DomainForm(forms.Form):
    domain = forms.CharField(label=_("E-mail domain"), max_length=253)

    def clean_domain(self):
        domain = self.cleaned_data["domain"].strip().lower().removeprefix("@")
        if not DOMAIN.match(domain):
            raise forms.ValidationError(_("Enter a domain such as ministry.gov."))
        return domain


def initial_from(provider: IdentityProvider | None) -> dict:
    """The form's values for a stored provider (never its secret)."""
    if provider is None:
        return {"protocol": IdentityProvider.Protocol.OIDC}
    settings = provider.app.settings
    idp = settings.get("idp", {})
    return {
        "protocol": provider.protocol,
        "issuer_url": settings.get("server_url", ""),
        "client_id": provider.app.client_id if provider.protocol == "openid_connect" else "",
        "metadata_url": idp.get("metadata_url", ""),
        "entity_id": idp.get("entity_id", "") if idp.get("metadata_url") else "",
        "group_claim": provider.group_claim,
        "trainer_groups": ", ".join(provider.trainer_groups),
        "admin_groups": ", ".join(provider.admin_groups),
        "sso_required": provider.sso_required,
    }
