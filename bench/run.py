"""The benchmark: generate the platform if needed, serve it, load it, write the results.

    python -m bench.run --scale small     # what `make bench SCALE=small` runs
    python -m bench.run --scale tiny      # CI's pass: seconds, its own database

1. The bench database (`ediplomacy_bench`, `ediplomacy_bench_tiny` for the
   tiny scale, or BENCH_DATABASE_URL) is generated again only when it is
   missing, holds another scale or an older generator version, or
   --regenerate is given.
2. gunicorn serves the app with production settings (DEBUG off, PostgreSQL,
   Redis database 5, 4 for the tiny scale) on a free loopback port; it is
   stopped at the end, always.
3. Sessions are created directly in the session store (no log-in form).
4. wrk drives each page at several concurrency levels, beside /healthz at the
   same levels (the floor); the CSV export is timed while the serving worker's
   memory is sampled; the nudge planner runs (dry) in a process of its own.
   The tiny scale runs each page at one level, with a Python load loop where
   wrk is not installed.
5. bench/results.json (bench/results-tiny.json) gets everything; a Markdown
   table is printed.

Exits non-zero on errors only: a missed budget is marked in the table.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import django
import gunicorn
import psycopg2
import redis

from bench import apiload
from bench.discussions import prepare as prepare_discussions
from bench.inprocess import BenchError, profile_clients
from bench.procfs import MemorySampler, rss_kib
from bench.pyload import python_load
from bench.results import judge, markdown
from bench.sandbox import prepare as prepare_sandbox
from bench.scales import GENERATOR_VERSION, SCALES
from bench.server import bench_environment
from ediplomacy.lib.processes import ROOT, Server, free_port, get

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
# A tiny run never overwrites the results docs/performance.md reports.
TINY_RESULTS = HERE / "results-tiny.json"
LUA = HERE / "report.lua"
CSV_PATH = "/reports/learners.csv"
PLANNER_TICK = datetime.timedelta(minutes=15)
LEARNER_SESSIONS = 50
SETTLE_LIMIT_SECONDS = 30
PROFILE_REQUESTS = 5
SECONDS = {"full": 10, "small": 3, "tiny": 1}
# The tiny scale proves every step works, in seconds: one level per page.
TINY_LEVEL = 2


def log(message: str) -> None:
    print(f"== {message}", file=sys.stderr, flush=True)


# --- the data ----------------------------------------------------------------


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def read_meta(url: str) -> dict | None:
    """What bench_meta says about the bench database; None when there is none."""
    name = urlsplit(url).path.lstrip("/")
    with psycopg2.connect(_with_database(url, "postgres")) as admin, admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        exists = cursor.fetchone() is not None
    admin.close()
    if not exists:
        return None
    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('bench_meta') IS NOT NULL")
            if not cursor.fetchone()[0]:
                return None
            cursor.execute("SELECT key, value FROM bench_meta")
            return dict(cursor.fetchall())
    finally:
        connection.close()


def ensure_data(scale: str, env: dict[str, str], regenerate: bool) -> dict:
    url = env["DATABASE_URL"]
    meta = read_meta(url)
    if (
        not regenerate
        and meta
        and meta.get("scale") == scale
        and meta.get("version") == GENERATOR_VERSION
    ):
        log(f"Reusing the {scale} platform generated at {meta['generated_at']}")
        return meta
    name = urlsplit(url).path.lstrip("/")
    log(f"Creating the database {name} and generating the {scale} platform")
    admin = psycopg2.connect(_with_database(url, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    python = sys.executable
    started = time.monotonic()
    for command in (
        [python, "manage.py", "migrate", "--noinput", "-v", "0"],
        [python, "manage.py", "load_curriculum"],
        [python, "-m", "bench.generate", "--scale", scale],
    ):
        subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    meta = read_meta(url)
    # Database, migrations, programme and platform, as this run did them.
    meta["setup_seconds"] = round(time.monotonic() - started, 1)
    return meta


# --- sessions and targets ----------------------------------------------------------


def create_sessions(user_ids: list[int]) -> dict[int, str]:
    """A signed-in session per user, written straight to the session store."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User

    sessions = {}
    for user in User.objects.filter(pk__in=user_ids):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store["last_seen"] = int(time.time())
        store.create()
        sessions[user.pk] = store.session_key
    return sessions


