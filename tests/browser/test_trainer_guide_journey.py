"""A trainer in each of the programme's languages follows the review list's
link to the trainer's guide and lands on its section on marking, in their own
language, at desktop and phone widths, axe-clean; an Arabic trainer, were the
guide not yet in Arabic, would read it in English under the programme's note."""

import pytest
from django.urls import reverse

from progress.guide import GUIDE_FILE, trainer_guide_in
from tests.browser.conftest import log_in
from tests.browser.test_page_details import tour

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("language", "reviews", "link", "section"),
    [
        ("fr", "Évaluations", "guide du formateur", "3. Évaluer au regard des grilles"),
        ("es", "Revisiones", "guía del formador", "3. Calificar según las rúbricas"),
        ("ru", "Оценки", "руководство тренера", "3. Оценивание по критериям"),
        ("zh-hans", "评审", "培训师指南", "3. 按评分标准评分"),
        ("ar", "التقييمات", "دليل المدرّب", "3. التقدير وفق سلالم التقييم"),
    ],
)
def test_a_trainer_reads_the_guide_on_marking_in_their_language(
    page, trainer, assert_accessible, language, reviews, link, section
):
    trainer.language = language
    trainer.save(update_fields=["language"])
    log_in(page, trainer.email)

    page.get_by_role("link", name=reviews, exact=True).click()
    # The page's own link, not the navigation's (in some languages both read the same).
    page.locator("main").get_by_role("link", name=link, exact=True).click()

    heading = page.get_by_role("heading", name=section, exact=True)
    heading.wait_for()
    assert page.url.endswith("#marking-the-rubrics")
    assert heading.get_attribute("id") == "marking-the-rubrics"
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator(".untranslated-note").count() == 0
    tour(page, assert_accessible, f"{language}-trainer-guide")


@pytest.fixture
def english_guide_only(tmp_path, monkeypatch):
    """A guide folder holding the English guide and no Arabic one: every
    content language has its guide, so this stands for one that has not."""
    english = tmp_path / GUIDE_FILE.name
    english.write_text(GUIDE_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr("progress.guide.GUIDE_FILE", english)
    trainer_guide_in.cache_clear()
    yield english
    trainer_guide_in.cache_clear()


def test_a_trainer_whose_language_has_no_guide_reads_it_in_english_under_the_note(
    page, trainer, assert_accessible, english_guide_only
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
