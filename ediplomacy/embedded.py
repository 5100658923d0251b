"""`make run`: the web server, a Celery worker and Celery beat, as one command.

    python -m ediplomacy.embedded 127.0.0.1:8000

It sets EMBEDDED_PIPELINE for the three, so without REDIS_URL they share the
embedded broker (settings.py); with REDIS_URL they use Redis as in production.
Each runs in a session of its own, so a Ctrl-C in the terminal reaches this
launcher only, which then stops all three in order: beat first (no new work is
planned), then the web server and the worker, which finishes the task in hand.
Whatever is still alive after a grace period is killed with its whole process
group (the reloader's server, the worker's pool), so nothing is left behind to
go on writing to the database. If one of the three stops on its own, the
others are stopped too: a product without its pipeline is not the product.
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# Seconds the worker has to finish its task, and the others to exit, before
# they are killed.
GRACE_SECONDS = 10


class Child:
    def __init__(self, name: str, command: list[str], *, whole_group: bool):
        self.name = name
        self.command = command
        # The web server's reloader does not pass a signal on to the server it
        # runs, so the signal goes to the group. The worker's pool processes
        # must not get it: the worker itself stops them once their task is done.
        self.whole_group = whole_group
        self.process: subprocess.Popen | None = None

    def start(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(self.command, cwd=BASE_DIR, env=env, start_new_session=True)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def terminate(self) -> None:
        if not self.running():
            return
        if self.whole_group:
            _signal_group(self.process.pid, signal.SIGTERM)
        else:
            self.process.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        """Kills whatever is left in the child's process group, then reaps the child."""
        if self.process is None:
            return
        _signal_group(self.process.pid, signal.SIGKILL)
        self.process.wait()


def _signal_group(group: int, signum: int) -> None:
    # ProcessLookupError: the whole group has exited already.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signum)


def children(addrport: str) -> list[Child]:
    python = sys.executable
    celery = [python, "-m", "celery", "-A", "ediplomacy"]
    return [
        Child("web", [python, "manage.py", "runserver", addrport], whole_group=True),
        Child(
            "worker",
            [
                *celery,
                "worker",
                "--loglevel=INFO",
                # Two cores: one pool process beside the web server is enough
                # for a developer's traffic, and prefork keeps the time limits.
                "--pool=prefork",
                "--concurrency=1",
                "--hostname=embedded@%h",
                # One worker: nobody to gossip, synchronise or exchange heartbeats with.
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            whole_group=False,
        ),
        Child("beat", [*celery, "beat", "--loglevel=INFO"], whole_group=True),
    ]


def run(addrport: str) -> int:
    env = {**os.environ, "EMBEDDED_PIPELINE": "1"}
    stop_requested = []

    def request_stop(signum, frame):
        stop_requested.append(signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, request_stop)

    started = children(addrport)
    status = 0
    try:
        for child in started:
            child.start(env)
        while not stop_requested:
            stopped = [child for child in started if not child.running()]
            if stopped:
                print(
                    f"The {stopped[0].name} process stopped "
                    f"(exit status {stopped[0].process.returncode}); stopping the others.",
                    file=sys.stderr,
                    flush=True,
                )
                status = 1
                break
            time.sleep(0.5)
    finally:
        if stop_requested:
            print("Stopping the web server, the worker and beat.", flush=True)
        # Beat first, so no new work is planned while the others stop.
        for child in reversed(started):
            child.terminate()
        deadline = time.monotonic() + GRACE_SECONDS
        for child in started:
            if child.process is not None:
                try:
                    child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    print(f"The {child.name} process did not stop in time: killed.", flush=True)
        for child in started:
            child.kill()
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ediplomacy.embedded",
        description="Serve the app with a Celery worker and Celery beat beside it.",
    )
    parser.add_argument(
        "addrport", nargs="?", default="127.0.0.1:8000", help="address and port to serve on"
    )
    return run(parser.parse_args(argv).addrport)


if __name__ == "__main__":
    sys.exit(main())
