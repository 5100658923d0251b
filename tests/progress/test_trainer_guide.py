"""The trainer's guide (docs/trainer-guide.md, and its translations
docs/trainer-guide.<lang>.md) is a page for trainers, linked from their pages
and their navigation, rendered through the Markdown sanitiser, in the
trainer's language when the guide has been translated into it."""

import pytest
from django.urls import reverse

from ediplomacy.lib.translations import CONTENT_LANGUAGES
from progress import services
from progress.guide import GUIDE_FILE, guide_file, trainer_guide_in
from tests.factories import enrol
from tests.progress.cohort_world import practice

pytestmark = pytest.mark.django_db

GUIDE = reverse("progress:trainer_guide")
TRANSLATED = [language for language in CONTENT_LANGUAGES if guide_file(language).exists()]


@pytest.fixture
def submission(cohort):
    """Practice work waiting for the trainer's review."""
    return services.practice_submit(
        enrolment=enrol(cohort, "ada@mfa.example", "Ada"),
        activity=practice(),
        text="A list",
        link="",
    )


@pytest.fixture
def guide_cache():
    trainer_guide_in.cache_clear()
    yield
    trainer_guide_in.cache_clear()


def test_the_guide_renders_the_file_with_anchors_for_its_sections(client, trainer):
    client.force_login(trainer)

    response = client.get(GUIDE)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Trainer's guide</h1>" in html
    assert '<h2 id="marking-the-rubrics">3. Marking the rubrics</h2>' in html
    assert 'id="learners-without-a-professional-account"' in html
    assert "<table>" in html  # the milestones table of the Markdown
    assert "untranslated-note" not in html
    assert '<article class="prose guide">' in html


def test_the_guide_describes_the_levels_and_the_acceptance_rule():
    text = GUIDE_FILE.read_text(encoding="utf-8")
    for words in ("**Not yet**", "**Meets**", "**Exceeds**", "every criterion meets or exceeds"):
        assert words in text


def test_the_sanitiser_keeps_no_script_from_the_file(tmp_path, monkeypatch, guide_cache):
    unsafe = tmp_path / "guide.md"
    unsafe.write_text("# Guide\n\n## Section\n\n<script>alert(1)</script>\n", encoding="utf-8")
    monkeypatch.setattr("progress.guide.GUIDE_FILE", unsafe)

    html = trainer_guide_in(None).html

    assert "<script" not in html
    assert '<h2 id="section">Section</h2>' in html


def test_only_headings_keep_an_id_written_in_the_file(tmp_path, monkeypatch, guide_cache):
    source = tmp_path / "trainer-guide.md"
    source.write_text("# Guide\n\n## Section\n\nText.\n", encoding="utf-8")
    (tmp_path / "trainer-guide.fr.md").write_text(
        "# Guide\n\n## Partie {#section}\n\nTexte {#forged} et *mot*{#other}.\n",
        encoding="utf-8",
    )
    monkeypatch.setattr("progress.guide.GUIDE_FILE", source)

    html = trainer_guide_in("fr").html

    assert '<h2 id="section">Partie</h2>' in html
    assert html.count("id=") == 1


# The French guide, falling behind the English one (a section added in English
# and not yet in French), would send a French trainer's link nowhere: every
# translation must name the English sections' anchors, in the same order.
def test_the_guide_is_translated_into_every_content_language():
    assert set(TRANSLATED) == set(CONTENT_LANGUAGES)


@pytest.mark.parametrize("language", CONTENT_LANGUAGES)
def test_every_translated_guide_has_the_english_sections(language):
    english = trainer_guide_in(None)
    translated = trainer_guide_in(language)

    assert len(english.anchors) >= 15
    assert translated.anchors == english.anchors
    assert translated.untranslated == ()
    assert translated.html != english.html


def test_a_guide_missing_a_section_shows_a_different_list(tmp_path, monkeypatch, guide_cache):
    source = tmp_path / "trainer-guide.md"
    source.write_text("# Guide\n\n## One\n\n## Two\n\n### Two and a half\n", encoding="utf-8")
    (tmp_path / "trainer-guide.es.md").write_text(
        "# Guía\n\n## Uno {#one}\n\n## Dos\n", encoding="utf-8"
    )
    monkeypatch.setattr("progress.guide.GUIDE_FILE", source)

    assert trainer_guide_in(None).anchors == ["one", "two", "two-and-a-half"]
    assert trainer_guide_in("es").anchors == ["one", "dos"]


