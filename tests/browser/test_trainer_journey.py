"""A trainer's journey: a cohort, a CSV of learners, an invitation, a review.

The trainer and the invitee each have their own browser context; the
invitee's work up to the practice task is done through services, to keep the
test fast.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from curriculum.models import Activity
from progress import services
from progress.models import Cohort, Completion, Enrolment, Invitation, Submission
from tests.browser.conftest import log_in, screenshot
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COHORT = "Digital outreach 2025"
INVITEE = "invitee@ministry.example"
INVITEE_NAME = "Ines Invitee"
BAD_CSV = f"email,display name\nnot-an-address,Nobody\n{INVITEE},{INVITEE_NAME}\n".encode()
CLEAN_CSV = f"email,display name\n{INVITEE},{INVITEE_NAME}\n".encode()
YOUR_WORK = re.compile(r"^Your work:?$")
REFLECTION = " ".join(
    [
        "Listening first matters because a ministry that speaks before it understands the "
        "conversation risks sounding out of touch, so I will follow our own accounts first."
    ]
    * 10
)
FIRST_DRAFT = (
    "My listening list: the ministry's own accounts, Twitter for Diplomats, "
    "and two counterpart ministries."
)
FEEDBACK = "Add the journalists who cover your topic, and say why each account is on the list."
REVISED = (
    FIRST_DRAFT + " I added the journalists who cover arms control, because they break "
    "the news our capital asks about, and a policy blog for the long view."
)


@pytest.fixture
def learner_page(chromium, live_server):
    """A second, separate browser: the invitee's."""
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def csv_file(content: bytes) -> dict:
    return {"name": "learners.csv", "mimeType": "text/csv", "buffer": content}


def link_in(message, pattern: str) -> str:
    match = re.search(pattern, message.body)
    assert match, message.body
    return match.group(0)


def work_up_to(enrolment: Enrolment, target: Activity) -> None:
    """Completes the orientation and the target's module up to the target, via services."""
    before = list(
        Activity.objects.live()
        .filter(module__stage__slug="orientation")
        .order_by("module__order", "order")
    ) + list(target.module.activities.live().filter(order__lt=target.order).order_by("order"))
    for activity in before:
        if activity.kind == Activity.Kind.READING:
            services.reading_mark_read(enrolment=enrolment, activity=activity)
        elif activity.kind == Activity.Kind.QUIZ:
            paper = services.quiz_attempt_open(enrolment=enrolment, activity=activity).paper
            answers = {
                str(number): [
                    index for index, choice in enumerate(question["choices"]) if choice["correct"]
                ]
                for number, question in enumerate(paper)
            }
            _, result = services.quiz_submit(
                enrolment=enrolment, activity=activity, raw_answers=answers
            )
            assert result.passed, activity.slug
        elif activity.kind == Activity.Kind.RESOURCES:
            live = activity.resources.filter(retired_at__isnull=True)
            for resource in live[: activity.required]:
                services.resource_follow(enrolment=enrolment, resource=resource)
        elif activity.kind == Activity.Kind.REFLECTION:
            services.reflection_save(enrolment=enrolment, activity=activity, text=REFLECTION)
        else:
            pytest.fail(f"no shortcut for a {activity.kind} activity ({activity.slug})")
    done = Completion.objects.filter(enrolment=enrolment, activity__in=before).count()
    assert done == len(before)


