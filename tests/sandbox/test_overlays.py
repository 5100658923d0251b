"""Scenario overlays: checked against their source with file and field, stored
per language on the row, shown field by field in the viewer's language with
English where a translation is missing, and never changing a run's results."""

import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from curriculum.models import Activity
from sandbox import engine
from sandbox.loader import SCENARIOS_DIR, ScenarioFilesError, apply_scenarios, read_scenarios
from sandbox.models import Run, Scenario
from sandbox.overlays import scenario_shape
from tests.factories import cohort_with_learners
from tests.sandbox.test_pages import REGISTER, act, consular_activity, open_stage_of

pytestmark = pytest.mark.django_db

CONSULAR_FR = "sandbox/scenarios/consular-earthquake.fr.yaml"


def _folder(tmp_path: Path, overlays: dict[str, object]) -> Path:
    """The shipped sources (without their overlays) and the given overlays."""
    folder = tmp_path / "sandbox" / "scenarios"
    folder.mkdir(parents=True)
    for path in SCENARIOS_DIR.glob("*.yaml"):
        if path.name.count(".") == 1:
            shutil.copy(path, folder / path.name)
    for name, data in overlays.items():
        (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True))
    return folder


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_shipped_overlays_translate_every_field_of_every_scenario(language):
    files = read_scenarios()

    assert len(files) == 7
    for item in files:
        done, total = item.coverage[language]
        assert total > 30 and done == total, item.data["slug"]


def test_an_overlay_is_checked_against_its_source_with_file_and_field(tmp_path):
    overlay = {
        "title": "  ",
        "platform": {"name": "Chirp", "max_chars": 140},
        "accounts": {"@nobody_here": {"name": "Personne"}},
        "events": {"ana-question": {"text": "Bonjour", "at": 4}, "no-such-event": {"text": "x"}},
        "checks": {"cleared": {"label": "Validé", "kind": "alt_text"}},
        "model_answer": [{"action": "Répondre"}],
        "debrief": "## Un titre que la source n'a pas",
    }
    folder = _folder(
        tmp_path,
        {
            "consular-earthquake.fr.yaml": overlay,
            "consular-earthquake.xx.yaml": {"title": "?"},
            "no-such-scenario.fr.yaml": {"title": "?"},
        },
    )

    with pytest.raises(ScenarioFilesError) as error:
        read_scenarios(folder)

    found = {(p.file, p.field) for p in error.value.problems}
    assert found == {
        (CONSULAR_FR, "title"),
        (CONSULAR_FR, "platform.max_chars"),
        (CONSULAR_FR, "accounts.@nobody_here"),
        (CONSULAR_FR, "events.ana-question.at"),
        (CONSULAR_FR, "events.no-such-event"),
        (CONSULAR_FR, "checks.cleared.kind"),
        (CONSULAR_FR, "model_answer"),
        (CONSULAR_FR, "debrief"),
        ("sandbox/scenarios/consular-earthquake.xx.yaml", ""),
        ("sandbox/scenarios/no-such-scenario.fr.yaml", ""),
    }


def test_an_overlay_only_holds_fields_the_source_writes():
    source = yaml.safe_load((SCENARIOS_DIR / "state-visit-disinformation.yaml").read_text())
    # A key the format may gain (another source field) is never overlay text.
    shape = scenario_shape(source | {"polls": [{"slug": "p", "question": "Why?"}]})

    assert "polls" not in shape
    # A link card by its address as the source writes it, with its picture's words.
    assert shape["links"] == {
        "https://nordavia-mfa.example/state-visit": {
            "title": source["links"][0]["title"],
            "description": source["links"][0]["description"],
            "image_alt": source["links"][0]["image_alt"],
        }
    }
    # The leak's image has a description but an empty alt text: only the first is text.
    assert shape["events"]["fake-leak"].keys() == {"text", "image"}
    assert shape["media"] == {
        "ministers-meeting": {"description": source["media"][0]["description"]}
    }
    assert "approver" not in shape  # it names no words of its own


