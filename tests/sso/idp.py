"""Identity providers that really speak the protocols, served on 127.0.0.1
in a thread for the single sign-on tests: an OpenID Connect provider built on
pyop (discovery, authorisation code with PKCE, token, user info, keys) and a
SAML 2.0 identity provider built on pysaml2. They sign in whoever `person` says,
without asking: the tests are about the service provider's side.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import secrets
import ssl
import threading
from pathlib import Path
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class Served:
    """A WSGI app on a free port of 127.0.0.1, in a daemon thread; over TLS
    when given a certificate and its key."""

    def __init__(self, app, *, tls: tuple[Path, Path] | None = None):
        self.server = make_server("127.0.0.1", 0, app, handler_class=_Quiet)
        scheme = "http"
        if tls is not None:
            cert_file, key_file = tls
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert_file, key_file)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _read_raw(environ) -> str:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return environ["wsgi.input"].read(length).decode() if length else ""


def _query(environ) -> dict[str, str]:
    # Blank values kept: a signed request's empty RelayState is part of what was signed.
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    return {key: values[0] for key, values in query.items()}


def _json(start_response, payload: str, status="200 OK"):
    start_response(status, [("Content-Type", "application/json"), ("Cache-Control", "no-store")])
    return [payload.encode()]


def _rsa_key(kid: str):
    from Cryptodome.PublicKey import RSA
    from jwkest.jwk import RSAKey

    return RSAKey(key=RSA.generate(2048), alg="RS256", kid=kid, use="sig")


class OidcProvider:
    """An OpenID Connect provider: pyop, IdentityPython's OP library, behind a
    small WSGI app (discovery, authorisation code with PKCE, token, user info,
    keys). It knows one client, whose redirect URIs the test registers, as a
    provider's administrator would. `person` holds the claims of whoever logs
    in next; their groups reach the ID token as an extra claim, the way an
    identity provider's group mapper sends them.
    """

    def __init__(self, *, client_id="ediplomacy", client_secret="s3cret-of-the-client"):
        self.client_id = client_id
        self.client_secret = client_secret
        # The key the provider publishes; forge_signatures() signs with another
        # under the same key ID.
        self.published_key = _rsa_key("idp-1")
        self.person: dict = {}
        self.issuer = ""
        self.redirect_uris: list[str] = []
        self.pkce_checked = False
        self._provider = None

    def forge_signatures(self):
        self.provider.signing_key = _rsa_key("idp-1")

    def sign_honestly(self):
        self.provider.signing_key = self.published_key

    def register(self, redirect_uri: str) -> None:
        self.redirect_uris.append(redirect_uri)

    @property
    def provider(self):
        from pyop.authz_state import AuthorizationState
        from pyop.provider import Provider
        from pyop.subject_identifier import HashBasedSubjectIdentifierFactory
        from pyop.userinfo import Userinfo

        if self._provider is None:
            self._provider = Provider(
                self.published_key,
                {
                    "issuer": self.issuer,
                    "authorization_endpoint": f"{self.issuer}/authorize",
                    "token_endpoint": f"{self.issuer}/token",
                    "userinfo_endpoint": f"{self.issuer}/userinfo",
                    "jwks_uri": f"{self.issuer}/jwks",
                    "scopes_supported": ["openid", "profile", "email"],
                    "response_types_supported": ["code"],
                    "response_modes_supported": ["query"],
                    "grant_types_supported": ["authorization_code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "token_endpoint_auth_methods_supported": ["client_secret_post"],
                    "code_challenge_methods_supported": ["S256"],
                    "claims_parameter_supported": True,
                },
                AuthorizationState(HashBasedSubjectIdentifierFactory(secrets.token_hex(8))),
                {
                    self.client_id: {
                        "client_secret": self.client_secret,
                        "redirect_uris": self.redirect_uris,
                        "response_types": ["code"],
                        "token_endpoint_auth_method": "client_secret_post",
                    }
                },
                Userinfo({}),
            )
        return self._provider

    def _groups(self, user_id: str, client_id: str) -> dict:
        groups = self.person.get("groups")
        return {} if groups is None else {"groups": groups}

    def __call__(self, environ, start_response):
        from pyop.exceptions import InvalidAuthenticationRequest, OAuthError
        from pyop.userinfo import Userinfo

        provider = self.provider
        path = environ["PATH_INFO"]
        headers = {"Authorization": environ.get("HTTP_AUTHORIZATION", "")}
        if not headers["Authorization"]:
            headers = {}
        try:
            if path == "/.well-known/openid-configuration":
                return _json(start_response, provider.provider_configuration.to_json())
            if path == "/jwks":
                return _json(start_response, json.dumps({"keys": [self.published_key.serialize()]}))
            if path == "/authorize":
                request = provider.parse_authentication_request(environ.get("QUERY_STRING", ""))
                # Whoever `person` is has just logged in here.
                user_id = self.person["sub"]
                claims = {k: v for k, v in self.person.items() if k != "groups"}
                provider.userinfo = Userinfo({user_id: claims})
                response = provider.authorize(request, user_id, self._groups)
                target = response.request(request["redirect_uri"], False)
                start_response("302 Found", [("Location", target)])
                return [b""]
            if path == "/token":
                body = _read_raw(environ)
                code = parse_qs(body).get("code", [""])[0]
                try:
                    asked = provider.authz_state.get_authorization_request_for_code(code)
                except Exception:
                    asked = {}
                response = provider.handle_token_request(body, headers, self._groups)
                self.pkce_checked = "code_challenge" in asked
                return _json(start_response, response.to_json())
            if path == "/userinfo":
                response = provider.handle_userinfo_request(_read_raw(environ), headers)
                return _json(start_response, response.to_json())
        except InvalidAuthenticationRequest as error:
            return _json(start_response, error.to_json(), "400 Bad Request")
        except OAuthError as error:
            status = "401 Unauthorized" if path == "/userinfo" else "400 Bad Request"
            return _json(start_response, error.to_json(), status)
        return _json(start_response, json.dumps({"error": "not_found"}), "404 Not Found")


def key_and_certificate(folder: Path, name: str) -> tuple[Path, Path]:
    """A fresh RSA key and its self-signed certificate for 127.0.0.1 and
    localhost, as PEM files."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = folder / f"{name}.key", folder / f"{name}.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


