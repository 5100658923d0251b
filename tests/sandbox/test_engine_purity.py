"""The engine is plain Python: importing it loads neither Django nor a database driver."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_engine_imports_neither_django_nor_a_database():
    probe = (
        "import sys, sandbox.engine, sandbox.engine.checks;"
        "print(','.join(sorted(m for m in sys.modules"
        " if m.split('.')[0] in {'django', 'psycopg2', 'sqlite3', 'redis', 'celery'})))"
    )
    # A fresh interpreter with no settings: pytest-django has loaded Django here.
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )

    assert done.stdout.strip() == ""


def test_the_probe_would_see_django():
    # The control: the same probe notices Django when something imports it.
    probe = "import sys, django.db; print('django' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )

    assert done.stdout.strip() == "True"