def test_a_field_left_out_falls_back_to_english_field_by_field(programme, tmp_path):
    overlay = {
        "title": "Urgence consulaire",
        "events": {"ana-question": {"text": "Que doivent faire les Nordaviens ?"}},
        "checks": {"cleared": {"label": "Validé avant publication"}},
    }
    apply_scenarios(read_scenarios(_folder(tmp_path, {"consular-earthquake.fr.yaml": overlay})))

    with translation.override("fr"):
        row = Scenario.objects.get(slug="consular-earthquake")
        shown = row.engine
    with translation.override("en"):
        english = Scenario.objects.get(slug="consular-earthquake").engine

    assert row.title == shown.title == "Urgence consulaire"
    assert shown.summary == english.summary and shown.briefing == english.briefing
    assert shown.event("ana-question").text == "Que doivent faire les Nordaviens ?"
    assert shown.event("tomas-plea").text == english.event("tomas-plea").text
    assert [c.label for c in shown.checks][-1] == "Validé avant publication"
    assert {"summary", "briefing", "events.tomas-plea.text", "model_answer.0.action"} <= set(
        row.untranslated
    )
    assert not {"title", "events.ana-question.text", "checks.cleared.label"} & row.untranslated
    assert english.title.startswith("Consular emergency")


def test_the_approvers_default_words_speak_the_viewers_language(scenarios):
    with translation.override("fr"):
        approver = Scenario.objects.get(slug="reply-storm").engine.approver
    with translation.override("en"):
        english = Scenario.objects.get(slug="reply-storm").engine.approver

    assert english.approval == "Cleared. Go ahead."
    assert approver.approval == "Validé. Allez-y."
    assert approver.refusal.startswith("Pas encore : corrigez")


def test_the_check_reports_each_languages_coverage():
    out = StringIO()

    call_command("load_scenarios", "--check", stdout=out)

    text = out.getvalue()
    assert "7 scenarios are valid." in text
    french = text.split("  fr: ")[1].splitlines()
    assert french[0].endswith("(100%)")
    assert french[1].split() == ["consular-earthquake", "55/55", "100%"]
    # Every shipped scenario is translated whole into every language.
    for language in ("es", "ar", "ru", "zh-hans"):
        assert text.split(f"  {language}: ")[1].splitlines()[0].endswith("(100%)"), language


def _play(enrolment, scenario_clock, client) -> Run:
    """The consular scenario played through the pages with the same actions."""
    client.force_login(enrolment.user)
    scenario_clock.at(0)
    activity = consular_activity()
    open_stage_of(enrolment, activity)
    client.post(
        reverse("sandbox:start"), {"scenario": "consular-earthquake", "activity": activity.pk}
    )
    run = Run.objects.get(learner=enrolment.user)
    scenario_clock.at(5)
    text = f"@ana_travels_sim If you are safe, register: {REGISTER}"
    act(client, run, "compose", target="ana-question", reply_kind="reply", when="post", text=text)
    scenario_clock.at(13)
    act(client, run, "target", kind="report", target="@NordaviaEmbassyHelp")
    scenario_clock.at(14)
    act(client, run, "compose", when="clearance", text="Hotel Azul: we are in touch. " + REGISTER)
    scenario_clock.at(30)
    client.post(reverse("sandbox:submit", args=[run.pk]))
    return run


