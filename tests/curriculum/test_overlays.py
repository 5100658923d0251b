"""Language overlays: `<file>.<lang>.yaml` next to a source, checked key by key
against it, stored per row, shown field by field in the active language with
English where a translation is missing, and never a factor in grading.

Each test starts from the small valid tree of `content_tree` and adds French
overlays to it.
"""

import random
from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from competences.models import Competence, Outcome
from curriculum.loader import apply_content, read_content
from curriculum.models import Activity, Criterion, Module, Programme, Resource, Stage
from ediplomacy.lib.translations import source_text
from progress import services
from tests.curriculum.content_tree import (
    assert_reported,
    content,
    snapshot,
)
from tests.factories import UserFactory
from tests.helpers import assert_same_queries, queries_of
from tests.progress.study import quiz_answers

pytestmark = pytest.mark.usefixtures("_no_content_yet")

FIRST_STEPS_FR = "orientation/01-first-steps.fr.yaml"
LISTENING_FR = "curate/01-listening.fr.yaml"


def first_steps_fr() -> dict:
    """A French overlay of the first module, complete but for the reading's body
    and the quiz's third question."""
    return {
        "title": "Premiers pas",
        "summary": "Par où commencer.",
        "activities": {
            "welcome": {"title": "Bienvenue"},
            "first-quiz": {
                "title": "Vérifiez votre compréhension",
                "questions": {
                    "q1": {
                        "prompt": "Quelle compétence vient en premier ?",
                        "choices": [
                            {"text": "Veiller", "feedback": "À propos de veiller."},
                            {"text": "Créer", "feedback": "À propos de créer."},
                        ],
                    },
                    "q2": {
                        "prompt": "À quel horizon l'orientation compte-t-elle ?",
                        "choices": [
                            {"text": "Jour", "feedback": "À propos du jour."},
                            {"text": "Mois", "feedback": "À propos du mois."},
                            {"text": "Année", "feedback": "À propos de l'année."},
                        ],
                    },
                },
            },
        },
    }


def listening_fr() -> dict:
    return {
        "activities": {
            "core-resources": {
                "intro": "Suivez les *deux*.",
                "resources": {"a-guide": {"title": "Un guide"}},
            },
            "listening-list": {
                "rubric": {
                    "Relevance": {
                        "criterion": "Pertinence",
                        "description": "Les sources correspondent au portefeuille.",
                        "levels": {"meets": "Chaque source correspond au sujet."},
                    }
                }
            },
        }
    }


@pytest.fixture
def french(tree):
    """The tree with French overlays of the programme, two modules and the competences."""
    tree.raw["programme.fr.yaml"] = yaml.safe_dump(
        {
            "title": "Programme d'essai",
            "stages": {"orientation": {"title": "Orientation", "summary": "Pour commencer."}},
        },
        allow_unicode=True,
    )
    tree.raw[FIRST_STEPS_FR] = yaml.safe_dump(first_steps_fr(), allow_unicode=True)
    tree.raw[LISTENING_FR] = yaml.safe_dump(listening_fr(), allow_unicode=True)
    return tree


def write_competences_fr(tree, data) -> None:
    path = tree.competences_file.with_name("competences.fr.yaml")
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


# Loading and storing.


@pytest.mark.django_db
def test_overlays_are_stored_per_row_and_a_second_load_changes_nothing(french):
    french.load()

    with source_text():
        module = Module.objects.get(slug="first-steps")
        quiz = Activity.objects.get(slug="first-quiz")
    assert module.title == "First steps"
    assert module.translations == {"fr": {"title": "Premiers pas", "summary": "Par où commencer."}}
    assert quiz.translations["fr"]["questions"]["q1"]["prompt"] == (
        "Quelle compétence vient en premier ?"
    )
    assert "body" not in Activity.objects.get(slug="welcome").translations["fr"]
    criterion = Criterion.objects.get(slug="relevance")
    assert criterion.translations["fr"]["name"] == "Pertinence"
    assert Stage.objects.get(slug="curate").translations == {}

    assert not french.load().changed


