"""Fixtures and helpers of the PostgreSQL-restart and load tests: the app under
gunicorn with production settings, and web clients that sign in through the
real log-in form.

Nothing here is autouse: each test asks for what it needs.
"""

import http.client
import os
import shutil
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from ediplomacy.lib.processes import Server, free_port, production_environment

# A request that takes longer than this counts as a hang.
REQUEST_TIMEOUT = 60


def production_password_hash(password: str) -> str:
    """The hash gunicorn can check: the test process hashes with MD5 only
    (tests/conftest.py), which production settings do not accept."""
    hasher = PBKDF2PasswordHasher()
    return hasher.encode(password, hasher.salt())


def app_environment(port: int, url: str) -> dict[str, str]:
    """Production settings, as the benchmark serves them, on the database at `url`
    and on the Redis database the test run was given."""
    env = production_environment(port)
    env["DATABASE_URL"] = url
    env["REDIS_URL"] = os.environ.get("REDIS_URL", "")
    return env


@pytest.fixture
def serve():
    """Starts gunicorn on a free loopback port: `serve(database_url, workers=, threads=)`.

    Every server started is stopped at teardown, and its log folder removed.
    """
    servers: list[Server] = []

    def start(url: str, *, workers: int, threads: int, port: int | None = None) -> Server:
        port = port or free_port()
        server = Server(port, app_environment(port, url), workers, threads)
        servers.append(server)
        server.__enter__()
        return server

    yield start
    for server in servers:
        server.stop()
        shutil.rmtree(server.log_path.parent, ignore_errors=True)


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


@dataclass
class WebClient:
    """One person's browser, reduced to cookies and CSRF; redirects are not followed.

    Each request opens its own connection, so a server closing an idle
    keep-alive connection can never look like an error. `source` is the
    client's address in 127.0.0.0/8: allauth limits log-ins per address, and
    people signing in to the same site come from different addresses.
    """

    port: int
    source: str = "127.0.0.1"
    timeout: float = REQUEST_TIMEOUT
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, form: dict | None = None) -> Response:
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            form = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form}
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=self.timeout, source_address=(self.source, 0)
        )
        started = time.monotonic()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        return Response(response.status, response.headers, content, time.monotonic() - started)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> Response:
        return self.request("POST", path, form)

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.coded_value

    def log_in(self, email: str, password: str) -> None:
        """Signs in through allauth's form, as a person would."""
        page = self.get("/accounts/login/")
        assert page.status == 200, f"the log-in page answered {page.status}"
        done = self.post("/accounts/login/", {"login": email, "password": password})
        assert done.status == 302 and "sessionid" in self.cookies, (
            f"logging in as {email} answered {done.status} (to {done.location!r}), "
            f"cookies {sorted(self.cookies)}"
        )


@pytest.fixture
def sign_in():
    """`sign_in(port, email, password, source=...)`: a WebClient with a session."""

    def open_session(port: int, email: str, password: str, source: str = "127.0.0.1"):
        client = WebClient(port, source=source)
        client.log_in(email, password)
        return client

    return open_session


def p95(seconds: list[float]) -> float:
    """The 95th percentile (nearest rank) of some durations, in seconds."""
    if not seconds:
        return 0.0
    ordered = sorted(seconds)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]