def sample_learners(count: int, language: str | None = None) -> list[int]:
    """Learners spread over the platform, the same ones on every run; with
    `language`, only learners who read that language."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT user_id FROM progress_enrolment WHERE status <> 'withdrawn' "
            "AND (%s IS NULL OR user_id IN (SELECT id FROM accounts_user WHERE language = %s)) "
            "ORDER BY md5(id::text) LIMIT %s",
            [language, language, count],
        )
        return [row[0] for row in cursor.fetchall()]


def language_comparison(endpoints: dict) -> dict:
    """The dashboard read in French beside English: the cost of translation."""
    compared = {}
    for language in ("en", "fr"):
        endpoint = endpoints[f"dashboard_{language}"]
        top = max(endpoint["levels"], key=int)
        compared[language] = {
            "cpu_ms": endpoint["in_process"]["cpu_ms"],
            "wall_ms": endpoint["in_process"]["wall_ms"],
            "queries": endpoint["in_process"]["queries"],
            "users": int(top),
            "p95_ms": endpoint["levels"][top]["p95_ms"],
            "rps": endpoint["levels"][top]["rps"],
        }
    en, fr = compared["en"], compared["fr"]
    compared["fr_over_en"] = {
        key: round(fr[key] / en[key], 3) if fr[key] and en[key] else None
        for key in ("cpu_ms", "wall_ms", "p95_ms", "rps")
    }
    return compared


def profile_page(path: str, sessions: list[str]) -> dict:
    """One request at a time, in-process with the test client: queries, CPU and SQL time.

    Less sensitive to a busy machine than latency under load: CPU time counts
    only this process's work. Medians over up to five requests (one per
    session when there are several, the same session again otherwise).
    """
    from django.test import Client

    clients = []
    for session in (sessions * PROFILE_REQUESTS)[:PROFILE_REQUESTS]:
        client = Client(HTTP_HOST="127.0.0.1")
        client.cookies["sessionid"] = session
        client.get(path)  # warm: templates, the session's last-seen write
        clients.append(client)
    return profile_clients(path, clients)


# --- measurements ------------------------------------------------------------------


def wrk(port: int, path: str, concurrency: int, seconds: int, sessions_file: Path | None):
    if shutil.which("wrk") is None:
        run = python_load(port, path, concurrency, seconds, sessions_file)
        time.sleep(min(SETTLE_LIMIT_SECONDS, (run["max_ms"] or seconds * 1000) / 1000))
        return run
    command = [
        "wrk",
        f"-t{min(2, concurrency)}",
        f"-c{concurrency}",
        f"-d{seconds}s",
        "--timeout=30s",
        "--latency",
        f"--script={LUA}",
        f"http://127.0.0.1:{port}{path}",
    ]
    env = dict(os.environ, BENCH_COOKIES=str(sessions_file) if sessions_file else "")
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=seconds + 90, check=False
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise BenchError(f"wrk failed on {path}: {done.stderr or done.stdout}")
    run = json.loads(line.removeprefix("BENCH_JSON "))
    if not run["requests"]:
        # Not one answer within the run: no latency to report (and no budget met).
        for field in ("p50_ms", "p95_ms", "p99_ms", "max_ms", "mean_ms"):
            run[field] = None
    # Requests still in flight when wrk stops keep the server busy: let them finish
    # (they take at most about the slowest latency seen) before the next run.
    time.sleep(min(SETTLE_LIMIT_SECONDS, (run["max_ms"] or seconds * 1000) / 1000))
    return run


def measure_csv(server: Server, path: str, session: str) -> dict:
    """One full download, timed, while every worker's RSS is sampled every 10 ms."""
    workers = server.worker_pids()
    before = {pid: rss_kib(pid) for pid in workers}
    sampler = MemorySampler(workers, interval=0.01)
    sampler.start()
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=180)
    connection.request("GET", path, headers={"Cookie": f"sessionid={session}"})
    response = connection.getresponse()
    first = response.read(1)
    first_byte = time.monotonic() - started
    size, newlines = len(first), first.count(b"\n")
    while chunk := response.read(1 << 16):
        size += len(chunk)
        newlines += chunk.count(b"\n")
    seconds = time.monotonic() - started
    connection.close()
    sampler.stop()
    if response.status != 200:
        raise BenchError(f"{path} answered {response.status}")
    peaks = sampler.peaks()
    serving = max(workers, key=lambda pid: peaks[pid] - before[pid])
    return {
        "path": path,
        "rows": newlines - 1,
        "mib": round(size / 2**20, 2),
        "seconds": round(seconds, 2),
        "first_byte_seconds": round(first_byte, 2),
        "rss_before_mib": round(before[serving] / 1024, 1),
        "rss_peak_mib": round(peaks[serving] / 1024, 1),
        "rss_growth_mib": round((peaks[serving] - before[serving]) / 1024, 1),
    }


