"""The study pages through the test client: access, each activity kind's page and
form (post, redirect, message; invalid input beside its field), 404s that never
leak, escaping of what learners write, and query budgets that do not grow with a
learner's history."""

import datetime
import html as htmllib
import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from curriculum.models import Activity, Resource
from progress import services
from progress.models import (
    Completion,
    Enrolment,
    Follow,
    FollowingCheckin,
    HistoryEvent,
    ListeningEntry,
    QuizAttempt,
    QuizDraw,
    Reflection,
    Submission,
)
from progress.selectors import learner_progress
from tests.factories import cohort_with_learners

pytestmark = pytest.mark.django_db

Kind = Activity.Kind
XSS = "<script>alert(1)</script>"


def live(**filters) -> list[Activity]:
    return list(Activity.objects.live().filter(**filters).select_related("module__stage"))


def complete(enrolment: Enrolment, activities: list[Activity]) -> None:
    now = timezone.now()
    Completion.objects.bulk_create(
        Completion(enrolment=enrolment, activity=activity, completed_at=now)
        for activity in activities
    )


def open_the_first_four_stages(enrolment: Enrolment) -> None:
    """Orientation, the first Curate module and Collaborate done: Curate's later
    modules and Communicate are open, and every activity kind has an open page."""
    complete(
        enrolment,
        live(module__stage__slug__in=["orientation", "collaborate"])
        + live(module__stage__slug="curate", module__slug="listening-foundations"),
    )


def page_activity(enrolment: Enrolment, kind: str) -> Activity:
    """The first open activity of this kind the learner has not done (or has, if none)."""
    open_items = [
        item
        for stage in learner_progress(enrolment).stages
        if stage.unlocked
        for module in stage.modules
        for item in module.activities
        if item.activity.kind == kind
    ]
    item = next((i for i in open_items if not i.completed), None) or open_items[0]
    return Activity.objects.select_related("module__stage").get(pk=item.activity.pk)


def words(count: int) -> str:
    return " ".join(f"word{n}" for n in range(count))


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def quiz_post(client, enrolment: Enrolment, quiz: Activity, *, right: bool) -> dict:
    """Opens the quiz page as the learner does, then answers the paper it shows."""
    assert client.get(quiz.get_absolute_url()).status_code == 200
    draw = QuizDraw.objects.get(enrolment=enrolment, activity=quiz)
    data = {"draw": str(draw.pk)}
    for index, question in enumerate(draw.paper):
        choices = list(enumerate(question["choices"]))
        if right:
            data[f"q{index}"] = [str(n) for n, choice in choices if choice["correct"]]
        else:
            data[f"q{index}"] = [next(str(n) for n, choice in choices if not choice["correct"])]
    return data


@pytest.fixture
def learner(client, trainee, programme) -> Enrolment:
    """The trainee, signed in, enrolled without a cohort, with four stages open."""
    enrolment = services.enrolment_create(user=trainee, programme=programme)
    open_the_first_four_stages(enrolment)
    client.force_login(trainee)
    return enrolment


@pytest.fixture
def cohort(organisation, programme, trainer):
    # Starting today, not ten days ago as the cohort tests' does.
    return cohort_with_learners(
        0, organisation=organisation, trainer=trainer, programme=programme
    ).cohort


# Access


def study_urls() -> list[tuple[str, str]]:
    reading = live(module__stage__slug="orientation", kind=Kind.READING)[0]
    quiz = live(module__stage__slug="orientation", kind=Kind.QUIZ)[0]
    stage, module = reading.module.stage.slug, reading.module.slug
    return [
        ("get", reverse("progress:programme")),
        ("post", reverse("progress:enrol")),
        ("get", reverse("progress:continue")),
        ("get", reverse("progress:module", args=[stage, module])),
        ("get", reading.get_absolute_url()),
        ("post", reading.get_absolute_url()),
        (
            "get",
            reverse(
                "progress:quiz_result",
                args=[quiz.module.stage.slug, quiz.module.slug, quiz.slug, 1],
            ),
        ),
    ]