@pytest.mark.django_db
def test_a_competence_overlay_translates_names_and_outcomes_by_position(tree):
    tree.write()
    write_competences_fr(
        tree,
        {"curate": {"name": "Veiller", "outcomes": ["Un.", "Deux.", "Trois."]}},
    )
    apply_content(read_content(tree.content_dir, tree.competences_file))

    with translation.override("fr"):
        curate = Competence.objects.get(slug="curate")
        outcomes = list(Outcome.objects.filter(competence__slug="curate").order_by("order"))
    assert curate.name == "Veiller"
    assert curate.tagline == "The curate competence" and curate.untranslated == {
        "tagline",
        "description",
    }
    assert [outcome.text for outcome in outcomes] == ["Un.", "Deux.", "Trois."]


# Checking: every problem with its file and field, and nothing changed.


def overlay_key_not_in_the_source(tree):
    data = first_steps_fr()
    data["activities"]["no-such-activity"] = {"title": "Rien"}
    tree.raw[FIRST_STEPS_FR] = yaml.safe_dump(data)
    return FIRST_STEPS_FR, "activities.no-such-activity", "is not in the source"


def overlay_translating_a_number(tree):
    data = first_steps_fr()
    data["effort_minutes"] = 45
    tree.raw[FIRST_STEPS_FR] = yaml.safe_dump(data)
    return FIRST_STEPS_FR, "effort_minutes", "is not in the source"


def overlay_setting_correctness(tree):
    data = first_steps_fr()
    data["activities"]["first-quiz"]["questions"]["q1"]["choices"][0]["correct"] = False
    tree.raw[FIRST_STEPS_FR] = yaml.safe_dump(data)
    return (
        FIRST_STEPS_FR,
        "activities.first-quiz.questions.q1.choices[0].correct",
        "is not in the source",
    )


def overlay_with_a_choice_too_few(tree):
    data = first_steps_fr()
    data["activities"]["first-quiz"]["questions"]["q2"]["choices"].pop()
    tree.raw[FIRST_STEPS_FR] = yaml.safe_dump(data)
    return FIRST_STEPS_FR, "activities.first-quiz.questions.q2.choices", "must list 3 items"


def overlay_with_a_resource_url(tree):
    data = listening_fr()
    data["activities"]["core-resources"]["resources"]["a-guide"]["url"] = "https://ex.org/fr"
    tree.raw[LISTENING_FR] = yaml.safe_dump(data)
    return LISTENING_FR, "activities.core-resources.resources.a-guide.url", "is not in the source"


def overlay_with_an_empty_text(tree):
    data = first_steps_fr()
    data["summary"] = "  "
    tree.raw[FIRST_STEPS_FR] = yaml.safe_dump(data)
    return FIRST_STEPS_FR, "summary", "must be non-empty text"


def overlay_of_an_unknown_language(tree):
    tree.raw["orientation/01-first-steps.de.yaml"] = yaml.safe_dump({"title": "Erste Schritte"})
    return "orientation/01-first-steps.de.yaml", "", "no content language 'de'"


def overlay_without_a_source(tree):
    tree.raw["orientation/09-gone.fr.yaml"] = yaml.safe_dump({"title": "Disparu"})
    return "orientation/09-gone.fr.yaml", "", "has no source file"


def overlay_of_a_criterion_by_its_translated_name(tree):
    data = listening_fr()
    rubric = data["activities"]["listening-list"]["rubric"]
    rubric["Pertinence"] = rubric.pop("Relevance")
    tree.raw[LISTENING_FR] = yaml.safe_dump(data)
    return LISTENING_FR, "activities.listening-list.rubric.Pertinence", "is not in the source"


def overlay_losing_a_heading(tree):
    data = first_steps_fr()
    data["activities"]["welcome"]["body"] = "Lisez **ceci** d'abord."
    tree.raw[FIRST_STEPS_FR] = yaml.safe_dump(data)
    return FIRST_STEPS_FR, "activities.welcome.body", "has 0 headings where the source has 1"


