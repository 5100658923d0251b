"""A token sees its own organisation and nothing else.

Every URL pattern of the API is walked, so an endpoint added later is checked
without a line here: each is opened with another organisation's object in
its path, with every method it takes, and must answer 404, a problem, and
change nothing. A pattern whose object this test cannot name fails, asking
for one in OBJECTS.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.models import AuditEvent, Membership
from progress.models import Completion, Enrolment
from tests.api.conftest import Side

pytestmark = pytest.mark.django_db

# The object of a pattern, by the name of its URL: what the other
# organisation's token must never reach.
OBJECTS = {
    "organisation": lambda side: side.organisation.slug,
    "person": lambda side: Membership.objects.filter(organisation=side.organisation).first().pk,
    "cohort": lambda side: side.cohort.pk,
    "enrolment": lambda side: side.enrolments[0].pk,
    "completion": lambda side: completion_of(side).pk,
}


def completion_of(side: Side) -> Completion:
    activity = side.cohort.programme.stages.first().modules.first().activities.first()
    return Completion.objects.get_or_create(
        enrolment=side.enrolments[0], activity=activity, defaults={"completed_at": timezone.now()}
    )[0]


def api_patterns() -> list[tuple[str, str, list[str]]]:
    """(name, route, converters' names) of every pattern under the apiv1 namespace."""
    found = []

    def walk(patterns, prefix: str, inside: bool) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route, inside or pattern.namespace == "apiv1")
            elif isinstance(pattern, URLPattern) and inside:
                found.append((pattern.name, route, list(pattern.pattern.regex.groupindex)))

    walk(get_resolver().url_patterns, "", False)
    return found


def with_object(route: str, value) -> str:
    """The route as a path, its one parameter filled in."""
    path = re.sub(r"\(\?P<\w+>[^)]*\)", str(value), route)
    return "/" + path.lstrip("^").replace("\\.", ".").replace("$", "").replace("^", "")


def detail_paths(side: Side) -> list[tuple[str, str, set[str]]]:
    paths = []
    for name, route, parameters in api_patterns():
        if not parameters:
            continue
        if "format" in parameters:
            continue  # the same view with a suffix (.json): checked without it
        basename = name.rsplit("-", 1)[0]
        assert basename in OBJECTS, f"{name}: name the object it opens in OBJECTS"
        view = get_resolver().resolve(with_object(route, OBJECTS[basename](side))).func
        methods = {m.upper() for m in getattr(view, "actions", {}) or {"get": None}}
        paths.append((name, with_object(route, OBJECTS[basename](side)), methods))
    return paths


def test_the_walk_finds_the_endpoints():
    names = {name for name, _, parameters in api_patterns() if parameters}

    assert {"cohort-detail", "cohort-learners", "enrolment-withdraw", "person-detail"} <= names


def state():
    return (
        list(Enrolment.objects.order_by("pk").values_list("pk", "status", "cohort_id")),
        list(Membership.objects.order_by("pk").values_list("pk", "role")),
        AuditEvent.objects.count(),
    )


def test_every_object_of_another_organisation_answers_404(api, ours, theirs):
    before = state()
    checked = []

    for name, path, methods in detail_paths(theirs):
        for method in sorted(methods):
            response = getattr(api, method.lower())(path, {}, content_type="application/json")
            assert response.status_code == 404, (name, method, path, response.status_code)
            assert response["Content-Type"] == "application/problem+json"
            checked.append((name, method))

    assert state() == before
    assert ("enrolment-withdraw", "POST") in checked
    assert ("cohort-learners", "POST") in checked
    assert {
        ("person-detail", "PATCH"),
        ("person-detail", "DELETE"),
        ("cohort-detail", "PATCH"),
    } <= set(checked)
    assert len(checked) >= 10


def test_the_same_walk_opens_the_tokens_own_objects(api, ours, theirs):
    # The control: the paths above exist and answer for their own organisation.
    for name, path, methods in detail_paths(ours):
        if "GET" in methods:
            assert api.get(path).status_code == 200, (name, path)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/enrolments/?cohort={cohort}",
        "/api/v1/completions/?cohort={cohort}",
        "/api/v1/completions/?enrolment={enrolment}",
    ],
)
def test_filtering_by_another_organisations_object_finds_nothing(api, ours, theirs, path):
    completion_of(theirs)
    url = path.format(cohort=theirs.cohort.pk, enrolment=theirs.enrolments[0].pk)

    response = api.get(url)

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_the_report_counts_the_tokens_organisation_only(api, ours, theirs):
    mine = api.get("/api/v1/report/").json()
    other_cohort = api.get(f"/api/v1/report/?cohort={theirs.cohort.pk}").json()

    assert mine["enrolled"] == len(ours.enrolments)
    assert [row["cohort"] for row in mine["cohorts"]] == [ours.cohort.pk]
    assert other_cohort["enrolled"] == 0


def test_lists_hold_the_tokens_organisation_only(api, ours, theirs):
    completion_of(ours), completion_of(theirs)
    theirs_emails = {e.user.email for e in theirs.enrolments} | {theirs.admin.email}

    for path in ["/api/v1/people/", "/api/v1/enrolments/", "/api/v1/completions/"]:
        rows = api.get(path).json()["results"]
        assert rows, path
        assert not theirs_emails & {row.get("email") for row in rows}

    people = {row["email"] for row in api.get("/api/v1/people/").json()["results"]}
    assert ours.admin.email in people
    organisations = api.get("/api/v1/organisations/").json()
    assert [row["slug"] for row in organisations] == [ours.organisation.slug]


def test_a_learner_moved_to_another_organisation_is_not_added_from_here(api, ours, theirs):
    # Someone enrolled elsewhere is invited, never enrolled or named as such.
    learner = theirs.enrolments[0].user

    response = api.post(
        f"/api/v1/cohorts/{ours.cohort.pk}/learners/",
        {"learners": [{"email": learner.email}]},
        content_type="application/json",
    )

    assert response.json() == {"enrolled": [], "restored": [], "invited": [learner.email]}
