"""Each list endpoint runs a fixed number of queries whatever the data size."""

import pytest
from django.utils import timezone

from progress.models import Completion
from tests.factories import enrol
from tests.helpers import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

# Every request: the token (one query, joined with its organisation and its
# maker's role), and its use noted at most once a minute (warmed away below).
# Then, per endpoint:
BUDGETS = {
    # the memberships page: the rows (with their people)
    "/api/v1/people/": 2,
    # the cohorts, with organisation and programme joined
    "/api/v1/cohorts/": 2,
    # the enrolments (learner, programme joined), their milestones (one prefetch)
    "/api/v1/enrolments/": 3,
    # the completions with activity, module, stage and competence joined
    "/api/v1/completions/": 2,
    # the cohort, its enrolments, their milestones
    "/api/v1/cohorts/{cohort}/learners/": 4,
    # the counts by cohort, the medians, the standings, the competences
    "/api/v1/report/": 5,
}


@pytest.mark.parametrize("path", sorted(BUDGETS))
def test_each_list_runs_a_fixed_number_of_queries(api, ours, path, django_assert_max_num_queries):
    activities = list(ours.cohort.programme.stages.first().modules.first().activities.all()[:3])

    def grow(size: int) -> str:
        for number in range(size):
            enrolment = enrol(ours.cohort, f"grown{size}-{number}@mfa.example")
            for activity in activities:
                Completion.objects.create(
                    enrolment=enrolment, activity=activity, completed_at=timezone.now()
                )
        return path.format(cohort=ours.cohort.pk)

    def request(url: str):
        response = api.get(url)
        assert response.status_code == 200, response.content
        return response

    measured = assert_queries_do_not_grow(request, grow, sizes=(2, 12), warm=True)

    assert len(measured.large) <= BUDGETS[path], "\n".join(measured.large)