def test_a_run_in_french_has_the_same_results_as_in_english(client, scenarios, scenario_clock):
    group = cohort_with_learners(2)
    english, french = group.learners
    french.user.language = "fr"
    french.user.save(update_fields=["language"])

    results = {}
    for enrolment in (english, french):
        run = _play(enrolment, scenario_clock, client)
        # Read as its learner reads it: the French run in French.
        with translation.override(enrolment.user.language or "en"):
            run = Run.objects.select_related("scenario").get(pk=run.pk)
            debrief = engine.debrief(run.engine, run.actions(), run.submitted_minute)
            state = engine.replay(run.engine, run.actions(), run.submitted_minute)
        results[enrolment.user.language or "en"] = (
            [(r.slug, r.kind, r.passed, r.detail) for r in debrief.results],
            [(i.id, i.at, i.author) for i in state.timeline],
            [(d.id, d.status) for d in state.drafts],
            [{key: value for key, value in e.items() if key != "token"} for e in run.log],
        )
        page = client.get(reverse("sandbox:debrief", args=[run.pk])).content.decode()
        results[enrolment.user.language or "en"] += (page, state.drafts[0].comment)

    en, fr = results["en"], results["fr"]
    assert en[:4] == fr[:4]
    # ... while each was played in its own language, down to the approver's words.
    assert en[5].startswith("Not like this") and fr[5].startswith("Pas en l'état")
    # The draft naming the hotel came back unpublished in both: the same checks fail.
    assert [slug for slug, _, passed, _ in en[0] if not passed] == ["source-linked", "cleared"]
    assert "Automatic checks: 4 of 6 passed" in en[4]
    assert "Contrôles automatiques : 4 sur 6 réussis" in fr[4]
    assert "La ressortissante bloquée a reçu une réponse" in fr[4]
    assert "Répondre à Ana avec les éléments de langage convenus" in fr[4]
    assert "Dans une urgence consulaire" in fr[4]
    assert 'lang="en"' not in fr[4].split("<body", 1)[1]


def test_the_run_page_speaks_french_and_marks_what_is_not_translated(
    client, scenarios, scenario_clock
):
    Scenario.objects.filter(slug="consular-earthquake").update(
        translations={"fr": {"title": "Urgence consulaire", "briefing": "Vous gérez le compte."}}
    )
    run = _french_consular_run(client, scenario_clock)
    scenario_clock.at(5)

    page = client.get(reverse("sandbox:run", args=[run.pk])).content.decode()

    assert "<h1>Urgence consulaire</h1>" in page
    assert "Vous gérez le compte." in page
    # Ana's question has no French here: it is marked English, with the note.
    assert re.search(
        r'<p class="sim-text" lang="en"><(a|span) class="sim-mention"[^>]*>@NordaviaInMeridia</\1>'
        r" We&#x27;re in Port Selva",
        page,
    )
    assert "Cette partie n&#x27;est pas encore traduite." in page
    listing = client.get(reverse("sandbox:scenarios")).content.decode()
    assert "<h3>Urgence consulaire</h3>" in listing
    assert '<p lang="en">An earthquake strikes' in listing


def test_the_shipped_french_run_page_has_no_english_left(client, scenarios, scenario_clock):
    run = _french_consular_run(client, scenario_clock)
    scenario_clock.at(60)

    page = client.get(reverse("sandbox:run", args=[run.pk])).content.decode()

    assert "Urgence consulaire : un séisme à Port Selva" in page
    assert "Séisme de magnitude 6,8" in page
    assert "Agence de protection civile de Méridie" in page
    # The card under the civil protection's alert speaks French too.
    assert "Informations officielles sur les situations d&#x27;urgence en Méridie" in page
    assert 'lang="en"' not in page.split("<body", 1)[1]


CIVIL_PROTECTION = "https://civilprotection.meridia.example"


def test_a_link_card_is_translated_by_its_address_as_the_source_writes_it(tmp_path):
    overlay = {
        "links": {
            CIVIL_PROTECTION: {"title": "Protection civile", "url": "https://autre.example"},
            # The source writes it without the final slash: the key must match exactly.
            f"{CIVIL_PROTECTION}/": {"title": "Protection civile"},
            "https://nowhere.example/page": {"description": "Nulle part"},
            REGISTER: {"description": "  "},
        }
    }
    folder = _folder(tmp_path, {"consular-earthquake.fr.yaml": overlay})

    with pytest.raises(ScenarioFilesError) as error:
        read_scenarios(folder)

    assert {(p.file, p.field) for p in error.value.problems} == {
        (CONSULAR_FR, f"links.{CIVIL_PROTECTION}.url"),
        (CONSULAR_FR, f"links.{CIVIL_PROTECTION}/"),
        (CONSULAR_FR, "links.https://nowhere.example/page"),
        (CONSULAR_FR, f"links.{REGISTER}.description"),
    }


