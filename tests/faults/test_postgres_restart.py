"""PostgreSQL restarted under load: requests fail cleanly during the restart and
succeed after, without restarting the app.

How: a private PostgreSQL cluster (initdb in a temporary folder, trust
authentication, a free loopback port outside the ephemeral range so that no
client connection can take it while the server is down) is migrated and given
the shipped programme and one enrolled learner; the shared cluster on port
5432 is never touched. gunicorn serves the app on it with production settings.
While client threads keep asking for the dashboard, a reading and /healthz
(in turn with the learner's session and without cookies, as a load
balancer's probe asks it), the private
cluster is stopped (fast mode), left down for a few seconds and started again.

Every answer is then judged: before the outage all are 200; during it each is
either 200 or the app's own error (the 500 page for pages, a 503 from /healthz
reporting the database down), never a dropped connection, a traceback or a
request left hanging; once PostgreSQL accepts connections again, pages answer
200 within a bounded time and keep doing so. Then PostgreSQL is restarted
once more while no request is in flight, which leaves every worker thread
holding a dead persistent connection: every request after it must still
succeed, as CONN_HEALTH_CHECKS promises. Throughout, the gunicorn workers are
the same processes, and a reading marked complete at the end is in the
database.
"""

import contextlib
import glob
import json
import os
import pwd
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest

from ediplomacy.lib.processes import ROOT, free_port
from tests.conftest import _missing
from tests.faults.conftest import WebClient, app_environment

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.redis]

PASSWORD = "a-long-password-for-the-restart-test"
EMAIL = "restart.learner@ministry.example"
DATABASE = "ediplomacy_faults"
CLIENTS = 4
# Between two requests of one client: load, without filling the log with
# thousands of identical tracebacks while the database is down.
PAUSE_SECONDS = 0.02
# A request slower than this counts as a hang: a missing database must fail fast.
HANG_LIMIT_SECONDS = 20
WARM_SECONDS = 3
OUTAGE_SECONDS = 5
RECOVERY_LIMIT_SECONDS = 60
AFTER_RECOVERY_SECONDS = 5
PG_CTL_TIMEOUT = 60
SETUP_TIMEOUT = 600
ERROR_PAGE_HEADING = "Something went wrong on our side"
HEALTHZ = "/healthz"


class PrivatePostgres:
    """A throwaway PostgreSQL cluster owned by the postgres OS user."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="ediplomacy-faults-pg-"))
        shutil.chown(self.root, "postgres", "postgres")
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.port = port_outside_ephemeral_range()

    def _run(self, program: str, *args: str) -> None:
        command = ["runuser", "-u", "postgres", "--", str(self.bindir / program), *args]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=PG_CTL_TIMEOUT + 30, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{program} {' '.join(args)} failed ({done.returncode}):\n"
                f"{done.stdout}{done.stderr}\n{self.log_tail()}"
            )

    def init(self) -> None:
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "--encoding=UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        self._pg_ctl("start")

    def restart(self) -> None:
        self._pg_ctl("restart", "-m", "fast")

    def _pg_ctl(self, action: str, *args: str) -> None:
        # A throwaway cluster: fsync off keeps the migrations quick on a busy machine,
        # and a fast shutdown still writes everything out. The log file keeps the
        # server off pg_ctl's output, which would otherwise never reach its end.
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off"
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", str(PG_CTL_TIMEOUT),
            "-o", options, *args, action,
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(
            "pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", str(PG_CTL_TIMEOUT), "stop"
        )

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def connect(self, name: str):
        return psycopg2.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=name, connect_timeout=10
        )

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except FileNotFoundError:
            return "(no PostgreSQL log)"
        return "PostgreSQL log:\n" + "\n".join(text.splitlines()[-lines:])

    def remove(self) -> None:
        """Stops the server, whatever state a failure left it in, and deletes its folder."""
        pid_file = self.data / "postmaster.pid"
        if pid_file.exists():
            try:
                self.stop("immediate")
            except (RuntimeError, subprocess.TimeoutExpired):
                with contextlib.suppress(FileNotFoundError, ProcessLookupError, ValueError):
                    os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)
        shutil.rmtree(self.root, ignore_errors=True)


def port_outside_ephemeral_range() -> int:
    """A free port that the kernel never hands out as the local end of a connection.

    While PostgreSQL is down its port is free, and the many short connections
    of the test could otherwise be given it, so that PostgreSQL cannot start again.
    """
    low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    candidates = [*range(max(1024, low - 10000), low), *range(high + 1, 65536)]
    random.shuffle(candidates)
    for port in candidates:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port outside the ephemeral range")


def postgres_bindir() -> Path | None:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parent.parent.name),
    )
    return Path(found[-1]).parent if found else None


@pytest.fixture
def private_postgres():
    bindir = postgres_bindir()
    if bindir is None:
        _missing(
            "needs PostgreSQL's initdb in /usr/lib/postgresql/*/bin (apt-get install postgresql)"
        )
    if os.geteuid() != 0 or not shutil.which("runuser"):
        _missing("needs root and runuser, to run a private PostgreSQL as the postgres user")
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        _missing("needs the postgres OS user, to run a private PostgreSQL")
    cluster = PrivatePostgres(bindir)
    try:
        cluster.init()
        cluster.start()
        admin = cluster.connect("postgres")
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{DATABASE}"')
        admin.close()
        yield cluster
    finally:
        cluster.remove()


SETUP_SCRIPT = """
import json
from allauth.account.models import EmailAddress
from accounts.models import User
from curriculum.models import Activity
from curriculum.selectors import programme_default
from progress import services