@pytest.mark.parametrize(
    "make",
    [
        overlay_key_not_in_the_source,
        overlay_translating_a_number,
        overlay_setting_correctness,
        overlay_with_a_choice_too_few,
        overlay_with_a_resource_url,
        overlay_with_an_empty_text,
        overlay_of_an_unknown_language,
        overlay_without_a_source,
        overlay_of_a_criterion_by_its_translated_name,
        overlay_losing_a_heading,
    ],
)
def test_a_faulty_overlay_is_reported_with_its_file_and_field(french, make):
    file, field, fragment = make(french)

    assert_reported(french.problems(), content(file), field, fragment)


def test_every_faulty_overlay_is_reported_at_once(french):
    expected = [overlay_with_a_choice_too_few(french), overlay_without_a_source(french)]

    problems = french.problems()

    for file, field, fragment in expected:
        assert_reported(problems, content(file), field, fragment)


@pytest.mark.django_db
def test_a_faulty_overlay_changes_nothing(french, command_reads_tree):
    french.load()
    before = snapshot()
    data = first_steps_fr()
    data["title"] = "Tout premiers pas"  # a good change beside a bad one
    data["horizon"] = "year"
    french.raw[FIRST_STEPS_FR] = yaml.safe_dump(data)
    french.write()

    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("load_curriculum", stderr=StringIO(), stdout=StringIO())

    assert snapshot() == before


# Coverage.


def test_check_reports_coverage_per_language_and_stage(french, command_reads_tree):
    french.write()
    out = StringIO()

    call_command("load_curriculum", "--check", stdout=out, stderr=StringIO())

    lines = out.getvalue().splitlines()
    # programme.yaml: title, summary, 2 stages x (title, summary); French: 3.
    assert any(line.split() == ["programme", "3/6", "50%"] for line in lines), lines
    assert any(line.split() == ["competences", "0/18", "0%"] for line in lines), lines
    # orientation: the first module's fields, of which the overlay gives 16
    # (its title and summary, 2 activity titles, 2 prompts, 5 choices x 2).
    orientation = next(line.split() for line in lines if line.split()[0] == "orientation")
    assert orientation[1].startswith("16/"), lines
    assert any(line.strip().startswith("fr: ") for line in lines), lines


def test_check_without_overlays_says_english_only(tree, command_reads_tree):
    tree.write()
    out = StringIO()

    call_command("load_curriculum", "--check", stdout=out, stderr=StringIO())

    assert "Translations: none" in out.getvalue()


# Showing: the active language field by field, English where missing.


@pytest.mark.django_db
def test_rows_read_in_french_show_french_and_flag_what_is_english(french):
    french.load()

    with translation.override("fr"):
        module = Module.objects.get(slug="first-steps")
        welcome = Activity.objects.get(slug="welcome")
        quiz = Activity.objects.get(slug="first-quiz")
        guide = Resource.objects.get(slug="a-guide")
        relevance = Criterion.objects.get(slug="relevance")
        stage = Stage.objects.get(slug="curate")
    assert (module.title, module.summary, module.untranslated) == (
        "Premiers pas",
        "Par où commencer.",
        frozenset(),
    )
    assert welcome.title == "Bienvenue"
    assert "Read <strong>this</strong> first" in welcome.body_html
    assert welcome.untranslated == {"body"}
    assert quiz.questions[0]["prompt"] == "Quelle compétence vient en premier ?"
    assert quiz.questions[2]["prompt"] == "Which are e-tools?"
    assert [q["untranslated"] for q in quiz.questions] == [False, False, True]
    assert "questions" in quiz.untranslated
    # Correctness and order are the source's.
    assert [c["correct"] for c in quiz.questions[0]["choices"]] == [True, False]
    assert (guide.title, guide.description) == ("Un guide", "A guide to listening.")
    assert relevance.name == "Pertinence" and relevance.exceeds == "Each source says what it adds."
    assert relevance.untranslated == {"not_yet", "exceeds", "example"}
    assert (stage.title, stage.untranslated) == ("Curate", {"title", "summary"})


