"""What each scale of the bench platform holds (no Django here: `bench.run` reads it first)."""

from dataclasses import dataclass

# Bump when the generated data changes shape: `bench.run` then generates again.
GENERATOR_VERSION = 2
# Every bench user's password (one precomputed hash for all).
BENCH_PASSWORD = "bench-diplomacy-2026"


@dataclass(frozen=True)
class Scale:
    name: str
    organisations: int
    cohorts: int
    # Every learner, the self-paced ones included.
    learners: int
    # Cohorts of `big_cohort_size` learners, one in each of the first organisations.
    big_cohorts: int
    self_paced: int
    big_cohort_size: int = 500


SCALES = {
    "full": Scale("full", 100, cohorts=2000, learners=100_000, big_cohorts=20, self_paced=2000),
    "small": Scale("small", 2, cohorts=20, learners=2000, big_cohorts=1, self_paced=50),
    # Seconds, for CI: every shape of the platform, a cohort of 50 stands in for 500.
    "tiny": Scale(
        "tiny", 2, cohorts=4, learners=120, big_cohorts=1, self_paced=10, big_cohort_size=50
    ),
}
