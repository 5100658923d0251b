"""Learning together, in real browsers: two learners and their trainer annotate
a reading, reply, mention, report and hide a post, and run a peer-review round
to the trainer's decision; a learner of another cohort sees none of it.

Each person has their own browser context. The learners' practice work is
handed in through services, to keep the test to what is new here.
"""

import pytest

from curriculum.models import Activity
from curriculum.rendering import reading_blocks
from discussions.models import PeerReview, Post, PostReport
from progress import services
from progress.models import Submission
from tests.browser.conftest import log_in, screenshot
from tests.factories import cohort_with_learners

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "Is listening online really different from reading the local press?"
REPLY = "@{name} yes: an account answers back, the press never did."
REPORTED = "Only a fool would ask that."


@pytest.fixture
def browser_for(chromium, live_server):
    contexts = []

    def open_as(email: str, *, width: int = 1280):
        context = chromium.new_context(
            base_url=live_server.url, locale="en-GB", viewport={"width": width, "height": 900}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        log_in(page, email)
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_a_cohort_learns_together_and_another_cohort_sees_none_of_it(
    browser_for, organisation, programme, trainer, assert_accessible
):
    group = cohort_with_learners(2, organisation=organisation, trainer=trainer, programme=programme)
    first, second = (enrolment.user for enrolment in group.learners)
    stranger = cohort_with_learners(1, name="Another cohort", programme=programme).learners[0]
    reading = (
        Activity.objects.live()
        .filter(module__stage__slug="orientation", kind=Activity.Kind.READING)
        .select_related("module__stage")
        .order_by("module__order", "order")[0]
    )
    paragraph = next(b for b in reading_blocks(reading.body_html) if b.tag == "p")

    # The first learner starts a thread beside a paragraph, from the keyboard.
    one = browser_for(first.email)
    one.goto(reading.get_absolute_url())
    margin = one.locator(f"#{paragraph.anchor} .margin")
    margin.locator("summary").focus()
    one.keyboard.press("Enter")
    margin.get_by_label("Start a thread on this paragraph").fill(QUESTION)
    margin.get_by_role("button", name="Post").click()
    one.locator(f"#{paragraph.anchor} .margin summary").filter(has_text="1 thread").wait_for()
    assert_accessible(one, name="reading with margins")
    screenshot(one, "discussions-reading-desktop")

    # The second learner replies and mentions the first; then the first replies rudely.
    two = browser_for(second.email)
    two.goto(reading.get_absolute_url())
    two.locator(f"#{paragraph.anchor} .margin summary").click()
    two.get_by_role("link", name=QUESTION).click()
    two.get_by_label("Your post").fill(REPLY.format(name=first.get_full_name()))
    two.get_by_role("button", name="Post the reply").click()
    two.get_by_text("Your reply is posted.").wait_for()
    reply = Post.objects.get(body__startswith="@")
    assert list(reply.mentioned.all()) == [first]
    thread_url = two.url.split("#")[0]
    one.goto(thread_url)
    one.get_by_label("Your post").fill(REPORTED)
    one.get_by_role("button", name="Post the reply").click()
    one.get_by_text("Your reply is posted.").wait_for()
    rude = Post.objects.get(body=REPORTED)

    # The second learner reports it.
    two.goto(thread_url)
    two.locator(f"#post-{rude.pk}").get_by_role("link", name="Report").click()
    two.get_by_label("What is wrong with it?").fill("Insulting.")
    two.get_by_role("button", name="Report").click()
    two.get_by_text("the moderators will look at this post").wait_for()
    assert PostReport.objects.filter(post=rude, resolved_at__isnull=True).count() == 1

    # The trainer hides it from the queue, with a reason.
    coach = browser_for(trainer.email)
    coach.goto("/discussions/moderation/")
    assert_accessible(coach, name="moderation queue")
    screenshot(coach, "discussions-moderation")
    coach.get_by_label("Reason for hiding (its author sees it)").fill("Please keep it civil.")
    coach.get_by_role("button", name="Hide the post").click()
    coach.get_by_text("No post is waiting for moderation.").wait_for()
    two.goto(thread_url)
    assert REPORTED not in two.content()
    two.get_by_text("Hidden by a moderator.").wait_for()

    # A learner of another cohort sees none of it.
    outside = browser_for(stranger.user.email)
    outside.goto(reading.get_absolute_url())
    assert QUESTION not in outside.content()
    assert outside.goto(thread_url).status == 404

    # Peer review: both hand in, each reviews the other's work, the trainer decides.
    task = Activity.objects.live().select_related("module__stage").get(slug="cyber-listening-brief")
    for enrolment in group.learners:
        services.practice_submit(
            enrolment=enrolment,
            activity=task,
            text=f"My listening brief, by {enrolment.user.get_full_name()}.",
            link="",
        )
    for page in (one, two):
        page.goto(f"/peer-review/tasks/{task.pk}/")
        page.get_by_role("button", name="Ask for work to review").click()
        page.get_by_role("link", name="Review this work").click()
        for group_box in page.locator("fieldset").all():
            group_box.locator("input[value=meets]").check()
        page.get_by_label("Your feedback").fill("Clear sources; add why each is reliable.")
        page.get_by_role("button", name="Give the review").click()
        page.get_by_text("your review is given").wait_for()
    one.goto(f"/peer-review/tasks/{task.pk}/")
    assert_accessible(one, name="peer review")
    one.get_by_text("Clear sources; add why each is reliable.").wait_for()
    assert second.get_full_name() not in one.content()  # anonymous
    screenshot(one, "discussions-peer-review")

    submission = Submission.objects.get(enrolment__user=first, activity=task)
    coach.goto(f"/reviews/{submission.pk}/")
    coach.get_by_text("What the peers said").wait_for()
    assert second.get_full_name() in coach.content()  # never anonymous to the trainer
    for group_box in coach.locator(".review-form fieldset").all():
        if group_box.locator("input[value=meets]").count():
            group_box.locator("input[value=meets]").check()
    coach.get_by_label("Accept").check()
    coach.get_by_role("button", name="Send the review").click()
    coach.wait_for_url("**/reviews/")
    submission.refresh_from_db()
    assert submission.status == Submission.Status.ACCEPTED
    assert PeerReview.objects.filter(status=PeerReview.Status.GIVEN).count() == 2

    # The reading on a phone: the margins fall under each paragraph.
    phone = browser_for(first.email, width=390)
    phone.goto(reading.get_absolute_url())
    screenshot(phone, "discussions-reading-phone")