@pytest.mark.django_db
def test_rows_read_in_english_or_an_untranslated_language_show_the_source(french):
    french.load()

    with translation.override("en"):
        english = Module.objects.get(slug="first-steps")
    with translation.override("es"):
        spanish = Module.objects.get(slug="first-steps")

    assert english.title == spanish.title == "First steps"
    assert english.untranslated == frozenset()
    # No Spanish overlay: every field is English, and flagged as such.
    assert spanish.untranslated == {"title", "summary"}


@pytest.mark.django_db
def test_a_row_shown_in_a_translation_refuses_to_be_saved(french):
    french.load()

    with translation.override("fr"):
        module = Module.objects.get(slug="first-steps")
    with pytest.raises(ValueError, match="source_text"):
        module.save()
    with source_text():
        assert Module.objects.get(slug="first-steps").title == "First steps"


def learner_client(client, programme):
    user = UserFactory()
    enrolment = services.enrolment_create(user=user, programme=programme)
    client.force_login(user)
    return enrolment


@pytest.mark.django_db
def test_a_study_page_in_french_marks_english_fallbacks_for_readers(french, client):
    french.load()
    learner_client(client, Programme.objects.get())

    url = reverse("progress:activity", args=["orientation", "first-steps", "welcome"])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    page = response.content.decode()

    assert response.status_code == 200
    assert "<h1>Bienvenue</h1>" in page
    assert 'class="prose" lang="en"' in page
    assert 'class="untranslated-note"' in page

    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Welcome</h1>" in english and "untranslated-note" not in english


@pytest.mark.django_db
def test_a_study_page_runs_as_many_queries_in_french_as_in_english(french, client):
    french.programme["stages"][1]["unlock"] = None  # the rubric's page, open from the start
    french.load()
    learner_client(client, Programme.objects.get())
    url = reverse("progress:activity", args=["curate", "listening", "listening-list"])

    def visit(language):
        client.get(url, HTTP_ACCEPT_LANGUAGE=language)  # warm the per-language outline
        response, queries = queries_of(lambda: client.get(url, HTTP_ACCEPT_LANGUAGE=language))
        assert response.status_code == 200
        return response, queries

    _, english_queries = visit("en")
    french_page, french_queries = visit("fr")

    assert_same_queries(english_queries, french_queries, "English and French")
    assert "Pertinence" in french_page.content.decode()


# Grading never depends on the language.


@pytest.mark.django_db
def test_a_quiz_answered_in_french_grades_as_in_english(french):
    french.load()
    programme = Programme.objects.get()
    results = {}
    for language in ("en", "fr"):
        enrolment = services.enrolment_create(user=UserFactory(), programme=programme)
        with translation.override(language):
            quiz = Activity.objects.get(slug="first-quiz")
            # The same shuffle in both languages, so the same options sit in the same places.
            draw = services.quiz_attempt_open(
                enrolment=enrolment, activity=quiz, rng=random.Random(7)
            )
            attempt, result = services.quiz_submit(
                enrolment=enrolment,
                activity=quiz,
                raw_answers=quiz_answers(draw.paper, correct=2),
                draw_id=draw.pk,
            )
        results[language] = (result.score, result.passed, attempt.answers, draw.paper)

    en_score, en_passed, en_answers, en_paper = results["en"]
    fr_score, fr_passed, fr_answers, fr_paper = results["fr"]
    assert (fr_score, fr_passed) == (en_score, en_passed) == (66, False)
    # Answers are recorded by the source's choice keys: the same in both languages.
    assert fr_answers == en_answers
    assert [[(c["key"], c["correct"]) for c in q["choices"]] for q in fr_paper] == [
        [(c["key"], c["correct"]) for c in q["choices"]] for q in en_paper
    ]
    assert fr_paper[0]["prompt"] == "Quelle compétence vient en premier ?"
    assert en_paper[0]["prompt"] == "Which competence comes first?"