def test_trainer_invites_a_learner_and_reviews_their_practice_work(
    page,
    learner_page,
    mailoutbox,
    organisation,
    trainer,
    programme,
    assert_accessible,
    eager_celery,
):
    learner = learner_page
    today = timezone.localdate()

    # 1. The trainer creates a cohort.
    log_in(page, trainer.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cohorts").click()
    page.get_by_role("heading", name="Cohorts", exact=True).wait_for()
    page.get_by_role("link", name="New cohort").click()
    page.get_by_label("Cohort name").fill(COHORT)
    page.get_by_label("Start date").fill(today.isoformat())
    page.get_by_label("Programme length in days").fill("365")
    page.get_by_label(f"{trainer} ({trainer.email})").check()
    assert_accessible(page, name="cohort form")
    screenshot(page, "trainer-cohort-form")
    page.get_by_role("button", name="Create the cohort").click()
    page.get_by_text(f"The cohort “{COHORT}” is ready. Now add its learners.").wait_for()
    cohort = Cohort.objects.get(name=COHORT)
    assert (cohort.organisation, cohort.starts_on, cohort.length_days) == (organisation, today, 365)
    assert list(cohort.trainers.all()) == [trainer]

    # 2. A CSV with a bad row adds nothing and says which line is wrong.
    page.get_by_role("heading", name=f"Add learners to {COHORT}").wait_for()
    page.get_by_label("Or upload a CSV file").set_input_files(csv_file(BAD_CSV))
    page.get_by_role("button", name="Check and add").click()
    problems = page.get_by_role("alert").filter(has_text="Nothing was added")
    problems.wait_for()
    assert "fix 1 problem and send the list again" in problems.inner_text()
    assert "Line 2: not-an-address is not a valid e-mail address" in problems.inner_text()
    assert not Invitation.objects.exists()
    assert not mailoutbox
    assert_accessible(page, name="add learners with a bad CSV")
    screenshot(page, "trainer-add-learners-problems")

    page.get_by_label("Or upload a CSV file").set_input_files(csv_file(CLEAN_CSV))
    page.get_by_role("button", name="Check and add").click()
    page.get_by_text("Learners added: 1 invited by e-mail.").wait_for()
    page.get_by_role("heading", name=COHORT).wait_for()
    screenshot(page, "trainer-cohort-invited")

    # 3. The invitation waits.
    page.get_by_role("link", name="Invitations (1 pending)").click()
    row = page.get_by_role("row").filter(has_text=INVITEE)
    assert "Pending" in row.inner_text()
    assert INVITEE_NAME in row.inner_text()
    assert_accessible(page, name="invitations")
    screenshot(page, "trainer-invitations")

    # 4. The invitee follows the link, signs up and confirms the address.
    assert len(mailoutbox) == 1, "the invitation is e-mailed at once"
    assert mailoutbox[0].to == [INVITEE]
    invitation_link = link_in(mailoutbox[0], r"https?://\S+/invitations/[^/\s]+/")
    # The e-mail's link is on SITE_URL; follow its path on the live server.
    learner.goto(urlsplit(invitation_link).path)
    learner.get_by_role("heading", name=f"Join {COHORT}").wait_for()
    assert_accessible(learner, name="invitation")
    screenshot(learner, "invitee-invitation")
    invitation_path = urlsplit(learner.url).path
    learner.get_by_role("link", name="Create my account").click()
    # The sign-up form already holds the invited address.
    assert learner.get_by_label("Email").input_value() == INVITEE
    learner.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    learner.get_by_label("Password (again)").fill(PASSWORD)
    learner.get_by_role("button", name="Sign up").click()
    learner.get_by_role("heading", name="Check your e-mail").wait_for()

    assert len(mailoutbox) == 2, "the sign-up sends one confirmation e-mail"
    learner.goto(link_in(mailoutbox[1], r"https?://\S+/accounts/confirm-email/\S+/"))
    learner.get_by_role("button", name="Confirm").click()
    # Back on the invitation, which confirming the address has accepted.
    learner.get_by_role("heading", name=f"You are in {COHORT}").wait_for()
    assert urlsplit(learner.url).path == invitation_path
    learner.get_by_text(f"You have joined the cohort “{COHORT}”.").wait_for()
    assert_accessible(learner, name="invitation accepted")
    screenshot(learner, "invitee-joined")
    learner.get_by_role("link", name="Go to my dashboard").click()
    learner.get_by_role("heading", name="Your day, month and year").wait_for()
    assert urlsplit(learner.url).path == "/dashboard/"
    # The name the trainer gave in the CSV becomes the account's name.
    learner.get_by_role("heading", name=f"Welcome, {INVITEE_NAME}").wait_for()
    screenshot(learner, "invitee-dashboard")

    enrolment = Enrolment.objects.select_related("cohort").get(user__email=INVITEE)
    assert enrolment.cohort.name == COHORT
    assert Invitation.objects.get().status == Invitation.Status.ACCEPTED

    page.get_by_role("link", name=COHORT).last.click()
    page.get_by_role("heading", name=COHORT).wait_for()
    page.reload()
    learners = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Pace"))
    learners.get_by_role("link", name=INVITEE_NAME).wait_for()
    assert "1 learner shown." in page.get_by_role("status").last.inner_text()
    screenshot(page, "trainer-cohort-with-learner")

    # 5. The invitee reaches the first Curate module's practice task and hands in work.
    task = (
        Activity.objects.live()
        .filter(module__stage__slug="curate", kind=Activity.Kind.PRACTICE)
        .order_by("module__order", "order")
        .first()
    )
    assert task.module == task.module.stage.modules.order_by("order").first()
    work_up_to(enrolment, task)
    learner.goto(task.get_absolute_url())
    learner.get_by_role("heading", name=task.title, exact=True).wait_for()
    learner.get_by_label(YOUR_WORK).fill(FIRST_DRAFT)
    learner.get_by_role("button", name="Submit for review").click()
    learner.get_by_text("Your work is submitted. Your trainer will review it.").wait_for()
    learner.get_by_text("Your work is waiting for your trainer's review.").wait_for()
    assert_accessible(learner, name="practice task submitted")
    screenshot(learner, "invitee-practice-submitted")

    # 6. The trainer returns it: first without feedback (refused), then with it.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reviews").click()
    page.get_by_text("1 submission waiting, oldest first.").wait_for()
    queue = page.get_by_role("row").filter(has_text=task.title)
    assert COHORT in queue.inner_text()
    assert_accessible(page, name="review queue")
    queue.get_by_role("link", name=INVITEE_NAME).click()

    page.get_by_role("heading", name=task.title, level=1).wait_for()
    brief = page.get_by_role("region", name="The brief")
    assert brief.get_by_role("heading", name="Rubric").is_visible()
    for item in task.rubric:
        assert brief.get_by_text(item.name, exact=True).is_visible()
    assert FIRST_DRAFT in page.get_by_role("region", name="The work").inner_text()
    for item in task.rubric:
        group = page.get_by_role("group", name=item.name)
        group.get_by_role("radio", name=re.compile(r"^Not yet:")).check()
    page.get_by_label("Return with feedback").check()
    page.get_by_role("button", name="Send the review").click()
    feedback = page.get_by_label("Feedback to the learner")
    error = page.locator("#id_feedback_error")
    error.wait_for()
    assert "Say what to improve when you return work." in error.inner_text()
    assert "id_feedback_error" in (feedback.get_attribute("aria-describedby") or "").split()
    assert feedback.get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Return with feedback").is_checked(), "the decision is kept"
    assert_accessible(page, name="review with an error")
    screenshot(page, "trainer-review-error")
    feedback.fill(FEEDBACK)
    page.get_by_role("button", name="Send the review").click()
    page.get_by_text(f"{INVITEE_NAME}'s work is returned.").wait_for()
    page.get_by_text("Nothing is waiting for review.").wait_for()

    learner.reload()
    returned = learner.get_by_role("listitem").filter(has_text="Returned")
    returned.get_by_role("heading", name=f"Feedback from {trainer}").wait_for()
    assert FEEDBACK in returned.inner_text()
    learner.get_by_role("heading", name="Submit a revised version").wait_for()
    assert_accessible(learner, name="practice task returned")
    screenshot(learner, "invitee-practice-returned")
    learner.get_by_label(YOUR_WORK).fill(REVISED)
    learner.get_by_role("button", name="Submit for review").click()
    learner.get_by_text("Your work is submitted. Your trainer will review it.").wait_for()

    # The trainer accepts the revised version, seeing the earlier attempt beside it.
    page.goto("/reviews/")
    page.get_by_role("row").filter(has_text=task.title).get_by_role(
        "link", name=INVITEE_NAME
    ).click()
    page.get_by_role("heading", name="Earlier attempts").wait_for()
    assert FEEDBACK in page.get_by_role("region", name="The work").inner_text()
    screenshot(page, "trainer-review-revised")
    for item in task.rubric:
        group = page.get_by_role("group", name=item.name)
        group.get_by_role("radio", name=re.compile(r"^Meets:")).check()
    page.get_by_label("Accept", exact=True).check()
    page.get_by_role("button", name="Send the review").click()
    page.get_by_text(f"{INVITEE_NAME}'s work is accepted.").wait_for()

    learner.reload()
    learner.get_by_text("This task is complete.").wait_for()
    assert learner.get_by_role("table", name="Marks against the rubric").count() == 2
    assert learner.locator(".activity-header").get_by_text("Done", exact=True).is_visible()
    assert learner.get_by_role("button", name="Submit for review").count() == 0
    screenshot(learner, "invitee-practice-complete")

    submissions = Submission.objects.filter(enrolment=enrolment, activity=task)
    assert sorted(submissions.values_list("status", flat=True)) == [
        Submission.Status.ACCEPTED,
        Submission.Status.RETURNED,
    ]
    returned_work = submissions.get(status=Submission.Status.RETURNED)
    assert (returned_work.text, returned_work.feedback) == (FIRST_DRAFT, FEEDBACK)
    assert returned_work.reviewed_by == trainer
    accepted_work = submissions.get(status=Submission.Status.ACCEPTED)
    assert (accepted_work.text, accepted_work.reviewed_by) == (REVISED, trainer)
    assert Completion.objects.filter(enrolment=enrolment, activity=task).exists()
