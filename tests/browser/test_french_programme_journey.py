"""A learner reading the programme in French: the study pages and a quiz in
French, graded exactly as in English, and a part not yet translated shown in
English, marked for readers and editors. Desktop and phone screenshots.

The page is found through its structure and the content's own French words,
not through interface strings, which are translated separately.
"""

import pytest
from django.conf import settings
from django.utils import translation

from curriculum.models import Activity
from curriculum.selectors import programme_outline_forget
from progress import services
from progress.models import Completion, QuizAttempt
from tests.browser.conftest import log_in, screenshot
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def in_french(page, live_server) -> None:
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "fr", "url": live_server.url}]
    )


def activity_in(language: str, slug: str) -> Activity:
    with translation.override(language):
        return Activity.objects.select_related("module__stage").get(slug=slug)


def test_a_learner_studies_and_passes_the_orientation_quiz_in_french(
    page, live_server, programme, assert_accessible
):
    user = UserFactory(email="lectrice@ministere.example")
    services.enrolment_create(user=user, programme=programme)
    log_in(page, user.email)
    in_french(page, live_server)
    quiz = activity_in("fr", "orientation-quiz")

    page.goto(quiz.get_absolute_url())
    page.get_by_role("heading", name=quiz.title, exact=True).wait_for()
    for name, size in SIZES.items():
        page.set_viewport_size(size)
        screenshot(page, f"french-quiz-{name}")
    assert_accessible(page, name="French quiz")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator(".untranslated-note").count() == 0
    # Tick the correct options by their French words, whatever order they come in.
    for question in quiz.questions:
        group = page.get_by_role("group", name=question["prompt"])
        for choice in question["choices"]:
            if choice["correct"]:
                group.get_by_label(choice["text"], exact=True).check()
    page.locator("form.quiz button[type=submit]").click()
    page.locator(".result-pass").wait_for()
    screenshot(page, "french-quiz-passed")

    attempt = QuizAttempt.objects.get(enrolment__user=user)
    assert (attempt.score, attempt.passed) == (100, True)
    assert Completion.objects.filter(enrolment__user=user, activity=quiz).exists()


def test_a_part_not_yet_translated_is_shown_in_english_and_marked(
    page, live_server, programme, assert_accessible
):
    # One reading loses its French body, as a module does while being translated.
    Activity.objects.filter(slug="many-names-one-practice").update(body_translations={})
    programme_outline_forget()
    user = UserFactory(email="lecteur@ministere.example")
    services.enrolment_create(user=user, programme=programme)
    log_in(page, user.email)
    in_french(page, live_server)
    reading = activity_in("fr", "many-names-one-practice")
    english = activity_in("en", "many-names-one-practice")

    page.goto(reading.get_absolute_url())
    page.get_by_role("heading", name=reading.title, exact=True).wait_for()

    assert reading.title != english.title  # the title is still French
    # The reading, paragraph by paragraph beside its margin: every block is
    # the English text, marked as such.
    blocks = page.locator(".activity .prose")
    assert blocks.count() > 1
    assert {blocks.nth(i).get_attribute("lang") for i in range(blocks.count())} == {"en"}
    assert "Many names, one practice" in blocks.first.inner_text()
    page.locator(".untranslated-note").wait_for()
    assert_accessible(page, name="French page with an English part")
    for name, size in SIZES.items():
        page.set_viewport_size(size)
        screenshot(page, f"french-reading-untranslated-{name}")
