"""The app as production serves it, started as a child process: gunicorn on a
free loopback port with production settings.

The benchmark (`bench/`) and the tests that need a real server (the fault
tests, the nudge pipeline's SMTP catcher) share these helpers; neither
imports the other. Nothing here runs inside the app itself.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

# The repository: where `manage.py` and `python -m bench...` run from.
ROOT = Path(__file__).resolve().parent.parent.parent
# Not a secret: it signs only the sessions of a server started here, on a
# loopback port, for a test or the benchmark.
LOOPBACK_SECRET_KEY = "loopback-only-signing-key-for-ediplomacy-tests-and-bench-0123456789"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the database that Django's settings_dict describes."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{credentials}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


def production_environment(port: int) -> dict[str, str]:
    """This process's environment with production settings for a server on
    127.0.0.1:`port`; the caller sets DATABASE_URL and REDIS_URL."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="ediplomacy.settings",
        DEBUG="0",
        SECRET_KEY=LOOPBACK_SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL=f"http://127.0.0.1:{port}",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        STATIC_MANIFEST="0",
        WHITENOISE_USE_FINDERS="1",
        EMAIL_URL="console:",
        LOG_LEVEL="WARNING",
    )
    return env


def get(port: int, path: str, session: str | None = None, timeout: float = 120):
    """One GET on the server: (status, headers, body). Redirects are not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Cookie": f"sessionid={session}"} if session else {}
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def children(pid: int) -> list[int]:
    """The direct children of a process (gunicorn's workers, for its master)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name, in parentheses, may hold spaces: split after it.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


class Server:
    """gunicorn on 127.0.0.1:`port`; a context manager that always stops it."""

    def __init__(self, port: int, env: dict[str, str], workers: int, threads: int):
        self.port = port
        self.env = env
        self.workers = workers
        self.threads = threads
        self.process: subprocess.Popen | None = None
        self.log_path = Path(tempfile.mkdtemp(prefix="ediplomacy-server-")) / "gunicorn.log"

    @property
    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "ediplomacy.wsgi:application",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={self.workers}",
            "--worker-class=gthread",
            f"--threads={self.threads}",
            # The CSV export of 100,000 rows streams for seconds.
            "--timeout=180",
            "--graceful-timeout=10",
            "--log-level=warning",
        ]

    def __enter__(self) -> "Server":
        log = self.log_path.open("wb")
        # A session of its own, so stopping it reaches every worker and nothing else.
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start:\n{self.log_tail()}")
            try:
                status, _, _ = get(self.port, "/healthz", timeout=5)
            except OSError:
                status = None
            if status == 200 and len(self.worker_pids()) == self.workers:
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer /healthz within 60 s:\n{self.log_tail()}")

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def worker_pids(self) -> list[int]:
        return children(self.process.pid) if self.process else []

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"
