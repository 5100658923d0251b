"""Times one dry run of the nudge planner over the whole bench platform.

Run in its own process by `bench.run` (the environment names the bench
database); prints one JSON object: seconds, queries, peak and growth of the
process's resident memory, and the nudges it would plan per rule.

    python -m bench.nudges --now 2026-01-01T12:15:00+00:00
"""

import argparse
import datetime
import json
import os
import time

import django

from bench.procfs import MemorySampler, rss_kib


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Times nudges_plan(dry_run=True).")
    parser.add_argument("--now", required=True, help="ISO time the planner runs at")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ediplomacy.settings")
    django.setup()

    from django.db import connection

    from progress.models import Enrolment
    from progress.nudges.planner import nudges_plan

    now = datetime.datetime.fromisoformat(args.now)
    # Warm the connection and the imports, so the figures are the planner's own.
    enrolments = Enrolment.objects.filter(status=Enrolment.Status.ACTIVE).count()
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    sampler = MemorySampler(["self"], interval=0.02)
    before = rss_kib()
    sampler.start()
    started = time.monotonic()
    with connection.execute_wrapper(count):
        counts = nudges_plan(now=now, dry_run=True)
    seconds = time.monotonic() - started
    samples = [(at, sample["self"]) for at, sample in sampler.stop()]
    peak = max(kib for _, kib in samples)
    # Flat memory: what the process holds once the first tenth of the run is
    # done should not grow with the rest of the enrolments.
    early = [kib for at, kib in samples if at <= seconds / 10] or [before]
    print(
        json.dumps(
            {
                "now": now.isoformat(),
                "active_enrolments": enrolments,
                "seconds": round(seconds, 2),
                "queries": queries,
                "rss_before_mib": round(before / 1024, 1),
                "rss_peak_mib": round(peak / 1024, 1),
                "rss_growth_mib": round((peak - before) / 1024, 1),
                "rss_growth_after_first_tenth_mib": round((peak - max(early)) / 1024, 1),
                "planned": dict(sorted(counts.items())),
            }
        )
    )


if __name__ == "__main__":
    main()