def test_anonymous_visitor_is_sent_to_log_in_from_every_study_url(client, programme):
    for method, url in study_urls():
        response = getattr(client, method)(url)

        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url
        assert "next=" in response.url, url
    assert not Enrolment.objects.exists()


def test_signed_in_person_without_enrolment_sees_the_enrol_page(client, trainee, programme):
    client.force_login(trainee)

    response = client.get(reverse("progress:programme"))

    assert response.status_code == 200
    assert response.templates[0].name == "progress/enrol.html"
    assert "Start the programme" in response.content.decode()


def test_person_without_enrolment_can_start_and_is_taken_to_the_first_activity(
    client, trainee, programme
):
    client.force_login(trainee)

    response = client.post(reverse("progress:enrol"), follow=True)

    first = live(module__stage__slug="orientation")[0]
    assert response.redirect_chain[-1][0] == first.get_absolute_url()
    assert response.status_code == 200
    assert "Welcome to the programme" in response.content.decode()
    assert Enrolment.objects.filter(user=trainee, programme=programme).count() == 1


def test_enrolling_twice_shows_an_info_message_not_an_error(client, trainee, programme):
    client.force_login(trainee)
    client.post(reverse("progress:enrol"))

    response = client.post(reverse("progress:enrol"), follow=True)

    assert response.status_code == 200
    assert "message-info" in response.content.decode()
    assert "You are already enrolled in this programme." in response.content.decode()
    assert Enrolment.objects.filter(user=trainee).count() == 1


