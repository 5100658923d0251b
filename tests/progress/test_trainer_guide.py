"""The trainer's guide (docs/trainer-guide.md) is a page for trainers, linked
from their pages and their navigation, rendered through the Markdown sanitiser."""

import pytest
from django.urls import reverse

from progress.guide import GUIDE_FILE, trainer_guide_html

pytestmark = pytest.mark.django_db

GUIDE = reverse("progress:trainer_guide")


def test_the_guide_renders_the_file_with_anchors_for_its_sections(client, trainer):
    client.force_login(trainer)

    response = client.get(GUIDE)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Trainer's guide</h1>" in html
    assert '<h2 id="marking-the-rubrics">3. Marking the rubrics</h2>' in html
    assert 'id="learners-without-a-professional-account"' in html
    assert "<table>" in html  # the milestones table of the Markdown


def test_the_guide_describes_the_levels_and_the_acceptance_rule():
    text = GUIDE_FILE.read_text(encoding="utf-8")
    for words in ("**Not yet**", "**Meets**", "**Exceeds**", "every criterion meets or exceeds"):
        assert words in text


def test_the_sanitiser_keeps_no_script_from_the_file(settings, tmp_path, monkeypatch):
    unsafe = tmp_path / "guide.md"
    unsafe.write_text("# Guide\n\n## Section\n\n<script>alert(1)</script>\n", encoding="utf-8")
    monkeypatch.setattr("progress.guide.GUIDE_FILE", unsafe)
    trainer_guide_html.cache_clear()
    try:
        html = trainer_guide_html()
    finally:
        trainer_guide_html.cache_clear()

    assert "<script" not in html
    assert '<h2 id="section">Section</h2>' in html


@pytest.mark.parametrize("page", ["progress:cohorts", "progress:reviews"])
def test_the_trainers_pages_and_navigation_link_to_the_guide(client, trainer, page):
    client.force_login(trainer)

    html = client.get(reverse(page)).content.decode()

    assert html.count(f'href="{GUIDE}') >= 2  # the navigation and the page itself


def test_a_learner_gets_no_guide_and_no_link(client, trainee):
    client.force_login(trainee)

    assert client.get(GUIDE).status_code == 404
    assert GUIDE not in client.get(reverse("progress:dashboard")).content.decode()
