"""E-mails and notifications speak their recipient's language, with its date
formats, whoever's action sent them and whatever language that person reads."""

import pytest
from django.utils import translation

from accounts.invitations import organisation_invite
from progress import services
from progress.nudges.delivery import nudges_deliver
from progress.nudges.planner import nudges_plan
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.nudges.conftest import NOW, learner, nudge_for, overdue

pytestmark = pytest.mark.django_db

FRENCH_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def deliver_while_reading(language: str):
    """Plan and deliver as if triggered by someone who reads `language`."""
    with translation.override(language):
        nudges_plan(now=NOW)
        return nudges_deliver(now=NOW)


def test_a_french_learners_nudge_is_french_whoever_triggers_it(programme, mailoutbox):
    enrolment = overdue(learner("amelie@mfa.example", language="fr"), programme)

    assert deliver_while_reading("en") == {"emailed": 1}

    (mail,) = mailoutbox
    html = mail.alternatives[0][0]
    assert mail.subject == "Le jalon Initié est en retard"
    assert "Vous recevez ce message parce que vous participez" in mail.body
    assert '<html lang="fr" dir="ltr">' in html
    # The notification kept for the app says the same, in the same language.
    assert nudge_for(enrolment).status == "sent"


def test_an_english_learner_gets_english_when_the_trigger_reads_spanish(programme, mailoutbox):
    overdue(learner("ada@mfa.example", language="en"), programme)

    deliver_while_reading("es")

    assert mailoutbox[0].subject == "Acquainted is overdue"
    assert '<html lang="en" dir="ltr">' in mailoutbox[0].alternatives[0][0]


def test_without_a_choice_the_organisations_default_language_is_used(programme, mailoutbox):
    person = learner("beatriz@mfa.example", language="")
    MembershipFactory(user=person, organisation=OrganisationFactory(default_language="es"))
    overdue(person, programme)

    deliver_while_reading("en")

    assert mailoutbox[0].subject == "El hito Familiarizado está vencido"


def test_a_cohort_invitation_speaks_the_language_given_for_the_address(
    cohort, trainer, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    rows, problems = services.learner_rows_parse(
        cohort=cohort, text="", csv_bytes=b"email,name,language\ncamille@mfa.example,Camille,fr\n"
    )
    assert not problems
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.cohort_add_learners(cohort=cohort, rows=rows, by=trainer)

    (mail,) = mailoutbox
    assert mail.subject == f"Vous êtes invité à rejoindre {cohort.name} sur ediplomacy"
    assert mail.body.startswith("Bonjour Camille,")
    # French dates: "le lien est valable jusqu'au 6 décembre 2026", not "6 December".
    expires = mail.body.split("Le lien est valable jusqu'au ", 1)[1].split(".")[0]
    assert any(month in expires for month in FRENCH_MONTHS), expires


def test_an_organisation_invitation_to_an_existing_account_speaks_its_language(
    organisation, org_admin, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    UserFactory(email="sofia@mfa.example", language="es")
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        organisation_invite(
            organisation=organisation, email="sofia@mfa.example", role="trainer", by=org_admin
        )

    assert mailoutbox[0].subject == f"Está invitado a unirse a {organisation.name} en ediplomacy"
