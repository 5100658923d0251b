"""A French and a Spanish trainer follow the review list's link to the
trainer's guide and land on its section on marking, in their own language,
at desktop and phone widths, axe-clean; an Arabic trainer, whose language
the guide is not yet in, reads it in English under the programme's note."""

import pytest
from django.urls import reverse

from tests.browser.conftest import log_in
from tests.browser.test_page_details import tour

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("language", "reviews", "link", "section"),
    [
        ("fr", "Évaluations", "guide du formateur", "3. Évaluer au regard des grilles"),
        ("es", "Revisiones", "guía del formador", "3. Calificar según las rúbricas"),
    ],
)
def test_a_trainer_reads_the_guide_on_marking_in_their_language(
    page, trainer, assert_accessible, language, reviews, link, section
):
    trainer.language = language
    trainer.save(update_fields=["language"])
    log_in(page, trainer.email)

    page.get_by_role("link", name=reviews, exact=True).click()
    page.get_by_role("link", name=link, exact=True).click()

    heading = page.get_by_role("heading", name=section, exact=True)
    heading.wait_for()
    assert page.url.endswith("#marking-the-rubrics")
    assert heading.get_attribute("id") == "marking-the-rubrics"
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator(".untranslated-note").count() == 0
    tour(page, assert_accessible, f"{language}-trainer-guide")


def test_a_trainer_whose_language_has_no_guide_reads_it_in_english_under_the_note(
    page, trainer, assert_accessible
):
    trainer.language = "ar"
    trainer.save(update_fields=["language"])
    log_in(page, trainer.email)

    page.goto(reverse("progress:trainer_guide") + "#marking-the-rubrics")

    page.get_by_role("heading", name="3. Marking the rubrics", exact=True).wait_for()
    assert page.locator(".untranslated-note").inner_text() == "لم يُترجَم هذا الجزء بعد."
    assert page.locator("article.guide").get_attribute("lang") == "en"
    assert page.locator("html").get_attribute("dir") == "rtl"
    tour(page, assert_accessible, "ar-trainer-guide")
