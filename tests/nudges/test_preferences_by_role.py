"""The preferences page offers each person only the messages their roles can
bring them: learning messages to people who learn, the weekly digest to people
who train a cohort now, the monthly summary to organisation administrators."""

import re

import pytest
from django.urls import reverse

from accounts.models import Membership
from progress.models import Nudge
from progress.views.notifications import LEARNING_RULES
from tests.factories import MembershipFactory, cohort_with_learners, enrol

pytestmark = pytest.mark.django_db

Rule = Nudge.Rule
PREFERENCES = reverse("progress:preferences")
DIGEST, SUMMARY = Rule.TRAINER_DIGEST.value, Rule.ORG_SUMMARY.value
MENTION = Rule.DISCUSSION_MENTION.value
LEARNING = {rule.value for rule in LEARNING_RULES}


def offered(client, user) -> set[str]:
    client.force_login(user)
    response = client.get(PREFERENCES)
    assert response.status_code == 200
    return set(
        re.findall(r'<input type="radio" id="[^"]+" name="(\w+)"', response.content.decode())
    )


def test_a_trainee_is_offered_only_learning_messages(client, trainee):
    assert offered(client, trainee) == LEARNING


def test_a_self_paced_learner_is_offered_only_learning_messages(client, self_paced):
    assert offered(client, self_paced) == LEARNING


def test_a_trainer_of_a_cohort_is_offered_the_weekly_digest_and_mentions(
    client, organisation, trainer
):
    cohort_with_learners(1, organisation=organisation, trainer=trainer)
    assert offered(client, trainer) == {DIGEST, MENTION}


def test_a_trainer_without_a_cohort_now_is_offered_nothing(client, trainer):
    assert offered(client, trainer) == set()
    page = client.get(PREFERENCES).content.decode()
    assert "Your roles bring you no messages at the moment" in page
    assert "Save my choices" not in page


def test_an_organisation_administrator_is_offered_the_monthly_summary(client, org_admin):
    assert offered(client, org_admin) == {SUMMARY}


def test_an_administrator_who_trains_a_cohort_is_offered_both(client, organisation, org_admin):
    cohort_with_learners(1, organisation=organisation, trainer=org_admin)
    assert offered(client, org_admin) == {DIGEST, SUMMARY, MENTION}


def test_a_trainer_who_also_learns_elsewhere_gets_both_kinds(
    client, organisation, other_organisation, trainer
):
    cohort_with_learners(1, organisation=organisation, trainer=trainer)
    MembershipFactory(user=trainer, organisation=other_organisation, role=Membership.Role.TRAINEE)
    assert offered(client, trainer) == LEARNING | {DIGEST}


def test_a_trainer_enrolled_in_the_programme_gets_its_learning_messages(
    client, organisation, trainer
):
    cohort = cohort_with_learners(1, organisation=organisation).cohort
    enrol(cohort, trainer)
    assert offered(client, trainer) == LEARNING


def test_a_trainee_posting_a_digest_choice_changes_nothing_but_their_own_kinds(client, trainee):
    client.force_login(trainee)

    response = client.post(
        PREFERENCES, {DIGEST: "off", SUMMARY: "in_app", Rule.INACTIVE.value: "off"}
    )

    assert response.status_code == 302
    trainee.refresh_from_db()
    assert trainee.nudge_preferences == {Rule.INACTIVE.value: "off"}


def test_a_kind_no_longer_offered_keeps_its_choice(client, trainee):
    # Chosen while they trained a cohort; a trainee now.
    trainee.nudge_preferences = {DIGEST: "off", Rule.OVERDUE.value: "in_app"}
    trainee.save()
    client.force_login(trainee)

    client.post(PREFERENCES, {Rule.OVERDUE.value: "email"})

    trainee.refresh_from_db()
    assert trainee.nudge_preferences == {DIGEST: "off"}


def test_a_post_with_nonsense_for_a_kind_not_offered_is_no_error(client, trainer):
    client.force_login(trainer)

    response = client.post(PREFERENCES, {DIGEST: "x" * 5000, "no-such-kind": "off"})

    assert response.status_code == 302
    trainer.refresh_from_db()
    assert trainer.nudge_preferences == {}