def test_a_card_shows_its_translation_and_marks_what_is_still_english(
    client, scenarios, scenario_clock
):
    Scenario.objects.filter(slug="consular-earthquake").update(
        translations={"fr": {"links": {CIVIL_PROTECTION: {"title": "Protection civile"}}}}
    )
    run = _french_consular_run(client, scenario_clock)
    scenario_clock.at(5)

    page = client.get(reverse("sandbox:run", args=[run.pk])).content.decode()

    card = page.split('<div class="sim-card">', 1)[1].split("</div>\n</div>", 1)[0]
    assert '<p class="sim-card-title">Protection civile</p>' in card
    assert '<p class="sim-card-description" lang="en">Official updates on emergencies' in card
    assert "Cette partie n&#x27;est pas encore traduite." in card
    with translation.override("fr"):
        row = Scenario.objects.get(slug="consular-earthquake")
    assert f"links.{CIVIL_PROTECTION}.description" in row.untranslated
    assert f"links.{CIVIL_PROTECTION}.title" not in row.untranslated


# --- Terms a translation adds to a personal-data check ---------------------------

SUMMIT_FR = "sandbox/scenarios/summit-live.fr.yaml"
CONSULAR_ES = "sandbox/scenarios/consular-earthquake.es.yaml"


def test_terms_in_an_overlay_are_checked_with_file_and_field(tmp_path):
    folder = _folder(
        tmp_path,
        {
            "consular-earthquake.fr.yaml": {
                "checks": {
                    "no-personal-data": {"terms": "chambre 214"},
                    "cleared": {"label": "Validé", "terms": ["validé"]},
                    "no-such-check": {"terms": ["x"]},
                }
            },
            "consular-earthquake.es.yaml": {
                "checks": {"no-personal-data": {"terms": ["habitación 214", " ", 214]}}
            },
            # Hashtags and handles are never translated: a mentions check takes no terms.
            "summit-live.fr.yaml": {"checks": {"tagged": {"terms": ["#ForumCôtier"]}}},
        },
    )

    with pytest.raises(ScenarioFilesError) as error:
        read_scenarios(folder)

    assert {(p.file, p.field) for p in error.value.problems} == {
        (CONSULAR_FR, "checks.no-personal-data.terms"),
        (CONSULAR_FR, "checks.cleared.terms"),
        (CONSULAR_FR, "checks.no-such-check"),
        (CONSULAR_ES, "checks.no-personal-data.terms[1]"),
        (CONSULAR_ES, "checks.no-personal-data.terms[2]"),
        (SUMMIT_FR, "checks.tagged.terms"),
    }


def test_every_languages_terms_are_added_to_the_check_for_every_language(programme, tmp_path):
    folder = _folder(
        tmp_path,
        {
            "consular-earthquake.fr.yaml": {
                "checks": {"no-personal-data": {"terms": ["chambre 214", "ROOM 214"]}}
            },
            "consular-earthquake.es.yaml": {
                "checks": {"no-personal-data": {"terms": [" habitación 214", "Chambre 214"]}}
            },
        },
    )
    apply_scenarios(read_scenarios(folder))

    terms = {}
    for language in ("en", "fr", "es", "ru"):
        with translation.override(language):
            shown = Scenario.objects.get(slug="consular-earthquake").engine
        terms[language] = next(c.terms for c in shown.checks if c.slug == "no-personal-data")

    # The source's, then each language's (in a fixed order), each once whatever its case.
    assert terms["en"] == (
        "Elena Varga",
        "Hotel Azul",
        "room 214",
        "habitación 214",
        "Chambre 214",
    )
    assert terms["fr"] == terms["es"] == terms["ru"] == terms["en"]
    row = Scenario.objects.get(slug="consular-earthquake")
    assert "terms" not in str(row.translations)  # only text is stored per language