def test_module_and_activity_pages_ask_to_start_first_without_enrolment(client, trainee, programme):
    client.force_login(trainee)
    reading = live(module__stage__slug="orientation", kind=Kind.READING)[0]

    for url in (reading.module.get_absolute_url(), reading.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == reverse("progress:programme")


# Each kind's page


@pytest.mark.parametrize("kind", Kind.values)
def test_each_activity_kind_page_renders_for_an_enrolled_learner(client, learner, kind):
    activity = page_activity(learner, kind)

    response = client.get(activity.get_absolute_url())

    assert response.status_code == 200
    assert f"progress/activity/{kind}.html" in [t.name for t in response.templates]
    assert htmllib.escape(activity.title) in response.content.decode()


def test_programme_and_module_pages_render(client, learner):
    module = page_activity(learner, Kind.READING).module

    assert client.get(reverse("progress:programme")).status_code == 200
    assert client.get(module.get_absolute_url()).status_code == 200


def post_reading(activity, enrolment):
    return {}, "Marked as read."


def post_resources(activity, enrolment):
    resource = activity.resources.filter(retired_at__isnull=True).first()
    return {"resource": str(resource.pk)}, f"You now follow “{resource.title}”."


def post_listening(activity, enrolment):
    return {"followed": "Our embassy feeds", "learned": "What changed"}, "listening is saved"


def post_practice(activity, enrolment):
    data = {"text": "My weekly digest", "link": "example.org/digest"}
    data.update({f"criterion_{i}": "on" for i in range(len(activity.rubric))})
    return data, "Your work is saved and the task is complete."


def post_reflection(activity, enrolment):
    return {"text": words(activity.min_words)}, "Your reflection is saved."


def post_checkin(activity, enrolment):
    return {"followers": "250", "account": "@envoy"}, "Your follower count is recorded."


POSTS = {
    Kind.READING: post_reading,
    Kind.RESOURCES: post_resources,
    Kind.LISTENING_LOG: post_listening,
    Kind.PRACTICE: post_practice,
    Kind.REFLECTION: post_reflection,
    Kind.CHECKIN: post_checkin,
}


@pytest.mark.parametrize("kind", list(POSTS))
def test_posting_each_kind_redirects_back_with_a_message(client, learner, kind):
    activity = page_activity(learner, kind)
    data, message = POSTS[kind](activity, learner)

    response = client.post(activity.get_absolute_url(), data)

    assert response.status_code == 302
    assert response.url.startswith(activity.get_absolute_url())
    assert any(message in text for text in messages_of(response))
    if kind == Kind.LISTENING_LOG:  # one day of several: recorded, not yet complete
        assert ListeningEntry.objects.filter(enrolment=learner, activity=activity).exists()
    elif kind != Kind.RESOURCES:  # core resources were completed when the stage was opened
        assert Completion.objects.filter(enrolment=learner, activity=activity).exists()


def test_posting_a_quiz_redirects_to_its_result(client, learner):
    quiz = page_activity(learner, Kind.QUIZ)

    response = client.post(
        quiz.get_absolute_url(), quiz_post(client, learner, quiz, right=True), follow=True
    )

    attempt = QuizAttempt.objects.get(enrolment=learner, activity=quiz)
    path = (quiz.module.stage.slug, quiz.module.slug, quiz.slug, attempt.pk)
    assert response.redirect_chain == [(reverse("progress:quiz_result", args=path), 302)]
    assert "You passed" in response.content.decode()
    assert Completion.objects.filter(enrolment=learner, activity=quiz).exists()


def test_quiz_post_with_garbage_values_is_graded_not_an_error(client, learner):
    quiz = page_activity(learner, Kind.QUIZ)
    data = {**quiz_post(client, learner, quiz, right=True)}
    data.update({"q0": ["abc", "99", "-1"], "q1": ["1.5"], "q999": ["0"]})

    response = client.post(quiz.get_absolute_url(), data)

    assert response.status_code == 302
    attempt = QuizAttempt.objects.get(enrolment=learner, activity=quiz)
    assert attempt.answers["0"] == [] and attempt.answers["1"] == []


def test_practice_with_a_trainer_is_submitted_for_review(client, trainee, programme, cohort):
    enrolment = services.enrolment_create(user=trainee, programme=programme, cohort=cohort)
    open_the_first_four_stages(enrolment)
    client.force_login(trainee)
    practice = page_activity(enrolment, Kind.PRACTICE)

    response = client.post(practice.get_absolute_url(), {"text": "For review", "link": ""})

    assert response.status_code == 302
    assert messages_of(response) == ["Your work is submitted. Your trainer will review it."]
    html = client.get(practice.get_absolute_url()).content.decode()
    assert "waiting for your trainer" in html

    # A second submit (an old tab, a double click) is refused with a message.
    response = client.post(practice.get_absolute_url(), {"text": "Again", "link": ""})
    assert response.status_code == 302
    assert messages_of(response) == ["Your work is already waiting for review."]
    assert Submission.objects.filter(enrolment=enrolment).count() == 1


# Invalid input


def field_block(html: str, name: str) -> str:
    """The form row holding the field `name`: from its label to its widget."""
    match = re.search(rf'<label for="id_{name}".*?name="{name}"[^>]*>', html, re.S)
    assert match, f"no field {name} on the page"
    return match.group(0)


def test_empty_listening_entry_is_shown_again_with_errors_beside_the_fields(client, learner):
    activity = page_activity(learner, Kind.LISTENING_LOG)

    response = client.post(activity.get_absolute_url(), {"followed": " ", "learned": ""})

    assert response.status_code == 400
    html = response.content.decode()
    for name in ("followed", "learned"):
        block = field_block(html, name)
        assert "This field is required." in block
        assert 'aria-invalid="true"' in block
    assert not ListeningEntry.objects.filter(enrolment=learner).exists()


def test_practice_with_neither_text_nor_link_is_shown_again_with_the_error(client, learner):
    activity = page_activity(learner, Kind.PRACTICE)

    response = client.post(activity.get_absolute_url(), {"text": "  ", "link": ""})

    assert response.status_code == 400
    assert re.search(
        r'class="errorlist nonfield"[^>]*>Add your work as text, a link, or both\.<',
        response.content.decode(),
    )
    assert not Submission.objects.filter(enrolment=learner).exists()


def test_practice_with_a_malformed_link_shows_the_error_beside_it(client, learner):
    activity = page_activity(learner, Kind.PRACTICE)

    response = client.post(activity.get_absolute_url(), {"text": "", "link": "not a link"})

    assert response.status_code == 400
    assert "Enter a valid URL." in field_block(response.content.decode(), "link")


@pytest.mark.parametrize("followers", ["-1", "many", ""])
def test_bad_follower_count_is_shown_again_with_the_error_beside_it(client, learner, followers):
    activity = page_activity(learner, Kind.CHECKIN)

    response = client.post(activity.get_absolute_url(), {"followers": followers, "account": ""})

    assert response.status_code == 400
    block = field_block(response.content.decode(), "followers")
    assert 'class="errorlist"' in block
    assert not FollowingCheckin.objects.filter(enrolment=learner).exists()


def test_short_reflection_is_shown_again_with_the_word_count_beside_it(client, learner):
    activity = page_activity(learner, Kind.REFLECTION)

    response = client.post(activity.get_absolute_url(), {"text": "Far too short"})

    assert response.status_code == 400
    block = field_block(response.content.decode(), "text")
    assert f"Write at least {activity.min_words} words; you have 3." in block
    assert "Far too short" in response.content.decode()  # the draft is not lost
    assert not Reflection.objects.filter(enrolment=learner).exists()


@pytest.mark.parametrize("resource", ["abc", "", "1.5"])
def test_following_a_malformed_resource_id_is_not_found(client, learner, resource):
    activity = page_activity(learner, Kind.RESOURCES)
    client.raise_request_exception = False

    response = client.post(activity.get_absolute_url(), {"resource": resource})

    assert response.status_code == 404


def test_following_another_activitys_resource_is_not_found(client, learner):
    activity = page_activity(learner, Kind.RESOURCES)
    elsewhere = Resource.objects.create(
        activity=page_activity(learner, Kind.READING),
        slug="elsewhere",
        title="A resource of another activity",
        category=Resource.Category.OTHER,
        description="Not followable from the core resources page.",
        order=1,
    )

    response = client.post(activity.get_absolute_url(), {"resource": str(elsewhere.pk)})

    assert response.status_code == 404
    assert not Follow.objects.filter(enrolment=learner).exists()


# Not found, never "exists but forbidden"


def test_quiz_result_of_another_learner_is_not_found(client, learner, self_paced, programme):
    quiz = page_activity(learner, Kind.QUIZ)
    other = services.enrolment_create(user=self_paced, programme=programme)
    open_the_first_four_stages(other)
    attempt, _ = services.quiz_submit(enrolment=other, activity=quiz, raw_answers={})
    path = (quiz.module.stage.slug, quiz.module.slug, quiz.slug, attempt.pk)

    response = client.get(reverse("progress:quiz_result", args=path))

    assert response.status_code == 404


def test_quiz_result_under_another_activitys_path_is_not_found(client, learner):
    quiz = page_activity(learner, Kind.QUIZ)
    attempt, _ = services.quiz_submit(enrolment=learner, activity=quiz, raw_answers={})
    other = live(module__stage__slug="orientation", kind=Kind.QUIZ)[0]
    assert other != quiz
    path = (other.module.stage.slug, other.module.slug, other.slug, attempt.pk)

    assert client.get(reverse("progress:quiz_result", args=path)).status_code == 404


def test_quiz_result_without_enrolment_is_not_found(client, outsider, learner):
    quiz = page_activity(learner, Kind.QUIZ)
    attempt, _ = services.quiz_submit(enrolment=learner, activity=quiz, raw_answers={})
    client.force_login(outsider)
    path = (quiz.module.stage.slug, quiz.module.slug, quiz.slug, attempt.pk)

    assert client.get(reverse("progress:quiz_result", args=path)).status_code == 404


@pytest.mark.parametrize("broken", ["stage", "module", "activity"])
def test_unknown_slugs_are_not_found(client, learner, broken):
    reading = page_activity(learner, Kind.READING)
    parts = {
        "stage": reading.module.stage.slug,
        "module": reading.module.slug,
        "activity": reading.slug,
    }
    parts[broken] = "no-such-thing"

    activity_url = reverse("progress:activity", args=list(parts.values()))
    assert client.get(activity_url).status_code == 404
    assert client.post(activity_url).status_code == 404
    if broken != "activity":
        module_url = reverse("progress:module", args=[parts["stage"], parts["module"]])
        assert client.get(module_url).status_code == 404


def test_activity_of_another_module_is_not_found_under_this_module(client, learner):
    reading = page_activity(learner, Kind.READING)
    other_module = live(module__stage__slug="orientation")[0].module

    url = reverse(
        "progress:activity", args=[other_module.stage.slug, other_module.slug, reading.slug]
    )

    assert client.get(url).status_code == 404


# What the pages show


def test_quiz_result_never_shows_the_right_answer_to_a_wrong_one(client, learner):
    quiz = page_activity(learner, Kind.QUIZ)

    data = quiz_post(client, learner, quiz, right=False)
    paper = QuizDraw.objects.get(enrolment=learner, activity=quiz).paper
    response = client.post(quiz.get_absolute_url(), data, follow=True)

    html = htmllib.unescape(response.content.decode())
    assert "Not quite" in html
    for question in paper:
        chosen = next(c for c in question["choices"] if not c["correct"])
        assert chosen["feedback"] in html  # feedback on what the learner picked
        for choice in question["choices"]:
            if choice["correct"]:
                assert choice["text"] not in html, question["prompt"]


def test_learner_text_is_escaped_on_the_listening_page(client, learner):
    activity = page_activity(learner, Kind.LISTENING_LOG)

    client.post(activity.get_absolute_url(), {"followed": XSS, "learned": f"Line one\n{XSS}"})
    html = client.get(activity.get_absolute_url()).content.decode()

    assert XSS not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_learner_text_is_escaped_on_the_reflection_page(client, learner):
    activity = page_activity(learner, Kind.REFLECTION)

    client.post(activity.get_absolute_url(), {"text": f"{XSS} {words(activity.min_words)}"})
    html = client.get(activity.get_absolute_url()).content.decode()

    assert Reflection.objects.filter(enrolment=learner).exists()
    assert XSS not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_learner_text_is_escaped_on_the_practice_page(client, learner):
    activity = page_activity(learner, Kind.PRACTICE)

    client.post(activity.get_absolute_url(), {"text": XSS, "link": ""})
    html = client.get(activity.get_absolute_url()).content.decode()

    assert Submission.objects.filter(enrolment=learner).exists()
    assert XSS not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_javascript_link_is_refused_for_practice_work(client, learner):
    activity = page_activity(learner, Kind.PRACTICE)

    response = client.post(activity.get_absolute_url(), {"text": "", "link": "javascript:alert(1)"})

    assert response.status_code == 400
    assert not Submission.objects.filter(enrolment=learner).exists()


# Query budgets: measured for a short history, then again once the same learner
# has a long one; the counts must be equal, and within the budget.
#
# Every study page starts with the same queries:
#   1 session, 2 user,
#   3 the learner's enrolment in the default programme (with its cohort,
#     programme and user),
#   4 the learner's completed activity ids
# (the outline is built once per process and content version, here by the
# warm-up requests); and base.html ends with
#   the signed-in person's memberships (the navigation's roles) and
#   their unread notifications count.
# An activity page adds the activity with its body, then activity_detail's
# queries for its kind (none for a reading).
BUDGETS = {
    "programme": 6,  # the common six
    "module": 6,  # the common six
    # + the activity; the margin's threads: the person's roles, whether the
    # commons is open to them (a learner without a cohort), the threads
    Kind.READING: 10,
    # + the activity, the attempts (times and scores), the grants, then the
    # open paper: savepoint, the enrolment locked, its draw, release
    Kind.QUIZ: 13,
    Kind.RESOURCES: 9,  # + the activity, its live resources, the learner's follows
    Kind.LISTENING_LOG: 8,  # + the activity, the learner's entries
    Kind.PRACTICE: 10,  # + the activity, its rubric, submissions with reviewers, their marks
    Kind.SIMULATION: 11,  # as practice, + the learner's sandbox runs of it
    Kind.REFLECTION: 8,  # + the activity, the learner's reflection
    Kind.CHECKIN: 9,  # + the activity, the learner's check-ins, alternative evidence
    Kind.DISCUSSION: 8,  # + the activity, the reading it is about
}


def page_urls(enrolment: Enrolment) -> dict[str, str]:
    urls = {kind: page_activity(enrolment, kind).get_absolute_url() for kind in Kind.values}
    urls["programme"] = reverse("progress:programme")
    urls["module"] = page_activity(enrolment, Kind.READING).module.get_absolute_url()
    return urls


def add_a_long_history(enrolment: Enrolment, reviewer) -> None:
    """A year's worth of work, written directly: quiz attempts, listening entries,
    check-ins, returned submissions, follows, history and many more completions."""
    now = timezone.now()
    today = enrolment.local_today(now)
    on_page = {page_activity(enrolment, kind).pk for kind in Kind.values}
    by_kind = {kind: page_activity(enrolment, kind) for kind in Kind.values}
    complete(
        enrolment,
        [
            activity
            for activity in live()
            if activity.pk not in on_page
            and not Completion.objects.filter(enrolment=enrolment, activity=activity).exists()
        ],
    )
    QuizAttempt.objects.bulk_create(
        QuizAttempt(
            enrolment=enrolment,
            activity=by_kind[Kind.QUIZ],
            answers={},
            score=n % 70,
            passed=False,
            created_at=now - datetime.timedelta(minutes=n),
        )
        for n in range(200)
    )
    ListeningEntry.objects.bulk_create(
        ListeningEntry(
            enrolment=enrolment,
            activity=by_kind[Kind.LISTENING_LOG],
            day=today - datetime.timedelta(days=n),
            followed=f"Feeds {n}",
            learned=f"Lesson {n}",
            created_at=now,
            updated_at=now,
        )
        for n in range(1, 61)
    )
    FollowingCheckin.objects.bulk_create(
        FollowingCheckin(
            enrolment=enrolment,
            recorded_on=today - datetime.timedelta(days=10 * n),
            followers=100 + n,
            created_at=now,
        )
        for n in range(1, 31)
    )
    Submission.objects.bulk_create(
        Submission(
            enrolment=enrolment,
            activity=by_kind[Kind.PRACTICE],
            text=f"Version {n}",
            status=Submission.Status.RETURNED,
            feedback="Try again.",
            reviewed_by=reviewer,
            reviewed_at=now,
            created_at=now - datetime.timedelta(days=n),
        )
        for n in range(25)
    )
    Follow.objects.bulk_create(
        Follow(enrolment=enrolment, resource=resource, created_at=now)
        for resource in by_kind[Kind.RESOURCES].resources.all()
    )
    Reflection.objects.create(
        enrolment=enrolment,
        activity=by_kind[Kind.REFLECTION],
        text=words(300),
        created_at=now,
        updated_at=now,
    )
    HistoryEvent.objects.bulk_create(
        HistoryEvent(
            enrolment=enrolment, kind=HistoryEvent.Kind.LOGGED, summary="Logged", created_at=now
        )
        for _ in range(300)
    )
    assert Completion.objects.filter(enrolment=enrolment).count() > 60


def queries_for(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in captured.captured_queries]


def test_study_pages_stay_within_their_query_budgets_whatever_the_history(
    client, learner, trainer, django_assert_max_num_queries
):
    pages = page_urls(learner)
    assert set(pages) == set(BUDGETS)
    for url in pages.values():
        client.get(url)  # warm per-process caches (templates, content types)
    short = {page: queries_for(client, url) for page, url in pages.items()}

    add_a_long_history(learner, trainer)

    for page, url in pages.items():
        with django_assert_max_num_queries(BUDGETS[page]):
            long = queries_for(client, url)
        assert len(long) == len(short[page]), (page, long)


# Which programme a learner's pages show


def test_a_learner_keeps_their_programme_when_its_slug_changes(client, learner, programme):
    # No programme under the default slug: the first one is the default.
    type(programme).objects.filter(pk=programme.pk).update(slug="renamed")

    assert client.get(reverse("progress:dashboard")).status_code == 200
    assert client.get(reverse("progress:programme")).context["enrolment"] == learner


def test_pages_answer_404_while_no_programme_is_loaded(client, trainee, programme):
    client.force_login(trainee)
    type(programme).objects.all().delete()

    for name in ("progress:dashboard", "progress:programme"):
        response = client.get(reverse(name))
        assert response.status_code == 404, name