@pytest.mark.parametrize(
    ("language", "title", "heading", "link_words"),
    [
        (
            "fr",
            "Guide du formateur",
            '<h2 id="marking-the-rubrics">3. Évaluer au regard des grilles</h2>',
            "Comment évaluer au regard de la grille",
        ),
        (
            "es",
            "Guía del formador",
            '<h2 id="marking-the-rubrics">3. Calificar según las rúbricas</h2>',
            "Cómo calificar según la rúbrica",
        ),
        (
            "ru",
            "Руководство тренера",
            '<h2 id="marking-the-rubrics">3. Оценивание по критериям</h2>',
            "Как оценивать по критериям",
        ),
        (
            "zh-hans",
            "培训师指南",
            '<h2 id="marking-the-rubrics">3. 按评分标准评分</h2>',
            "如何按评分标准评分",
        ),
        (
            "ar",
            "دليل المدرّب",
            '<h2 id="marking-the-rubrics">3. التقدير وفق سلالم التقييم</h2>',
            "كيفية التقدير وفق سلّم التقييم",
        ),
    ],
)
def test_a_trainer_reads_the_guide_in_their_language_and_its_links_land_on_their_sections(
    client, trainer, submission, language, title, heading, link_words
):
    trainer.language = language
    trainer.save(update_fields=["language"])
    client.force_login(trainer)

    html = client.get(GUIDE).content.decode()
    review = client.get(reverse("progress:review", args=[submission.pk])).content.decode()

    assert f'<html lang="{language}"' in html
    assert f"<h1>{title}</h1>" in html
    assert heading in html
    assert "untranslated-note" not in html
    assert '<article class="prose guide">' in html
    # The review page, in the same language, links to that very section.
    assert f'<a href="{GUIDE}#marking-the-rubrics">{link_words}</a>' in review


# Every content language has its guide; a guide folder holding the English
# guide and no Arabic one stands for a language the guide is not yet in.
@pytest.fixture
def english_guide_only(tmp_path, monkeypatch, guide_cache):
    english = tmp_path / GUIDE_FILE.name
    english.write_text(GUIDE_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr("progress.guide.GUIDE_FILE", english)
    return english


def test_a_language_without_a_guide_reads_it_in_english_under_the_programmes_note(
    client, trainer, english_guide_only
):
    trainer.language = "ar"
    trainer.save(update_fields=["language"])
    client.force_login(trainer)

    html = client.get(GUIDE).content.decode()

    assert not guide_file("ar").exists()
    assert '<html lang="ar"' in html
    assert '<p class="untranslated-note">لم يُترجَم هذا الجزء بعد.</p>' in html
    assert '<article class="prose guide" lang="en">' in html
    assert '<h2 id="marking-the-rubrics">3. Marking the rubrics</h2>' in html


def test_the_guide_is_kept_once_per_language(guide_cache):
    french = trainer_guide_in("fr")

    assert trainer_guide_in("fr") is french
    assert trainer_guide_in("es") is not french
    assert trainer_guide_in.cache_info().currsize == 2


def test_only_the_programmes_languages_name_a_guide_file():
    with pytest.raises(ValueError):
        guide_file("../../etc/passwd")


def test_the_guide_page_runs_the_same_queries_in_every_language(
    client, trainer, django_assert_max_num_queries
):
    client.force_login(trainer)
    client.get(GUIDE)  # the first request after logging in saves the session once
    performed = {}
    for language in ("en", "fr", "ar"):
        trainer.language = language
        trainer.save(update_fields=["language"])
        # the session, the user, the roles, the unread notifications
        with django_assert_max_num_queries(4) as queries:
            assert client.get(GUIDE).status_code == 200
        performed[language] = len(queries)

    assert len(set(performed.values())) == 1, performed


@pytest.mark.parametrize("page", ["progress:cohorts", "progress:reviews"])
def test_the_trainers_pages_and_navigation_link_to_the_guide(client, trainer, page):
    client.force_login(trainer)

    html = client.get(reverse(page)).content.decode()

    assert html.count(f'href="{GUIDE}') >= 2  # the navigation and the page itself


def test_a_learner_gets_no_guide_and_no_link(client, trainee):
    client.force_login(trainee)

    assert client.get(GUIDE).status_code == 404
    assert GUIDE not in client.get(reverse("progress:dashboard")).content.decode()
