"""The app served by gunicorn with production settings, on a free loopback port."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.procfs import children

ROOT = Path(__file__).resolve().parent.parent
# Not a secret: it signs only the bench's own sessions on the bench database.
BENCH_SECRET_KEY = "bench-only-signing-key-for-the-ediplomacy-benchmark-suite-0123456789"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ediplomacy_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/5"
# The tiny scale (CI's pass) keeps apart from a full or small bench run alongside.
TINY_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ediplomacy_bench_tiny"
TINY_REDIS_URL = "redis://127.0.0.1:6379/4"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bench_environment(port: int, scale: str = "full") -> dict[str, str]:
    """Production settings on the bench database and Redis database 5. The tiny
    scale has its own (BENCH_TINY_DATABASE_URL, BENCH_TINY_REDIS_URL), so CI's
    pass never drops the data of a full run, nor touches the tests' databases."""
    prefix, database, cache = "BENCH", DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL
    if scale == "tiny":
        prefix, database, cache = "BENCH_TINY", TINY_DATABASE_URL, TINY_REDIS_URL
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="ediplomacy.settings",
        DATABASE_URL=os.environ.get(f"{prefix}_DATABASE_URL", database),
        REDIS_URL=os.environ.get(f"{prefix}_REDIS_URL", cache),
        DEBUG="0",
        SECRET_KEY=BENCH_SECRET_KEY,
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


class Server:
    """gunicorn on 127.0.0.1:`port`; a context manager that always stops it."""

    def __init__(self, port: int, env: dict[str, str], workers: int, threads: int):
        self.port = port
        self.env = env
        self.workers = workers
        self.threads = threads
        self.process: subprocess.Popen | None = None
        self.log_path = Path(tempfile.mkdtemp(prefix="ediplomacy-bench-")) / "gunicorn.log"

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
