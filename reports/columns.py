"""Extra per-learner columns of the completion report, given by apps above it.

The report is this app's, but some facts about a learner belong to an app
that sits higher (peer reviews given and received are `discussions`'s).
Such an app registers its columns here in its `ready`; this app never
imports it. The report's learners table, the learners CSV and the JSON
figures then show them after their own columns, under the registered names.

A registration is a group of columns computed together: `values` takes a
list of enrolment ids and returns, for each id it knows, the value of each
column (an id left out has every column empty), in a fixed number of queries
whatever the number of ids. `totals`, if given, sums the columns over a
queryset of enrolments (the report's scope), for the JSON figures, in a
fixed number of queries too.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.functional import Promise


@dataclass(frozen=True)
class LearnerColumn:
    name: str  # stable machine name: the CSV's heading and the JSON key
    heading: str | Promise  # what a reader sees: the page's and the translated CSV's heading


@dataclass(frozen=True)
class ColumnGroup:
    columns: tuple[LearnerColumn, ...]
    values: Callable[[Sequence[int]], Mapping[int, Mapping[str, object]]]
    totals: Callable[[QuerySet], Mapping[str, object]] | None = None


_GROUPS: list[ColumnGroup] = []


def learner_columns_register(
    *,
    columns: Sequence[LearnerColumn],
    values: Callable[[Sequence[int]], Mapping[int, Mapping[str, object]]],
    totals: Callable[[QuerySet], Mapping[str, object]] | None = None,
) -> None:
    """Adds a group of columns; registering the same group again changes nothing."""
    group = ColumnGroup(columns=tuple(columns), values=values, totals=totals)
    taken = {column.name for known in _GROUPS for column in known.columns}
    if group in _GROUPS:
        return
    clashing = taken & {column.name for column in group.columns}
    if clashing:
        raise ValueError(f"report columns registered twice: {sorted(clashing)}")
    _GROUPS.append(group)


def learner_columns() -> list[LearnerColumn]:
    """Every registered column, in the order of registration."""
    return [column for group in _GROUPS for column in group.columns]


def learner_values(enrolment_ids: Sequence[int]) -> dict[int, list[object]]:
    """Each enrolment's values of every registered column, in `learner_columns`
    order (None where a group has nothing for it): a fixed number of queries
    per registered group, none without ids."""
    found: dict[int, list[object]] = {pk: [] for pk in enrolment_ids}
    for group in _GROUPS:
        values = group.values(list(enrolment_ids)) if enrolment_ids else {}
        for pk, row in found.items():
            known = values.get(pk, {})
            row.extend(known.get(column.name) for column in group.columns)
    return found


def learner_totals(enrolments: QuerySet) -> dict[str, object]:
    """The registered columns' sums over the enrolments, by machine name."""
    totals: dict[str, object] = {}
    for group in _GROUPS:
        if group.totals is not None:
            totals.update(group.totals(enrolments))
    return totals
