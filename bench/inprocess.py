"""Measuring a page in-process, one request at a time, with Django's test
client: less sensitive to a busy machine than latency under load, since CPU
time counts only this process's work."""

import statistics
import time


class BenchError(Exception):
    """Something that stops the benchmark (not a missed budget)."""


def profile_clients(path: str, clients: list) -> dict:
    """Medians of one request per warmed test client: the most queries, and
    the CPU, SQL and wall time of a request. Raises BenchError on any answer
    but 200."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    queries, cpu, wall, sql = [], [], [], []
    for client in clients:
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(path)
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        if response.status_code != 200:
            raise BenchError(f"{path} answered {response.status_code} in-process")
        queries.append(len(captured))
        sql.append(sum(float(query["time"]) for query in captured.captured_queries))
    return {
        "queries": max(queries),
        "cpu_ms": round(1000 * statistics.median(cpu), 1),
        "sql_ms": round(1000 * statistics.median(sql), 1),
        "wall_ms": round(1000 * statistics.median(wall), 1),
    }