def test_the_shipped_overlays_add_their_learners_forms_of_the_personal_details():
    checks = {
        (item.data["slug"], check["slug"]): check["terms"]
        for item in read_scenarios()
        for check in item.data.get("checks") or []
        if check["kind"] == "no_personal_data"
    }

    assert {"room 214", "chambre 214", "habitación 214"} <= set(
        checks["consular-earthquake", "no-personal-data"]
    )
    assert {"2 May 1951", "2 mai 1951", "2 de mayo de 1951"} <= set(
        checks["reply-storm", "no-passport-repeated"]
    )


LABELS = {
    "no-personal-data": "No citizen&#x27;s personal details were repeated in public",
    "no-passport-repeated": "The passport number and birth date were never repeated in public",
}


@pytest.mark.parametrize(
    ("language", "slug", "event", "text", "check"),
    [
        (
            "fr",
            "consular-earthquake",
            "tomas-plea",
            "@tomas_k_sim Nous contactons l'hôtel au sujet de la chambre 214.",
            "no-personal-data",
        ),
        (
            "es",
            "reply-storm",
            "passport-shared",
            "@grandpa_olek Comprobamos el visado de la persona nacida el 2 de mayo de 1951.",
            "no-passport-repeated",
        ),
    ],
)
def test_a_learner_repeating_a_detail_in_their_language_fails_the_check_in_every_language(
    client, scenarios, scenario_clock, language, slug, event, text, check
):
    group = cohort_with_learners(1)
    enrolment = group.learners[0]
    enrolment.user.language = language
    enrolment.user.save(update_fields=["language"])
    client.force_login(enrolment.user)
    scenario_clock.at(0)
    # Played for the programme's activity, so the cohort's trainer may read it.
    activity = Activity.objects.live().get(kind=Activity.Kind.SIMULATION, config__scenario=slug)
    open_stage_of(enrolment, activity)
    client.post(reverse("sandbox:start"), {"scenario": slug, "activity": activity.pk})
    run = Run.objects.get(learner=enrolment.user)
    scenario_clock.at(25)
    act(client, run, "compose", target=event, reply_kind="reply", when="post", text=text)
    client.post(reverse("sandbox:submit", args=[run.pk]))

    results = {}
    for reader in (language, "en"):
        with translation.override(reader):
            run = Run.objects.select_related("scenario").get(pk=run.pk)
            debrief = engine.debrief(run.engine, run.actions(), run.submitted_minute)
        results[reader] = {r.slug: (r.passed, r.detail) for r in debrief.results}

    assert results[language][check] == (False, {"repeated": 1})
    assert results["en"] == results[language]
    # The cohort's trainer reads the run in English: the same check failed.
    group.trainer.language = "en"
    group.trainer.save(update_fields=["language"])
    client.force_login(group.trainer)
    page = client.get(reverse("sandbox:debrief", args=[run.pk])).content.decode()
    assert re.search(
        r'<li class="sim-check-no">\s*<span class="pill pill-warn">Not yet</span>\s*'
        rf"<span>{re.escape(LABELS[check])}</span>",
        page,
    )


def _french_consular_run(client, scenario_clock) -> Run:
    """A learner reading French, signed in, who started the consular
    emergency at minute 0."""
    enrolment = cohort_with_learners(1).learners[0]
    enrolment.user.language = "fr"
    enrolment.user.save(update_fields=["language"])
    client.force_login(enrolment.user)
    scenario_clock.at(0)
    client.post(reverse("sandbox:start"), {"scenario": "consular-earthquake"})
    return Run.objects.get(learner=enrolment.user)
