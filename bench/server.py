"""Where the benchmark serves the app: its own database and Redis database.

Starting gunicorn with production settings is shared with the tests that
need a real server, in `ediplomacy.lib.processes`.
"""

import os

from ediplomacy.lib.processes import production_environment

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ediplomacy_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/5"
# The tiny scale (CI's pass) keeps apart from a full or small bench run alongside.
TINY_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ediplomacy_bench_tiny"
TINY_REDIS_URL = "redis://127.0.0.1:6379/4"


def bench_environment(port: int, scale: str = "full") -> dict[str, str]:
    """Production settings on the bench database and Redis database 5. The tiny
    scale has its own (BENCH_TINY_DATABASE_URL, BENCH_TINY_REDIS_URL), so CI's
    pass never drops the data of a full run, nor touches the tests' databases."""
    prefix, database, cache = "BENCH", DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL
    if scale == "tiny":
        prefix, database, cache = "BENCH_TINY", TINY_DATABASE_URL, TINY_REDIS_URL
    env = production_environment(port)
    env.update(
        DATABASE_URL=os.environ.get(f"{prefix}_DATABASE_URL", database),
        REDIS_URL=os.environ.get(f"{prefix}_REDIS_URL", cache),
        # The API's section loads one token far past its per-minute limit.
        API_RATE_LIMIT="100000000/min",
    )
    return env
