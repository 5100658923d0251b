import contextlib
import html
import os
import re
import tempfile
from pathlib import Path
from unittest import mock

import pytest
import requests
from django.utils import timezone

from accounts.models import Organisation
from sso.models import OrganisationDomain
from tests.factories import OrganisationFactory, UserFactory
from tests.sso.idp import OidcProvider, SamlProvider, Served, key_and_certificate

REFRESH = re.compile(r'http-equiv="refresh" content="0;url=([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM_FIELD = re.compile(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', re.IGNORECASE)
FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"', re.IGNORECASE)


def ministry_with_domain() -> Organisation:
    """The ministry, its domain mfa.test verified by a platform administrator."""
    organisation = OrganisationFactory(name="Ministry of Foreign Affairs", slug="mfa")
    staff = UserFactory(email="platform@ediplomacy.test", is_staff=True)
    OrganisationDomain.objects.create(
        organisation=organisation, domain="mfa.test", verified_at=timezone.now(), verified_by=staff
    )
    return organisation


@pytest.fixture
def ministry(db) -> Organisation:
    return ministry_with_domain()


@pytest.fixture
def plain_http_cookies(settings):
    # The live server speaks plain HTTP; a browser treats localhost as secure,
    # requests does not.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"


@contextlib.contextmanager
def served_oidc_provider(site: str, slug: str = "mfa"):
    """The provider over HTTPS (OpenID Connect asks it of an issuer), with the
    organisation's callback on `site` registered as the sign-in page tells an
    administrator to. Its certificate is trusted by this process's HTTP
    client, as a ministry's would be by its certificate authority."""
    provider = OidcProvider()
    provider.register(f"{site}/accounts/oidc/oidc-{slug}/login/callback/")
    with tempfile.TemporaryDirectory() as folder:
        key_file, cert_file = key_and_certificate(Path(folder), "oidc")
        with (
            mock.patch.dict(os.environ, {"REQUESTS_CA_BUNDLE": str(cert_file)}),
            Served(provider, tls=(cert_file, key_file)) as served,
        ):
            provider.issuer = served.url
            yield provider


@pytest.fixture
def oidc_idp(live_server):
    with served_oidc_provider(live_server.url) as provider:
        yield provider


@pytest.fixture
def saml_idp(tmp_path):
    provider = SamlProvider(tmp_path)
    with Served(provider) as served:
        provider.url = served.url
        yield provider


class Visitor:
    """A person's user agent: a cookie jar that follows redirects."""

    def __init__(self, site: str):
        self.site = site
        self.http = requests.Session()

    def csrf(self) -> str:
        page = self.http.get(f"{self.site}/accounts/login/", timeout=10)
        return CSRF.search(page.text).group(1)

    def sso(self, email: str) -> requests.Response:
        """Log-in page, e-mail, “Continue with single sign-on”."""
        page = self.http.post(
            f"{self.site}/accounts/sso/",
            data={"csrfmiddlewaretoken": self.csrf(), "login": email},
            timeout=20,
        )
        onward = REFRESH.search(page.text)
        if onward is None:
            return page
        # The page's refresh: a plain navigation, as a browser makes it.
        return self.http.get(f"{self.site}{html.unescape(onward.group(1))}", timeout=20)

    def post_form(self, page: requests.Response) -> requests.Response:
        """What a browser does with the identity provider's self-posting form."""
        fields = dict(FORM_FIELD.findall(page.text))
        return self.http.post(FORM_ACTION.search(page.text).group(1), data=fields, timeout=20)

    def logged_in(self) -> bool:
        profile = self.http.get(f"{self.site}/profile/", allow_redirects=False, timeout=10)
        return profile.status_code == 200


@pytest.fixture
def visitor_at(live_server):
    """Makes visitors of the live server, and closes their connections after
    the test: the server's threads end, and their database connections with
    them, before the test database is dropped."""
    made: list[Visitor] = []

    def make() -> Visitor:
        made.append(Visitor(live_server.url))
        return made[-1]

    yield make
    for visitor in made:
        visitor.http.close()
