"""What the cohort tests share: the live activities, and a pasted list checked and
added as the page does. Members are enrolled with `tests.factories.enrol`."""

import datetime

from curriculum.models import Activity
from progress import services

Kind = Activity.Kind
DAY = datetime.timedelta(days=1)


def live(**filters) -> list[Activity]:
    return list(Activity.objects.live().filter(**filters).select_related("module__stage"))


def practice() -> Activity:
    return live(kind=Kind.PRACTICE)[0]


def parse_text(cohort, text: str):
    return services.learner_rows_parse(cohort=cohort, text=text)


def parse_csv(cohort, content: str | bytes):
    data = content.encode() if isinstance(content, str) else content
    return services.learner_rows_parse(cohort=cohort, csv_bytes=data)


def add(cohort, by, text: str) -> services.cohorts.AddResult:
    """Checks a pasted list as the page does, then adds it."""
    rows, problems = parse_text(cohort, text)
    assert not problems, problems
    return services.cohort_add_learners(cohort=cohort, rows=rows, by=by)
