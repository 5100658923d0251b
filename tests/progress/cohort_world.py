"""What the cohort tests share: a member of a cohort's organisation, enrolled in
it, the live activities, and a pasted list checked and added as the page does."""

import datetime

from accounts.models import Membership
from curriculum.models import Activity
from progress import services
from progress.models import Enrolment
from tests.factories import MembershipFactory, UserFactory

Kind = Activity.Kind
DAY = datetime.timedelta(days=1)


def member(cohort, email: str, name: str = "", **enrolment) -> Enrolment:
    """A trainee of the cohort's organisation, enrolled in it."""
    user = UserFactory(email=email, display_name=name or email.split("@")[0].title())
    MembershipFactory(user=user, organisation=cohort.organisation, role=Membership.Role.TRAINEE)
    enrolment.setdefault("started_at", cohort.starts_at)
    enrolment.setdefault("length_days", cohort.length_days)
    return services.enrolment_create(
        user=user, programme=cohort.programme, cohort=cohort, **enrolment
    )


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
