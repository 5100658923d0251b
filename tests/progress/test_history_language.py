"""A learner's history is said in the reader's language: the row keeps facts,
and the dashboard, the trainer's page and the data export say the line in
the language of whoever reads it."""

import datetime
import html
import importlib
import json

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from curriculum.models import Activity
from progress import services
from progress.history import Kind, history_text
from progress.models import HistoryEvent
from progress.services.privacy import account_delete
from tests.factories import cohort_with_learners, enrol

pytestmark = pytest.mark.django_db

MOMENT = datetime.datetime(2026, 11, 9, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def enrolment(trainee, trainer, programme, organisation):
    cohort = cohort_with_learners(
        0,
        organisation=organisation,
        trainer=trainer,
        programme=programme,
        name="Printemps",
        starts_on=datetime.date(2026, 11, 1),
    ).cohort
    with time_machine.travel(MOMENT, tick=False):
        enrolment = enrol(cohort, trainee, started_at=MOMENT)
        log = Activity.objects.live().filter(kind=Activity.Kind.LISTENING_LOG).first()
        services.listening_entry_save(
            enrolment=enrolment, activity=log, followed="Feeds", learned="Context"
        )
        checkin = Activity.objects.live().filter(kind=Activity.Kind.CHECKIN).first()
        services.checkin_record(
            enrolment=enrolment, activity=checkin, followers=1234, account="@mission"
        )
    with time_machine.travel(MOMENT + datetime.timedelta(hours=1), tick=False):
        services.enrolment_pause(enrolment=enrolment, by=trainer, reason="Mission à Genève")
    with time_machine.travel(MOMENT + datetime.timedelta(hours=2), tick=False):
        services.enrolment_resume(enrolment=enrolment, by=trainer)
    return enrolment


def lines(response) -> str:
    return html.unescape(response.content.decode())


def test_a_line_is_stored_as_facts_with_its_english(enrolment):
    stored = {
        event.kind: (event.params, event.summary)
        for event in enrolment.history.exclude(kind=Kind.COMPLETED)
    }

    assert stored[Kind.LOGGED] == ({"day": "2026-11-09"}, "Logged listening for 9 November 2026")
    assert stored[Kind.CHECKED_IN] == ({"followers": 1234}, "Recorded 1,234 followers")
    assert stored[Kind.PAUSED] == ({"reason": "Mission à Genève"}, "Paused: Mission à Genève")
    assert stored[Kind.RESUMED] == ({}, "Resumed")
    assert stored[Kind.ENROLLED][0] == {}


def test_a_french_learner_reads_their_history_in_french(client, enrolment, trainee):
    trainee.language = "fr"
    trainee.save()
    client.force_login(trainee)

    page = lines(client.get(reverse("progress:dashboard")))

    assert "A consigné sa veille du 9 novembre 2026" in page
    assert "A relevé 1\xa0234 abonnés" in page
    assert "Mis en pause : Mission à Genève" in page
    assert "A repris" in page
    assert "Logged listening" not in page and "Recorded 1,234" not in page


def test_a_spanish_trainer_reads_the_learners_history_in_spanish(client, enrolment, trainer):
    trainer.language = "es"
    trainer.save()
    client.force_login(trainer)
    services.enrolment_withdraw(enrolment=enrolment, by=trainer)
    services.enrolment_restore(enrolment=enrolment, by=trainer)

    page = lines(
        client.get(reverse("progress:cohort_learner", args=[enrolment.cohort_id, enrolment.pk]))
    )

    assert "Registró su escucha del 9 de noviembre de 2026" in page
    assert "Registró 1\xa0234 seguidores" in page
    assert "En pausa: Mission à Genève" in page
    assert "Retirado de la cohorte" in page and "Reincorporado a la cohorte" in page
    assert "Withdrawn from the cohort" not in page


def test_the_data_export_says_the_history_in_the_language_of_who_asks(client, enrolment, trainee):
    client.force_login(trainee)
    trainee.language = "fr"
    trainee.save()
    french = json.loads(client.get(reverse("progress:data_export")).content)
    trainee.language = "es"
    trainee.save()
    spanish = json.loads(client.get(reverse("progress:data_export")).content)

    def said(data, kind):
        (history,) = [e["history"] for e in data["enrolments"]]
        return [(line["summary"], line["params"]) for line in history if line["kind"] == kind]

    assert said(french, "logged") == [
        ("A consigné sa veille du 9 novembre 2026", {"day": "2026-11-09"})
    ]
    assert said(spanish, "logged") == [
        ("Registró su escucha del 9 de noviembre de 2026", {"day": "2026-11-09"})
    ]
    assert said(french, "checked_in")[0][0] == "A relevé 1\xa0234 abonnés"


def test_an_activity_is_named_as_the_reader_reads_it(enrolment, programme):
    activity = Activity.objects.live().filter(kind=Activity.Kind.READING).first()
    french_title = activity.translations["fr"]["title"]
    HistoryEvent.objects.create(
        enrolment=enrolment,
        kind=Kind.COMPLETED,
        activity=activity,
        params={},
        summary="Completed “x”",
        created_at=MOMENT,
    )

    with translation.override("fr"):
        (event,) = enrolment.history.for_lines().filter(activity=activity)
        assert event.text == f"A terminé « {french_title} »"
    with translation.override("en"):
        (event,) = enrolment.history.for_lines().filter(activity=activity)
        assert event.text == f"Completed “{activity.title}”"


def test_a_line_without_facts_shows_its_stored_english(enrolment):
    event = HistoryEvent.objects.create(
        enrolment=enrolment,
        kind=Kind.ENROLLED,
        params=None,
        summary="Moved here by the old importer",
        created_at=MOMENT,
    )

    with translation.override("fr"):
        assert HistoryEvent.objects.get(pk=event.pk).text == "Moved here by the old importer"


@pytest.mark.parametrize(
    ("kind", "params", "french", "spanish"),
    [
        (Kind.ENROLLED, {}, "A commencé Programme", "Comenzó Programme"),
        (Kind.ENROLLED, {"cohort": "Alpha"}, "A rejoint Alpha", "Se incorporó a Alpha"),
        (Kind.COMPLETED, {}, "A terminé « Lecture »", "Completó «Lecture»"),
        (
            Kind.QUIZ_ATTEMPT,
            {"score": 80},
            "A obtenu 80 % à « Lecture »",
            "Obtuvo un 80 % en «Lecture»",
        ),
        (Kind.REVIEWED, {"accepted": True}, "« Lecture » accepté", "«Lecture» aceptado"),
        (Kind.CHECKED_IN, {"followers": 1}, "A relevé 1 abonné", "Registró 1 seguidor"),
        (Kind.CHECKED_IN, {"followers": 2}, "A relevé 2 abonnés", "Registró 2 seguidores"),
        (
            Kind.MILESTONE,
            {"milestone": "e_listener"},
            "A atteint le jalon e-Veilleur",
            "Alcanzó el hito e-Oyente",
        ),
        (Kind.PAUSED, {}, "Mis en pause", "En pausa"),
        (
            Kind.WITHDRAWN,
            {"left": True},
            "A quitté la cohorte pour en rejoindre une autre",
            "Dejó la cohorte para incorporarse a otra",
        ),
        (Kind.RESTORED, {"cohort": "Alpha"}, "Réintégré dans Alpha", "Reincorporado a Alpha"),
    ],
)
def test_each_kind_is_said_in_french_and_spanish(kind, params, french, spanish):
    def say(language):
        with translation.override(language):
            return history_text(kind=kind, params=params, activity="Lecture", programme="Programme")

    assert (say("fr"), say("es")) == (french, spanish)


@pytest.mark.parametrize(
    ("kind", "params", "activity"),
    [
        (Kind.COMPLETED, {}, None),  # the activity is gone: its title cannot be said
        (Kind.MILESTONE, {"milestone": "no_such_milestone"}, None),
        (Kind.LOGGED, {"day": "not a day"}, None),
        (Kind.CHECKED_IN, {}, None),
    ],
)
def test_facts_that_do_not_fit_fall_back_to_the_stored_line(kind, params, activity):
    assert history_text(kind=kind, params=params, activity=activity, programme="P") is None


def test_the_model_names_the_kinds_of_the_renderer():
    assert HistoryEvent.Kind is Kind


# The data migration reads the English lines written before `params`.

migration = importlib.import_module("progress.migrations.0020_historyevent_params_from_summaries")


@pytest.mark.parametrize(
    ("kind", "summary", "has_activity", "facts"),
    [
        ("enrolled", "Started e-Diplomacy", False, {}),
        ("enrolled", "Started the programme", False, {}),
        ("enrolled", "Joined Spring 2026", False, {"cohort": "Spring 2026"}),
        ("enrolled", "Brought their own earlier work", False, {"brought_work": True}),
        ("completed", "Completed “Listening foundations”", True, {}),
        ("completed", "Completed “Listening foundations”", False, None),
        ("quiz_attempt", "Scored 85% in “Cyber diplomacy”", True, {"score": 85}),
        ("attempt_granted", "Another attempt at “Cyber diplomacy” granted", True, {}),
        ("submitted", "Submitted “Your first post”", True, {}),
        ("submitted", "Self-assessed “Your first post”", True, {"self_assessed": True}),
        ("reviewed", "“Your first post” accepted", True, {"accepted": True}),
        ("reviewed", "“Your first post” returned with feedback", True, {"accepted": False}),
        ("logged", "Logged listening for 09 March 2026", True, {"day": "2026-03-09"}),
        ("logged", "Logged listening for 31 February 2026", True, None),
        ("checked_in", "Recorded 12,345 followers", True, {"followers": 12345}),
        ("checked_in", "Recorded 7 followers", False, {"followers": 7}),
        ("evidence", "Offered alternative evidence of a following", True, {}),
        ("evidence", "Alternative evidence of a following approved", True, {"approved": True}),
        ("milestone", "Reached the milestone e-Listener", False, {"milestone": "e_listener"}),
        ("milestone", "Reached the milestone Unknown", False, None),
        ("paused", "Paused", False, {}),
        ("paused", "Paused: Crisis posting", False, {"reason": "Crisis posting"}),
        ("resumed", "Resumed", False, {}),
        ("withdrawn", "Withdrawn from the cohort", False, {}),
        ("withdrawn", "Left to join another cohort", False, {"left": True}),
        ("restored", "Restored to the cohort", False, {}),
        ("restored", "Restored to Spring 2026", False, {"cohort": "Spring 2026"}),
        ("resumed", "Something else entirely", False, None),
    ],
)
def test_the_migration_reads_each_english_wording(kind, summary, has_activity, facts):
    assert migration.facts_of(kind, summary, has_activity) == facts


@pytest.mark.postgres
def test_the_migration_gives_old_rows_their_facts(enrolment, trainer):
    HistoryEvent.objects.filter(enrolment=enrolment).delete()
    quiz = Activity.objects.live().filter(kind=Activity.Kind.QUIZ).first()
    old = [
        ("quiz_attempt", f"Scored 70% in “{quiz.title}”", quiz),
        ("logged", "Logged listening for 09 November 2026", None),
        ("checked_in", "Recorded 1,234 followers", None),
        ("milestone", "Reached the milestone Acquainted", None),
        ("withdrawn", "Withdrawn by Tom Trainer", None),  # a wording it does not know
    ]
    HistoryEvent.objects.bulk_create(
        HistoryEvent(
            enrolment=enrolment, kind=kind, summary=summary, activity=activity, created_at=MOMENT
        )
        for kind, summary, activity in old
    )

    migration.params_from_summaries(apps, None)

    read = dict(HistoryEvent.objects.filter(enrolment=enrolment).values_list("kind", "params"))
    assert read == {
        "quiz_attempt": {"score": 70},
        "logged": {"day": "2026-11-09"},
        "checked_in": {"followers": 1234},
        "milestone": {"milestone": "acquainted"},
        "withdrawn": None,
    }
    with translation.override("fr"):
        said = {e.kind: e.text for e in enrolment.history.for_lines()}
    assert said["logged"] == "A consigné sa veille du 9 novembre 2026"
    assert said["withdrawn"] == "Withdrawn by Tom Trainer"
    # A second run finds nothing more to read and changes nothing.
    migration.params_from_summaries(apps, None)
    assert (
        dict(HistoryEvent.objects.filter(enrolment=enrolment).values_list("kind", "params")) == read
    )


def test_a_deleted_account_leaves_no_pause_reason_in_the_facts(enrolment, trainee):
    account_delete(user=trainee)

    paused = HistoryEvent.objects.get(enrolment=enrolment, kind=Kind.PAUSED)
    assert (paused.params, paused.summary) == ({}, "Paused")
    with translation.override("fr"):
        assert HistoryEvent.objects.get(pk=paused.pk).text == "Mis en pause"
