"""The budgets, and the Markdown tables `bench.run` prints and docs/performance.md keeps."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    """One of the issue's budgets, set for 2 cores and 100,000 learners."""

    key: str
    label: str
    limit: float
    unit: str
    at_most: bool = True

    def met(self, value: float | None) -> bool | None:
        if value is None:
            return None
        return value <= self.limit if self.at_most else value >= self.limit


# A load run in which not one request completed: latency beyond the run itself.
NO_ANSWER = "no answer"


BUDGETS = [
    Budget("dashboard_p95", "Learner dashboard p95, 20 concurrent users", 100, "ms"),
    Budget(
        "dashboard_rps",
        "Learner dashboard throughput, 20 concurrent users",
        150,
        "req/s",
        at_most=False,
    ),
    Budget("cohort_p95", "Cohort page (500 learners) p95, one user", 250, "ms"),
    Budget("report_p95", "Org report over every learner p95, one user (staff)", 1000, "ms"),
    Budget(
        "reading_margins_p95",
        "Reading with 500 threads in its margins p95, one user",
        250,
        "ms",
    ),
    Budget("discussion_p95", "Cohort discussion page (500 threads) p95, one user", 250, "ms"),
    Budget("csv_seconds", "CSV export of every learner, time", 10, "s"),
    Budget("csv_rss_growth", "CSV export, growth of the serving process", 100, "MiB"),
    Budget("nudges_seconds", "Nudge planning over every enrolment, time", 30, "s"),
    Budget("nudges_rss_growth", "Nudge planning, memory growth after the first tenth", 20, "MiB"),
    # The practice sandbox (bench/sandbox.py): fifty learners in one live run,
    # each timeline 200 items, like the cohort page's budget for a trainer's page.
    Budget("sandbox_board_p95", "Live scenario board (50 learners) p95, one user", 250, "ms"),
    Budget("sandbox_run_p95", "Sandbox run page (200-item timeline) p95, one user", 250, "ms"),
]


def measured(results: dict) -> dict[str, float | None]:
    """The value each budget is judged on, from results.json."""
    endpoints = results["endpoints"]

    def pick(name: str, level: int, field: str):
        run = endpoints.get(name, {}).get("levels", {}).get(str(level))
        if run and run[field] is None:
            return NO_ANSWER
        return run[field] if run else None

    csv = results.get("csv") or {}
    nudges = results.get("nudges") or {}
    return {
        "dashboard_p95": pick("dashboard", 20, "p95_ms"),
        "dashboard_rps": pick("dashboard", 20, "rps"),
        "cohort_p95": pick("cohort", 1, "p95_ms"),
        "report_p95": pick("report", 1, "p95_ms"),
        "reading_margins_p95": pick("reading_margins", 1, "p95_ms"),
        "discussion_p95": pick("discussion", 1, "p95_ms"),
        "csv_seconds": csv.get("seconds"),
        "csv_rss_growth": csv.get("rss_growth_mib"),
        "nudges_seconds": nudges.get("seconds"),
        "nudges_rss_growth": nudges.get("rss_growth_after_first_tenth_mib"),
        "sandbox_board_p95": pick("sandbox_board", 1, "p95_ms"),
        "sandbox_run_p95": pick("sandbox_run", 1, "p95_ms"),
    }


def judge(results: dict) -> list[dict]:
    values = measured(results)
    return [
        {
            "key": budget.key,
            "label": budget.label,
            "limit": budget.limit,
            "unit": budget.unit,
            "at_most": budget.at_most,
            "value": values[budget.key],
            "met": False if values[budget.key] == NO_ANSWER else budget.met(values[budget.key]),
        }
        for budget in BUDGETS
    ]