user = User.objects.create_user(email={email!r}, password={password!r})
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
services.enrolment_create(user=user, programme=programme_default())
readings = Activity.objects.live().filter(module__stage__slug="orientation", kind="reading")
print(json.dumps([a.get_absolute_url() for a in readings.select_related("module__stage")]))
"""


def prepare_database(env: dict[str, str]) -> list[str]:
    """Migrates, loads the programme, enrols the learner; returns the orientation readings."""
    python = sys.executable
    script = SETUP_SCRIPT.format(email=EMAIL, password=PASSWORD)
    output = ""
    for command in (
        [python, "manage.py", "migrate", "--noinput", "-v", "0"],
        [python, "manage.py", "load_curriculum"],
        [python, "manage.py", "shell", "-c", script],
    ):
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=SETUP_TIMEOUT
        )
        assert done.returncode == 0, f"{' '.join(command[1:3])} failed:\n{done.stderr[-3000:]}"
        output = done.stdout
    return json.loads(output.strip().splitlines()[-1])


@dataclass
class Outcome:
    path: str
    started: float
    seconds: float
    status: int | None
    body: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 200

    def clean_failure(self) -> bool:
        """The app's own answer to a missing database."""
        if self.path == HEALTHZ:
            if self.status != 503:
                return False
            try:
                return json.loads(self.body).get("database") == "down"
            except ValueError:
                return False
        return (
            self.status == 500 and ERROR_PAGE_HEADING in self.body and "Traceback" not in self.body
        )

    def describe(self) -> str:
        body = re.sub(r"\s+", " ", self.body)[:160]
        what = self.error or f"{self.status} {body!r}"
        return f"{self.path} at {self.started:.2f}s after {self.seconds:.2f}s: {what}"


def describe(outcomes: list[Outcome], log: str) -> str:
    return "\n".join(o.describe() for o in outcomes[:10]) + f"\n{log}"


class Traffic:
    """Client threads asking for `paths` in turn until stopped; every answer is kept."""

    def __init__(self, client: WebClient, paths: list[str], clients: int):
        # One client per thread, each with the same session: a cookie jar is not thread-safe.
        self.clients = [
            WebClient(client.port, timeout=HANG_LIMIT_SECONDS, cookies=dict(client.cookies))
            for _ in range(clients)
        ]
        # /healthz is asked in turn with the session (whose middleware would read
        # the database first) and as a load balancer's probe asks it: without cookies.
        self.probes = [WebClient(client.port, timeout=HANG_LIMIT_SECONDS) for _ in range(clients)]
        self.paths = paths
        self.origin = time.monotonic()
        self.outcomes: list[Outcome] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(clients)
        ]

    def now(self) -> float:
        return time.monotonic() - self.origin

    def _run(self, offset: int) -> None:
        client, probe = self.clients[offset], self.probes[offset]
        turn = offset
        while not self._stop.is_set():
            path = self.paths[turn % len(self.paths)]
            turn += 1
            started = self.now()
            try:
                asker = probe if path == HEALTHZ and turn % 2 else client
                response = asker.get(path)
                outcome = Outcome(path, started, response.seconds, response.status, response.text)
            except Exception as error:  # a timeout, a reset: recorded and judged later
                outcome = Outcome(
                    path,
                    started,
                    self.now() - started,
                    None,
                    error=f"{type(error).__name__}: {error}",
                )
            with self._lock:
                self.outcomes.append(outcome)
            self._stop.wait(PAUSE_SECONDS)

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=HANG_LIMIT_SECONDS + 10)
        assert not any(thread.is_alive() for thread in self._threads), "a client thread hung"

    def snapshot(self) -> list[Outcome]:
        with self._lock:
            return list(self.outcomes)

    def wait_for_success_after(self, moment: float, limit: float) -> Outcome | None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            found = [o for o in self.snapshot() if o.started >= moment and o.ok]
            if found:
                return min(found, key=lambda o: o.started)
            time.sleep(0.1)
        return None


def completed_slugs(cluster: PrivatePostgres) -> set[str]:
    connection = cluster.connect(DATABASE)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.slug FROM progress_completion c "
                "JOIN curriculum_activity a ON a.id = c.activity_id "
                "JOIN progress_enrolment e ON e.id = c.enrolment_id "
                "JOIN accounts_user u ON u.id = e.user_id WHERE u.email = %s",
                [EMAIL],
            )
            return {row[0] for row in cursor.fetchall()}
    finally:
        connection.close()


