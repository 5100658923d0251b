"""The bench generator seen from outside: run as a program against the test
database, as `make bench` runs it, and judged by what it leaves there.

No test imports `bench/`: what the generator writes is checked against the
app's own reading of it, so the bench cannot drift from the app unnoticed.
"""

import datetime
import os
import subprocess
import sys

from django.db import connection

from ediplomacy.lib.processes import ROOT, database_url
from progress.assessments import assess_enrolments
from progress.models import SNAPSHOT_STATUS_FIELDS, Enrolment

# Two organisations, four cohorts and 120 learners: seconds.
SCALE = "tiny"
TIMEOUT = 300


def generate(now: datetime.datetime, seed: int = 2026) -> None:
    """Writes a tiny bench platform at `now` into the test database."""
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="ediplomacy.settings",
        DATABASE_URL=database_url(connection.settings_dict),
    )
    command = [sys.executable, "-m", "bench.generate", "--scale", SCALE, "--seed", str(seed)]
    command += ["--now", now.isoformat()]
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT
    )
    assert result.returncode == 0, f"the generator failed:\n{result.stderr[-4000:]}"


def forget_bench_meta() -> None:
    """Drops the generator's record of itself, which the test flush leaves behind."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_meta")


def snapshot_mismatches(now: datetime.datetime) -> list[str]:
    """Every enrolment whose stored snapshot differs from what the app's own
    assessment (`assess_enrolments`, `Enrolment.snapshot_apply`) makes of the
    same rows at `now`: one line per difference."""
    enrolments = list(Enrolment.objects.order_by("pk"))
    assessed = assess_enrolments(enrolments, now)
    mismatches = []
    for stored in enrolments:
        expected = Enrolment()
        expected.snapshot_apply(assessed[stored.pk].assessment, now)
        for name in SNAPSHOT_STATUS_FIELDS:
            if getattr(stored, name) != getattr(expected, name):
                mismatches.append(
                    f"enrolment {stored.pk} {name}: stored {getattr(stored, name)!r}, "
                    f"the app says {getattr(expected, name)!r}"
                )
        if stored.assessed_at != now:
            mismatches.append(f"enrolment {stored.pk} assessed at {stored.assessed_at}, not {now}")
    return mismatches
