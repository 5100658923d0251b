"""A small load loop in Python, for machines without wrk (the tiny scale in CI).

`python_load` gives the same figures as `report.lua` prints for wrk: each of
`concurrency` threads keeps one connection and sends its next request as soon
as the last one answered, rotating over the sessions, for `seconds`. Python's
client is slower than wrk, so its figures are for checking that the pages
answer under load, not for comparing with the budgets.
"""

import http.client
import statistics
import threading
import time
from pathlib import Path


def _percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def python_load(
    port: int,
    path: str,
    concurrency: int,
    seconds: float,
    sessions_file: Path | None,
    *,
    headers: dict[str, str] | None = None,
) -> dict:
    """`headers` go with every request (the API's token)."""
    fixed = dict(headers or {})
    sessions = sessions_file.read_text().split() if sessions_file else []
    latencies: list[float] = []
    counts = {"not_ok": 0, "socket_errors": 0, "timeouts": 0, "bytes": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        position = number
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            request_headers = dict(fixed)
            if sessions:
                request_headers["Cookie"] = f"sessionid={sessions[position % len(sessions)]}"
                position += 1
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=request_headers)
                response = connection.getresponse()
                body = response.read()
            except TimeoutError:
                outcome, connection = "timeouts", _reconnect(connection, port)
            except (OSError, http.client.HTTPException):
                outcome, connection = "socket_errors", _reconnect(connection, port)
            else:
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed * 1000)
                    counts["bytes"] += len(body)
                    if response.status != 200:
                        counts["not_ok"] += 1
                continue
            with lock:
                counts[outcome] += 1
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    ordered = sorted(latencies)
    run = {"requests": len(ordered), "seconds": round(elapsed, 3)}
    run["rps"] = round(len(ordered) / elapsed, 2)
    if ordered:
        run.update(
            p50_ms=round(_percentile(ordered, 0.50), 2),
            p95_ms=round(_percentile(ordered, 0.95), 2),
            p99_ms=round(_percentile(ordered, 0.99), 2),
            max_ms=round(ordered[-1], 2),
            mean_ms=round(statistics.fmean(ordered), 2),
        )
    else:
        run.update(p50_ms=None, p95_ms=None, p99_ms=None, max_ms=None, mean_ms=None)
    return run | counts


def _reconnect(connection: http.client.HTTPConnection, port: int) -> http.client.HTTPConnection:
    connection.close()
    return http.client.HTTPConnection("127.0.0.1", port, timeout=30)
