"""Builds the bench platform in an empty, migrated database with the programme loaded.

    DJANGO_SETTINGS_MODULE=ediplomacy.settings \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ediplomacy_bench \\
        python -m bench.generate --scale small [--now 2026-08-31T12:00:00+00:00]

`bench.run` does this itself when the bench database is missing or holds
another scale; see `bench/platform.py` for what each scale contains.
"""

import argparse
import datetime
import json
import os
import sys
import time

import django

from bench.scales import SCALES


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Builds the bench platform with COPY.")
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--now",
        type=datetime.datetime.fromisoformat,
        help="the moment the platform is written at, an aware ISO time (default: now)",
    )
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("DATABASE_URL must point at the PostgreSQL bench database.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ediplomacy.settings")
    django.setup()

    from django.utils import timezone

    from accounts.models import User
    from bench.platform import Platform

    if User.objects.exists():
        raise SystemExit("The bench database already has people: generate into an empty one.")
    scale = SCALES[args.scale]
    now = args.now or timezone.now()
    if now.tzinfo is None:
        raise SystemExit("--now needs a time zone, e.g. 2027-01-03T12:00:00+00:00.")
    started = time.monotonic()
    print(f"Generating the {scale.name} platform ({scale.learners:,} learners)", file=sys.stderr)
    platform = Platform(scale, args.seed, now)
    counts = platform.build()
    print(f"  rows written in {time.monotonic() - started:.0f} s", file=sys.stderr)
    platform.finish(counts, args.seed, started)
    seconds = time.monotonic() - started
    rows = sum(value for value in counts.values() if isinstance(value, int))
    print(f"Generated {rows:,} rows in {seconds:.0f} s", file=sys.stderr)
    print(json.dumps({"seconds": round(seconds, 1), "counts": counts}, indent=2))


if __name__ == "__main__":
    main()
