"""Helpers shared by tests of several apps: racing calls, and query counts that
must not grow with the data."""

import difflib
import re
import threading
from collections.abc import Callable, Sequence
from typing import NamedTuple, TypeVar

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

T = TypeVar("T")
D = TypeVar("D")  # the data a request needs
S = TypeVar("S")  # a size: a count, or a label such as "fresh"


def race(*calls: Callable[[], object]) -> list[object]:
    """Runs the calls in threads released together; returns each one's result or error.

    Each thread has its own database connection (closed at its end), so with a
    transactional test the services' own locks decide the outcome.
    """
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as error:  # the test inspects it
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive(), "a racing call hung"
    return outcomes


def queries_of(call: Callable[[], T]) -> tuple[T, list[str]]:
    """What `call` returns, and the SQL of each query it ran."""
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return result, [query["sql"] for query in captured.captured_queries]


def _shape(sql: str) -> str:
    # Ids, lists of ids and quoted values differ between the runs; what repeats
    # is the statement itself.
    sql = re.sub(r"'(?:[^']|'')*'", "'…'", sql)
    sql = re.sub(r"\bIN \([^()]*\)", "IN (…)", sql)
    return re.sub(r"\b\d+\b", "N", sql)


def assert_same_queries(small: Sequence[str], large: Sequence[str], what: str = "") -> None:
    """Fails unless both runs made as many queries, showing where they differ."""
    if len(small) == len(large):
        return
    diff = difflib.unified_diff(
        [_shape(sql) for sql in small],
        [_shape(sql) for sql in large],
        "small data",
        "large data",
        lineterm="",
    )
    pytest.fail(
        f"{what or 'the queries'}: {len(small)} with small data, {len(large)} with large data\n"
        + "\n".join(diff),
        pytrace=False,
    )


class Measured(NamedTuple):
    small: list[str]  # the SQL run with the small data
    large: list[str]  # and with the large
    result: object  # what the request returned with the large data


def assert_queries_do_not_grow(
    request: Callable[[D], object],
    grow: Callable[[S], D],
    *,
    sizes: tuple[S, S] = (3, 30),
    warm: bool = False,
) -> Measured:
    """Asserts that `request` runs as many queries with small data as with large.

    `grow(size)` makes the data for a size, adding to what there is or building
    a separate set, and returns what `request` needs (or None); it is called for
    the small size, `request` is measured, then again for the large size. With
    `warm`, each size is requested once before it is measured, so per-process
    caches and a first visit's own work do not count. On failure the message
    lists both runs' queries as a diff, so the query that repeats stands out.
    """
    measured = []
    for size in sizes:
        data = grow(size)
        if warm:
            request(data)
        measured.append(queries_of(lambda data=data: request(data)))
    (_, small), (result, large) = measured
    assert_same_queries(small, large, f"sizes {sizes[0]!r} and {sizes[1]!r}")
    return Measured(small, large, result)


def review_marks(activity, accept: bool = True) -> dict[int, str]:
    """A level for every criterion of the task's rubric that fits the decision:
    "meets" to accept, "not yet" to return."""
    level = "meets" if accept else "not_yet"
    return {criterion.pk: level for criterion in activity.rubric}


def review_post(activity, decision: str, feedback: str = "") -> dict[str, str]:
    """The review form's data: the decision, the feedback and fitting marks."""
    marks = review_marks(activity, accept=decision == "accept")
    return {
        "decision": decision,
        "feedback": feedback,
        **{f"criterion_{pk}": level for pk, level in marks.items()},
    }