def _number(value, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    return f"{value:,.{digits}f}"


def _loader(results: dict) -> str:
    return "wrk" if results["machine"]["wrk"].startswith("wrk") else "Python load loop"


def markdown(results: dict) -> str:
    lines = [
        f"Scale **{results['scale']}** ({results['data']['learners']:,} learners, "
        f"{results['data']['activity_rows']:,} completions, listening entries and check-ins), "
        f"{results['machine']['cpus']} CPUs, {results['machine']['memory_gib']} GiB, "
        f"PostgreSQL {results['machine']['postgresql']}, Redis {results['machine']['redis']}; "
        f"gunicorn {results['server']['workers']} workers x {results['server']['threads']} "
        f"threads; {_loader(results)} {results['settings']['seconds']} s per run; load average "
        f"{results.get('load_average_at_start', '-')} at the start, "
        f"{results.get('load_average_at_end', '-')} at the end.",
        "",
        "| page | users | p50 ms | p95 ms | p99 ms | req/s | not 200 "
        "| floor p95 ms | p95 ÷ floor | req/s ÷ floor |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for name, endpoint in results["endpoints"].items():
        for level, run in endpoint["levels"].items():
            lines.append(
                f"| {name} `{endpoint['path']}` | {level} | {_number(run['p50_ms'])} "
                f"| {_number(run['p95_ms'])} | {_number(run['p99_ms'])} | {_number(run['rps'])} "
                f"| {run['not_ok'] + run['socket_errors'] + run['timeouts']} "
                f"| {_number(run.get('floor_p95_ms'))} "
                f"| {_number(run.get('p95_over_floor'), 2)} "
                f"| {_number(run.get('rps_over_floor'), 3)} |"
            )
    lines += [
        "",
        "One request at a time, in-process (median of 5):",
        "",
        "| page | queries | CPU ms | SQL ms | wall ms |",
        "|---|--:|--:|--:|--:|",
    ]
    for name, endpoint in results["endpoints"].items():
        if profile := endpoint.get("in_process"):
            lines.append(
                f"| {name} | {profile['queries']} | {_number(profile['cpu_ms'])} "
                f"| {_number(profile['sql_ms'])} | {_number(profile['wall_ms'])} |"
            )
    if api := results.get("api"):
        lines += [
            "",
            "The API, with a read-only token (Python load loop; in-process median of 5):",
            "",
            "| endpoint | clients | p50 ms | p95 ms | req/s | not 200 "
            "| queries | CPU ms | SQL ms |",
            "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
        ]
        for endpoint in api.values():
            profile = endpoint.get("in_process") or {}
            for level, run in endpoint["levels"].items():
                lines.append(
                    f"| `{endpoint['path']}` | {level} | {_number(run['p50_ms'])} "
                    f"| {_number(run['p95_ms'])} | {_number(run['rps'])} "
                    f"| {run['not_ok'] + run['socket_errors'] + run['timeouts']} "
                    f"| {profile.get('queries', '-')} | {_number(profile.get('cpu_ms'))} "
                    f"| {_number(profile.get('sql_ms'))} |"
                )
    if languages := results.get("languages"):
        en, fr, ratio = languages["en"], languages["fr"], languages["fr_over_en"]
        lines += [
            "",
            "The dashboard in French beside English (translation's cost):",
            "",
            "| language | CPU ms | wall ms | queries | p95 ms | req/s |",
            "|---|--:|--:|--:|--:|--:|",
            *(
                f"| {name} | {_number(row['cpu_ms'])} | {_number(row['wall_ms'])} "
                f"| {row['queries']} | {_number(row['p95_ms'])} | {_number(row['rps'])} |"
                for name, row in (("English", en), ("French", fr))
            ),
            f"| French ÷ English | {_number(ratio['cpu_ms'], 3)} | {_number(ratio['wall_ms'], 3)} "
            f"| | {_number(ratio['p95_ms'], 3)} | {_number(ratio['rps'], 3)} |",
        ]
    csv, nudges = results.get("csv") or {}, results.get("nudges") or {}
    if csv:
        lines += [
            "",
            f"CSV export `{csv['path']}`: {csv['rows']:,} rows, {csv['mib']:.1f} MiB in "
            f"{csv['seconds']:.2f} s (first byte after {csv['first_byte_seconds']:.2f} s); "
            f"serving worker RSS {csv['rss_before_mib']:.0f} → {csv['rss_peak_mib']:.0f} MiB "
            f"(+{csv['rss_growth_mib']:.1f} MiB).",
        ]
    if nudges:
        lines += [
            "",
            f"Nudge planner (dry run, own process) over {nudges['active_enrolments']:,} active "
            f"enrolments: {nudges['seconds']:.2f} s, {nudges['queries']:,} queries, RSS "
            f"{nudges['rss_before_mib']:.0f} → {nudges['rss_peak_mib']:.0f} MiB "
            f"(+{nudges['rss_growth_after_first_tenth_mib']:.1f} MiB after the first tenth); "
            f"would plan {sum(nudges['planned'].values()):,} nudges.",
        ]
    lines += ["", "| budget | limit | measured | met |", "|---|--:|--:|:-:|"]
    for budget in results["budgets"]:
        sign = "≤" if budget["at_most"] else "≥"
        met = {True: "yes", False: "**MISSED**", None: "-"}[budget["met"]]
        lines.append(
            f"| {budget['label']} | {sign} {budget['limit']:g} {budget['unit']} "
            f"| {_number(budget['value'])}"
            f"{'' if budget['value'] in (None, NO_ANSWER) else ' ' + budget['unit']} | {met} |"
        )
    if results["scale"] != "full":
        lines += ["", "Budgets are set for the full scale; at this scale they only show trends."]
    return "\n".join(lines)