def test_postgres_restart_fails_requests_cleanly_and_the_app_recovers_by_itself(
    private_postgres, serve, sign_in, capsys
):
    port = free_port()
    readings = prepare_database(app_environment(port, private_postgres.url(DATABASE)))
    server = serve(private_postgres.url(DATABASE), workers=2, threads=4, port=port)
    learner = sign_in(server.port, EMAIL, PASSWORD)
    reading, to_complete = readings[0], readings[1]
    paths = ["/dashboard/", reading, HEALTHZ]
    for path in paths:
        status = learner.get(path).status
        assert status == 200, f"{path} answered {status} before the outage:\n{server.log_tail()}"
    workers_before = server.worker_pids()

    # 1. Down for a few seconds under load.
    traffic = Traffic(learner, paths, CLIENTS)
    traffic.start()
    try:
        time.sleep(WARM_SECONDS)
        down_at = traffic.now()
        private_postgres.stop("fast")
        time.sleep(OUTAGE_SECONDS)
        private_postgres.start()
        up_at = traffic.now()
        first_success = traffic.wait_for_success_after(up_at, RECOVERY_LIMIT_SECONDS)
        assert first_success is not None, (
            f"no page answered 200 within {RECOVERY_LIMIT_SECONDS} s of PostgreSQL accepting "
            f"connections again:\n{server.log_tail()}"
        )
        time.sleep(AFTER_RECOVERY_SECONDS)
    finally:
        traffic.stop()

    outcomes = traffic.snapshot()
    log = server.log_tail()
    before = [o for o in outcomes if o.started + o.seconds < down_at]
    during = [o for o in outcomes if o.started + o.seconds >= down_at and o.started < up_at]
    after = [o for o in outcomes if o.started >= up_at]
    failed = [o for o in outcomes if not o.ok]
    hangs = [o for o in outcomes if o.error or o.seconds > HANG_LIMIT_SECONDS]
    assert not hangs, "requests hung or lost their connection:\n" + describe(hangs, log)
    assert all(o.ok for o in before), "requests failed before the outage:\n" + describe(
        [o for o in before if not o.ok], log
    )
    unclean = [o for o in failed if not o.clean_failure()]
    assert not unclean, "failures that were not the app's own error answer:\n" + describe(
        unclean, log
    )
    assert any(o.path == HEALTHZ and o.status == 503 for o in during), (
        "the outage was not seen: /healthz never reported the database down"
    )
    late = [o for o in after if not o.ok and o.started >= first_success.started]
    assert not late, "requests failed after the app had recovered:\n" + describe(late, log)

    # 2. A quick restart while no request is in flight. Under load every worker
    # thread meets the outage and drops its broken connection; here each keeps a
    # persistent connection that is dead, and only the health check at the start
    # of its next request can notice.
    private_postgres.restart()
    quiet = Traffic(learner, paths, CLIENTS)
    quiet.start()
    try:
        time.sleep(AFTER_RECOVERY_SECONDS)
    finally:
        quiet.stop()
    after_quiet = quiet.snapshot()
    failed_after_quiet = [o for o in after_quiet if not o.ok]
    assert not failed_after_quiet, (
        "requests failed after an idle restart (stale persistent connections):\n"
        + describe(failed_after_quiet, server.log_tail())
    )

    done = learner.post(to_complete, {})
    assert done.status == 302 and done.location == to_complete, (
        f"marking {to_complete} read answered {done.status}:\n{server.log_tail()}"
    )
    assert to_complete.rstrip("/").rsplit("/", 1)[-1] in completed_slugs(private_postgres)
    assert server.process is not None and server.process.poll() is None, "gunicorn exited"
    assert server.worker_pids() == workers_before, (
        f"gunicorn workers changed from {workers_before} to {server.worker_pids()}:\n"
        f"{server.log_tail()}"
    )

    first_failure = min((o.started for o in failed), default=down_at)
    last_failure = max((o.started + o.seconds for o in failed), default=down_at)
    report = (
        f"\nPostgreSQL restart under load: {len(outcomes)} requests ({len(before)} before, "
        f"{len(during)} during, {len(after)} after); {len(failed)} failed cleanly "
        f"({sum(o.status == 500 for o in failed)} error pages, "
        f"{sum(o.status == 503 for o in failed)} /healthz 503). PostgreSQL down "
        f"{up_at - down_at:.1f} s; clients saw failures for {last_failure - first_failure:.1f} s; "
        f"first 200 {first_success.started + first_success.seconds - up_at:.2f} s after "
        f"PostgreSQL was back; slowest request {max(o.seconds for o in outcomes):.2f} s. "
        f"Idle restart: {len(after_quiet)} requests after it, all 200. "
        f"Workers {workers_before} unchanged."
    )
    with capsys.disabled():
        print(report)