class SamlProvider:
    """A SAML 2.0 identity provider (pysaml2): HTTP-Redirect in, HTTP-POST out.

    `metadata()` publishes the certificate of `key`; `forge_signatures()`
    makes it sign with another key, as an impostor would.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.key_file, self.cert_file = key_and_certificate(folder, "idp")
        self.signing = (self.key_file, self.cert_file)
        self.person: dict = {}
        self.uid = ""
        self.url = ""
        self.sp_metadata = ""
        # As an IdP that accepts signed log-in requests only.
        self.wants_signed_requests = False
        self.refused: list[str] = []

    def forge_signatures(self):
        self.signing = key_and_certificate(self.folder, "impostor")

    @property
    def entity_id(self) -> str:
        return f"{self.url}/metadata"

    def _server(self, *, key_file: Path, cert_file: Path):
        from saml2 import BINDING_HTTP_REDIRECT
        from saml2.config import IdPConfig
        from saml2.saml import NAME_FORMAT_URI
        from saml2.server import Server

        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [(f"{self.url}/sso", BINDING_HTTP_REDIRECT)]
                        },
                        "policy": {"default": {"name_form": NAME_FORMAT_URI}},
                        "want_authn_requests_signed": self.wants_signed_requests,
                    }
                },
                "key_file": str(key_file),
                "cert_file": str(cert_file),
                "xmlsec_binary": "/usr/bin/xmlsec1",
                "metadata": {"inline": [self.sp_metadata]} if self.sp_metadata else {},
            }
        )
        return Server(config=config)

    def metadata(self) -> str:
        from saml2.metadata import create_metadata_string

        config = self._server(key_file=self.key_file, cert_file=self.cert_file).config
        return create_metadata_string(None, config=config, valid=1).decode()

    def unsolicited(self, *, acs_url: str, sp_entity_id: str) -> str:
        """The self-posting form of a response nobody asked for (IdP-initiated)."""
        from saml2 import BINDING_HTTP_POST
        from saml2.saml import AUTHN_PASSWORD, NAMEID_FORMAT_PERSISTENT, NameID
        from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

        server = self._server(key_file=self.key_file, cert_file=self.cert_file)
        response = server.create_authn_response(
            identity=self.person,
            userid=self.uid,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=self.uid),
            authn={"class_ref": AUTHN_PASSWORD, "authn_auth": self.url},
            in_response_to=None,
            destination=acs_url,
            sp_entity_id=sp_entity_id,
            sign_response=True,
            sign_assertion=True,
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
        )
        http = server.apply_binding(BINDING_HTTP_POST, str(response), acs_url, "", response=True)
        return http["data"]

    def __call__(self, environ, start_response):
        from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
        from saml2.saml import AUTHN_PASSWORD, NAMEID_FORMAT_PERSISTENT, NameID
        from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

        if environ["PATH_INFO"] == "/metadata":
            start_response("200 OK", [("Content-Type", "application/samlmetadata+xml")])
            return [self.metadata().encode()]
        if environ["PATH_INFO"] != "/sso":
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        query = _query(environ)
        key_file, cert_file = self.signing
        server = self._server(key_file=key_file, cert_file=cert_file)
        try:
            request = server.parse_authn_request(
                query["SAMLRequest"],
                BINDING_HTTP_REDIRECT,
                relay_state=query.get("RelayState"),
                sigalg=query.get("SigAlg"),
                signature=query.get("Signature"),
            )
        except Exception as error:  # pysaml2 refuses an unsigned or forged request
            self.refused.append(type(error).__name__)
            start_response("403 Forbidden", [("Content-Type", "text/plain")])
            return [b"request refused"]
        response_args = server.response_args(request.message, [BINDING_HTTP_POST])
        response = server.create_authn_response(
            identity=self.person,
            userid=self.uid,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=self.uid),
            authn={"class_ref": AUTHN_PASSWORD, "authn_auth": self.url},
            sign_response=True,
            sign_assertion=True,
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
            **response_args,
        )
        http = server.apply_binding(
            BINDING_HTTP_POST,
            str(response),
            response_args["destination"],
            query.get("RelayState", ""),
            response=True,
        )
        start_response("200 OK", [("Content-Type", "text/html")])
        return [http["data"].encode() if isinstance(http["data"], str) else http["data"]]
