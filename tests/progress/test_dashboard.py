"""The learner's dashboard for learners at every point of the time model.

The learners come from the demo seeding, so what these tests check is also
what a new user sees after `make run`.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from curriculum.models import RubricLevel
from progress import services
from progress.demo import seed_learners
from progress.models import CriterionMark, Enrolment, Nudge, Submission
from progress.selectors import learner_dashboard
from progress.timemodel import Milestone, Pace
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

STORIES = ["fresh", "on_track", "ahead", "behind", "overdue", "paused", "achieved", "self_paced"]


@pytest.fixture
def learners(programme):
    ministry = OrganisationFactory()
    trainer = MembershipFactory(organisation=ministry, role=Membership.Role.TRAINER).user
    people = {story: UserFactory(email=f"{story}@ministry.example") for story in STORIES}
    seed_learners(programme=programme, ministry=ministry, trainer=trainer, learners=people)
    return people


def dashboard_for(user):
    enrolment = Enrolment.objects.select_related("user", "programme").get(user=user)
    return learner_dashboard(enrolment, timezone.now())


PACES = [
    ("fresh", Milestone.ACQUAINTED, Pace.ON_TRACK),
    ("on_track", Milestone.E_LISTENER, Pace.ON_TRACK),
    ("ahead", Milestone.E_LISTENER, Pace.AHEAD),
    ("behind", Milestone.E_LISTENER, Pace.AT_RISK),
    ("overdue", Milestone.E_LISTENER, Pace.OVERDUE),
    ("paused", Milestone.E_LISTENER, Pace.PAUSED),
    ("achieved", None, Pace.ACHIEVED_ON_TIME),
    # Orientation done, nothing of the month's own work yet: the schedule
    # expects only a little of it after three days.
    ("self_paced", Milestone.E_LISTENER, Pace.ON_TRACK),
]


def test_each_learner_sees_their_own_pace(learners):
    # One seeding for every story: seeding is the slow part.
    for story, next_milestone, pace in PACES:
        data = dashboard_for(learners[story])
        assert (story, data.assessment.next_milestone, data.assessment.pace) == (
            story,
            next_milestone,
            pace,
        )


def test_behind_learner_reached_acquainted_late(learners):
    data = dashboard_for(learners["behind"])
    assert data.assessment.for_milestone(Milestone.ACQUAINTED).status == Pace.ACHIEVED_LATE


def test_achieved_learner_has_all_three_milestones_a_stable_following_and_a_completed_enrolment(
    learners,
):
    data = dashboard_for(learners["achieved"])
    assert [m.status for m in data.assessment.milestones] == [Pace.ACHIEVED_ON_TIME] * 3
    assert data.stable_following
    assert data.enrolment.status == Enrolment.Status.COMPLETED
    assert data.state.next_activity is None
    assert all(stage.percent == 100 for stage in data.competence_stages)


def test_the_demo_trainers_reviews_mark_every_criterion(learners):
    accepted = Submission.objects.filter(
        enrolment__user=learners["achieved"], status=Submission.Status.ACCEPTED
    ).prefetch_related("marks", "activity__criteria")
    assert accepted
    for submission in accepted:
        marked = {mark.criterion_id for mark in submission.marks.all()}
        assert marked == {criterion.pk for criterion in submission.activity.criteria.all()}
    levels = set(CriterionMark.objects.values_list("level", flat=True))
    assert levels == {RubricLevel.MEETS, RubricLevel.EXCEEDS}


SENTENCES = [
    ("fresh", "You are on track for Acquainted, due "),
    ("on_track", "You are on track for e-Listener, due "),
    ("behind", "You are behind pace for e-Listener, due "),
    ("overdue", "e-Listener was due on "),
    ("paused", "Your programme is paused: paused time does not count against you."),
    ("achieved", "You have reached all three milestones: you are an active e-diplomat."),
]


def test_dashboard_page_says_where_the_learner_stands_in_plain_language(client, learners):
    for story, sentence in SENTENCES:
        client.force_login(learners[story])
        response = client.get(reverse("progress:dashboard"))
        assert response.status_code == 200
        assert sentence in response.content.decode(), story


def test_dashboard_offers_the_next_activity_one_click_away(client, learners):
    client.force_login(learners["on_track"])
    html = client.get(reverse("progress:dashboard")).content.decode()
    next_activity = dashboard_for(learners["on_track"]).state.next_activity
    assert f'href="{next_activity.get_absolute_url()}"' in html


def test_dashboard_charts_are_svg_with_text_alternatives(client, learners):
    client.force_login(learners["achieved"])
    html = client.get(reverse("progress:dashboard")).content.decode()
    assert html.count('role="img"') == 3, "timeline, listening calendar, check-ins"
    assert 'aria-labelledby="timeline-title timeline-desc"' in html
    assert "Active e-diplomat: achieved" in html
    assert "Check-ins as a table" in html


def test_signed_in_learner_lands_on_the_dashboard(client, learners):
    client.force_login(learners["fresh"])
    response = client.get("/")
    assert response.url == reverse("progress:dashboard")


def test_learner_without_enrolment_is_sent_to_start_the_programme(client, self_paced, programme):
    client.force_login(self_paced)
    response = client.get(reverse("progress:dashboard"))
    assert response.url == reverse("progress:programme")


def test_learner_pauses_and_resumes_from_the_dashboard(client, learners):
    user = learners["on_track"]
    client.force_login(user)
    client.post(reverse("progress:pause"), {"reason": "Home leave"})
    assert dashboard_for(user).assessment.pace == Pace.PAUSED
    response = client.post(reverse("progress:resume"), follow=True)
    assert "running again" in response.content.decode()
    assert dashboard_for(user).assessment.pace != Pace.PAUSED


def test_pausing_twice_is_refused_with_a_message(client, learners):
    client.force_login(learners["paused"])
    response = client.post(reverse("progress:pause"), follow=True)
    assert "Only an active enrolment can be paused." in response.content.decode()


def test_dashboard_runs_the_same_queries_for_a_long_and_a_short_history(
    client, learners, django_assert_max_num_queries
):
    # session, user, the enrolment in the default programme (with its programme
    # and user), roles and unread notifications (navigation), then
    # learner_dashboard's ten: completions,
    # achievements, pauses, check-ins, listening days, the listening logs'
    # required days, recent history, recent notifications and their
    # enrolments' pauses (the outline is built once per process and content
    # version, here by the first request).
    counts = {}
    for story in ("fresh", "achieved"):
        client.force_login(learners[story])
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("progress:dashboard")).status_code == 200
        counts[story] = len(captured)
    assert counts["fresh"] == counts["achieved"], counts
    with django_assert_max_num_queries(15):  # 5 + 10
        client.get(reverse("progress:dashboard"))


# The dashboard's body is cached for a minute, keyed on what changes it.


def without_csrf_tokens(html: str) -> str:
    # A token is masked afresh on every response; the secret behind it is the same.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_a_reload_is_served_from_the_cache_without_reading_the_history(client, learners):
    client.force_login(learners["achieved"])
    url = reverse("progress:dashboard")
    with CaptureQueriesContext(connection) as first:
        fresh = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as second:
        cached = client.get(url).content.decode()

    assert without_csrf_tokens(cached) == without_csrf_tokens(fresh)
    read = [query["sql"] for query in second.captured_queries]
    assert len(read) < len(first.captured_queries)
    assert not [sql for sql in read if "progress_completion" in sql or "progress_history" in sql]


def test_what_the_learner_does_shows_on_the_dashboard_at_once(client, learners):
    user = learners["fresh"]
    client.force_login(user)
    url = reverse("progress:dashboard")
    before = client.get(url).content.decode()
    enrolment = Enrolment.objects.get(user=user)
    reading = dashboard_for(user).state.next_activity
    assert reading.kind == "reading"
    assert f"Completed “{reading.title}”" not in before

    services.reading_mark_read(enrolment=enrolment, activity=reading)

    assert f"Completed “{reading.title}”" in client.get(url).content.decode()


def test_a_new_notification_shows_on_the_dashboard_at_once(client, learners):
    user = learners["on_track"]
    Nudge.objects.filter(recipient=user).delete()
    client.force_login(user)
    url = reverse("progress:dashboard")
    assert "No notifications yet." in client.get(url).content.decode()

    Nudge.objects.create(
        recipient=user,
        rule=Nudge.Rule.WELCOME,
        subject="cache-test",
        period="once",
        status=Nudge.Status.SENT,
        not_before=timezone.now(),
        created_at=timezone.now(),
        sent_at=timezone.now(),
    )

    html = client.get(url).content.decode()
    assert "No notifications yet." not in html
    assert '<span class="pill pill-info">New</span>' in html


def test_pausing_shows_the_pause_and_its_message_at_once(client, learners):
    client.force_login(learners["on_track"])
    url = reverse("progress:dashboard")
    assert "Pause my programme" in client.get(url).content.decode()

    html = client.post(reverse("progress:pause"), {"reason": "Home leave"}, follow=True)
    html = html.content.decode()

    assert "Your programme is paused. Your due dates wait for you." in html
    assert "Paused since" in html and "(Home leave)" in html
    assert "Your programme is paused: paused time does not count against you." in html


def test_two_learners_never_see_each_others_dashboard(client, learners):
    for story in ("ahead", "behind"):
        client.force_login(learners[story])
        html = client.get(reverse("progress:dashboard")).content.decode()
        other = "behind" if story == "ahead" else "ahead"
        assert f"Welcome back, {learners[story].get_short_name()}" in html or (
            f"Welcome, {learners[story].get_short_name()}" in html
        )
        assert learners[other].get_short_name() not in html


SVG_NUMBERS = re.compile(r'\s(?:x|y|cx|cy|x1|x2|y1|y2|r|rx|width|height)="([^"]*)"')


@pytest.mark.parametrize("language", ["fr", "es"])
def test_chart_coordinates_keep_a_decimal_point_in_every_language(client, learners, language):
    client.force_login(learners["achieved"])
    response = client.get(reverse("progress:dashboard"), HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert f'<html lang="{language}" dir="ltr">' in html
    charts = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(charts) == 3
    numbers = [value for chart in charts for value in SVG_NUMBERS.findall(chart)]
    assert any("." in value for value in numbers), "some coordinate has decimals"
    assert all(re.fullmatch(r"-?\d+(\.\d+)?", value) for value in numbers), numbers


@pytest.mark.parametrize("persona", ["trainer", "org_admin", "staff"])
def test_people_who_train_or_administer_land_on_their_cohorts(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/")
    assert response.url == reverse("progress:cohorts")
