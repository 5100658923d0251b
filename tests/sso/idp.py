"""Identity providers that really speak the protocols, served on 127.0.0.1
in a thread for the single sign-on tests: an OpenID Connect provider built on
jwcrypto (discovery, authorisation code, token, user info, keys) and a SAML
2.0 identity provider built on pysaml2. They sign in whoever `person` says,
without asking: the tests are about the service provider's side.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import secrets
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, unquote_plus, urlencode
from wsgiref.simple_server import WSGIRequestHandler, make_server

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from jwcrypto import jwk, jwt


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class Served:
    """A WSGI app on a free port of 127.0.0.1, in a daemon thread."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, handler_class=_Quiet)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _read(environ) -> dict[str, str]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length).decode() if length else ""
    return {key: values[0] for key, values in parse_qs(body).items()}


def _query(environ) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(environ.get("QUERY_STRING", "")).items()}


def _pkce_holds(grant: dict, verifier: str) -> bool:
    """RFC 7636: the verifier hashes to the challenge sent with the request."""
    if grant["challenge"] is None:
        return True
    if grant["method"] != "S256":
        return False
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == grant["challenge"]


def _json(start_response, payload, status="200 OK"):
    start_response(status, [("Content-Type", "application/json")])
    return [json.dumps(payload).encode()]


class OidcProvider:
    """An OpenID Connect provider with one client and one person at a time."""

    def __init__(self, *, client_id="ediplomacy", client_secret="s3cret-of-the-client"):
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = jwk.JWK.generate(kty="RSA", size=2048, kid="idp-1", alg="RS256", use="sig")
        # The key ID tokens are signed with: the published one, unless a test
        # swaps in another under the same key ID (a forged token).
        self.signing_key = self.key
        self.person: dict = {}
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.issuer = ""
        self.pkce_checked = False

    def _client_authenticated(self, environ, form) -> bool:
        """client_secret_post, or client_secret_basic."""
        basic = environ.get("HTTP_AUTHORIZATION", "")
        if basic.startswith("Basic "):
            client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
            return (unquote_plus(client_id), unquote_plus(secret)) == (
                self.client_id,
                self.client_secret,
            )
        return (form.get("client_id"), form.get("client_secret")) == (
            self.client_id,
            self.client_secret,
        )

    def forge_signatures(self):
        self.signing_key = jwk.JWK.generate(kty="RSA", size=2048, kid="idp-1", alg="RS256")

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        if path == "/.well-known/openid-configuration":
            return _json(
                start_response,
                {
                    "issuer": self.issuer,
                    "authorization_endpoint": f"{self.issuer}/authorize",
                    "token_endpoint": f"{self.issuer}/token",
                    "userinfo_endpoint": f"{self.issuer}/userinfo",
                    "jwks_uri": f"{self.issuer}/jwks",
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "token_endpoint_auth_methods_supported": [
                        "client_secret_post",
                        "client_secret_basic",
                    ],
                },
            )
        if path == "/jwks":
            return _json(start_response, {"keys": [self.key.export_public(as_dict=True)]})
        if path == "/authorize":
            query = _query(environ)
            if query.get("client_id") != self.client_id:
                return _json(start_response, {"error": "unauthorized_client"}, "400 Bad Request")
            code = secrets.token_urlsafe(16)
            self.codes[code] = {
                "nonce": query.get("nonce"),
                "challenge": query.get("code_challenge"),
                "method": query.get("code_challenge_method"),
                "person": dict(self.person),
            }
            target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
            start_response("302 Found", [("Location", target)])
            return [b""]
        if path == "/token":
            form = _read(environ)
            grant = self.codes.pop(form.get("code", ""), None)
            if not self._client_authenticated(environ, form) or grant is None:
                return _json(start_response, {"error": "invalid_grant"}, "400 Bad Request")
            if not _pkce_holds(grant, form.get("code_verifier", "")):
                return _json(start_response, {"error": "invalid_grant"}, "400 Bad Request")
            self.pkce_checked = grant["challenge"] is not None
            access_token = secrets.token_urlsafe(16)
            self.tokens[access_token] = grant["person"]
            now = int(time.time())
            claims = {
                "iss": self.issuer,
                "aud": self.client_id,
                "iat": now,
                "exp": now + 300,
                **grant["person"],
            }
            if grant["nonce"]:
                claims["nonce"] = grant["nonce"]
            token = jwt.JWT(header={"alg": "RS256", "kid": "idp-1"}, claims=claims)
            token.make_signed_token(self.signing_key)
            return _json(
                start_response,
                {
                    "access_token": access_token,
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "id_token": token.serialize(),
                },
            )
        if path == "/userinfo":
            bearer = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
            person = self.tokens.get(bearer)
            if person is None:
                return _json(start_response, {"error": "invalid_token"}, "401 Unauthorized")
            return _json(start_response, person)
        return _json(start_response, {"error": "not_found"}, "404 Not Found")


def key_and_certificate(folder: Path, name: str) -> tuple[Path, Path]:
    """A fresh RSA key and its self-signed certificate, as PEM files."""
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
                        "want_authn_requests_signed": False,
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
        request = server.parse_authn_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT)
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