def measure_nudges(env: dict[str, str], now: datetime.datetime) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.nudges", "--now", now.isoformat()],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"the nudge planner failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine(env: dict[str, str]) -> dict:
    memory_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    connection = psycopg2.connect(env["DATABASE_URL"])
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgresql = cursor.fetchone()[0].split()[0]
    connection.close()
    if shutil.which("wrk"):
        done = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
        loader = (done.stdout or done.stderr).split("[")[0].strip()
    else:
        loader = "python load loop (bench/pyload.py): wrk is not installed"
    return {
        "cpus": len(os.sched_getaffinity(0)),
        "cpu_model": model,
        "memory_gib": round(memory_kib / 2**20, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "postgresql": postgresql,
        "redis": redis.Redis.from_url(env["REDIS_URL"]).info("server")["redis_version"],
        "wrk": loader,
    }


# --- the run -----------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    who: str  # "learners", "trainer" or "staff"
    levels: tuple[int, ...]


def page_plan(scale: str, targets: dict, sandbox: dict, discussions: dict) -> list[Page]:
    """Every page the bench loads, with its people and concurrency levels."""
    plan = [
        Page("dashboard", "/dashboard/", "learners", (1, 10, 20)),
        Page("dashboard_en", "/dashboard/", "learners_en", (1, 10)),
        Page("dashboard_fr", "/dashboard/", "learners_fr", (1, 10)),
        Page("cohort", f"/cohorts/{targets['cohort']}/", "trainer", (1, 10)),
        Page("reviews", "/reviews/", "trainer", (1, 10)),
        Page("report", "/reports/", "staff", (1, 4)),
        Page("sandbox_board", f"/sandbox/live/{sandbox['live']}/", "trainer", (1, 10)),
    ]
    if sandbox["run"]:
        plan.append(
            Page("sandbox_run", f"/sandbox/runs/{sandbox['run']}/", "sandbox_learner", (1, 10))
        )
    if discussions["learner"]:
        plan += [
            Page("reading_margins", discussions["reading"], "discussion_learner", (1, 10)),
            Page(
                "discussion",
                f"/discussions/cohorts/{targets['cohort']}/",
                "discussion_learner",
                (1, 10),
            ),
        ]
    if scale == "tiny":
        plan = [Page(page.name, page.path, page.who, (TINY_LEVEL,)) for page in plan]
    return plan


def preflight(port: int, plan: list[Page], people: dict, sessions: dict, workers: int) -> None:
    """Every page answers 200 for its people before any load, one request at a time,
    at least twice per worker, so every worker is warm (and nothing is left running)."""
    for page in plan:
        users = people[page.who]
        for pk in (users * (2 * workers))[: max(len(users), 2 * workers)]:
            status, _, _ = get(port, page.path, sessions[pk])
            if status != 200:
                raise BenchError(f"{page.path} answered {status} for user {pk}")


def load(port: int, plan: list[Page], files: dict, seconds: int) -> dict:
    """wrk on /healthz at every level (the floor), then on each page at its levels."""
    levels = sorted({level for page in plan for level in page.levels})
    floor = {"path": "/healthz", "as": "anonymous", "levels": {}}
    for level in levels:
        floor["levels"][str(level)] = wrk(port, "/healthz", level, seconds, None)
        log(f"/healthz x {level}: {floor['levels'][str(level)]}")
    endpoints = {"healthz": floor}
    for page in plan:
        runs = {}
        for level in page.levels:
            run = wrk(port, page.path, level, seconds, files[page.who])
            base = floor["levels"][str(level)]
            run["floor_p95_ms"] = base["p95_ms"]
            if run["p95_ms"] is not None:
                run["p95_over_floor"] = round(run["p95_ms"] / base["p95_ms"], 2)
            run["rps_over_floor"] = round(run["rps"] / base["rps"], 4)
            runs[str(level)] = run
            log(f"{page.path} x {level}: {run}")
        endpoints[page.name] = {"path": page.path, "as": page.who, "levels": runs}
    return endpoints


def describe_data(meta: dict) -> dict:
    activity_tables = (
        "progress_completion",
        "progress_listeningentry",
        "progress_followingcheckin",
    )
    return {
        "learners": meta["definition"]["learners"],
        "organisations": meta["definition"]["organisations"],
        "cohorts": meta["definition"]["cohorts"],
        "activity_rows": sum(meta["counts"].get(table, 0) for table in activity_tables),
        "rows": {key: value for key, value in meta["counts"].items() if isinstance(value, int)},
        "generated_at": meta["generated_at"],
        "generation_seconds": meta["seconds"],
        "generation_phases": meta.get("phases"),
        # Set only when this run generated the data (migrations and programme included).
        "setup_seconds": meta.get("setup_seconds"),
    }


def run(args) -> dict:
    port = free_port()
    env = bench_environment(port, args.scale)
    meta = ensure_data(args.scale, env, args.regenerate)
    os.environ.update(env)
    # The test client (in-process profile) serves static files from the app folders.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    django.setup()
    from django.contrib.sessions.models import Session

    # The bench's own Redis database and sessions: nothing of an earlier run stays.
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    Session.objects.all().delete()
    targets = meta["targets"]
    people = {
        "learners": sample_learners(LEARNER_SESSIONS),
        # The same page in two languages: what translating it costs.
        "learners_en": sample_learners(LEARNER_SESSIONS // 2, language="en"),
        "learners_fr": sample_learners(LEARNER_SESSIONS // 2, language="fr"),
        "trainer": [targets["trainer"]],
        "staff": [targets["staff"]],
    }
    # The practice sandbox: one live cohort run, its board and one learner's run page.
    sandbox = prepare_sandbox(targets["cohort"], targets["trainer"])
    if sandbox["learner"]:
        people["sandbox_learner"] = [sandbox["learner"]]
    # Discussions: a reading of the cohort annotated 500 times, and its discussion page.
    discussions = prepare_discussions(targets["cohort"])
    if discussions["learner"]:
        people["discussion_learner"] = [discussions["learner"]]
    sessions = create_sessions([pk for ids in people.values() for pk in ids])
    plan = page_plan(args.scale, targets, sandbox, discussions)
    seconds = args.seconds or SECONDS[args.scale]
    results: dict = {
        "scale": args.scale,
        "ran_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(env),
        "settings": {"seconds": seconds},
        # Other work on the machine: the 1-minute load average when the run began.
        "load_average_at_start": round(os.getloadavg()[0], 2),
        "data": describe_data(meta),
        "targets": targets,
        "sandbox": sandbox,
        "discussions": discussions,
    }
    staff = sessions[targets["staff"]]
    with (
        tempfile.TemporaryDirectory(prefix="ediplomacy-bench-") as scratch,
        Server(port, env, args.workers, args.threads) as server,
    ):
        files = {}
        for who, ids in people.items():
            files[who] = Path(scratch) / f"{who}.sessions"
            files[who].write_text("".join(f"{sessions[pk]}\n" for pk in ids))
        results["server"] = {
            "command": " ".join(server.command[1:]),
            "workers": args.workers,
            "threads": args.threads,
        }
        log(f"gunicorn on 127.0.0.1:{port} ({args.workers} workers x {args.threads} threads)")
        preflight(port, plan, people, sessions, args.workers)
        log("CSV export: the code path warmed on one cohort, then one full download")
        for _ in range(2 * args.workers):
            get(port, f"{CSV_PATH}?cohort={targets['cohort']}", staff)
        results["csv"] = measure_csv(server, CSV_PATH, staff)
        log(f"CSV: {results['csv']}")
        results["endpoints"] = load(port, plan, files, seconds)
        log("API: each list endpoint with a read-only token of the target's organisation")
        key = apiload.api_token(targets)
        api_levels = (TINY_LEVEL,) if args.scale == "tiny" else (1, 4)
        results["api"] = apiload.load(port, key, targets, api_levels, seconds)
        for endpoint in results["api"].values():
            log(f"{endpoint['path']}: {endpoint['levels']}")
    log("Each page once more, in-process: queries, CPU and SQL time")
    for page in plan:
        page_sessions = [sessions[pk] for pk in people[page.who]]
        results["endpoints"][page.name]["in_process"] = profile_page(page.path, page_sessions)
    for endpoint in results["api"].values():
        endpoint["in_process"] = apiload.profile(key, endpoint["path"])
    results["languages"] = language_comparison(results["endpoints"])
    log(f"Dashboard in French beside English: {results['languages']['fr_over_en']}")
    log("Nudge planner (dry run) in its own process")
    # The next planner tick after the data was written: a run as beat would start it.
    planned_at = datetime.datetime.fromisoformat(meta["generated_at"]) + PLANNER_TICK
    results["nudges"] = measure_nudges(env, planned_at)
    results["budgets"] = judge(results)
    results["load_average_at_end"] = round(os.getloadavg()[0], 2)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Runs the ediplomacy benchmark.")
    parser.add_argument("--scale", choices=list(SCALES), default="full")
    parser.add_argument("--regenerate", action="store_true", help="generate the data again")
    parser.add_argument("--seconds", type=int, help="wrk duration per run (default by scale)")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so the server is stopped either way.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    try:
        results = run(args)
    except (BenchError, RuntimeError, subprocess.CalledProcessError, psycopg2.Error) as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    results["seconds"] = round(time.monotonic() - started, 1)
    path = TINY_RESULTS if args.scale == "tiny" else RESULTS
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(markdown(results))
    print(f"\nWrote {path.relative_to(ROOT)} in {results['seconds']:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
