import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django.utils import timezone

from competences.models import Competence, Standing
from credentials import services
from credentials.models import Credential, IssuingPolicy
from credentials.tasks import issue_missing_credentials
from progress import services as progress_services
from progress.models import MilestoneAchievement
from progress.timemodel import Milestone
from tests.credentials.helpers import milestone_credential, reach_acquainted

pytestmark = pytest.mark.django_db


def test_reaching_a_milestone_issues_its_credential_after_commit(
    learner, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        reach_acquainted(learner)
        assert not Credential.objects.exists()  # nothing before the commit

    for callback in queued:
        callback()

    credential = Credential.objects.get()
    assert credential.kind == Credential.Kind.MILESTONE
    assert credential.milestone == Milestone.ACQUAINTED
    assert credential.enrolment == learner
    assert credential.organisation == learner.cohort.organisation
    assert credential.token.count(".") == 2


def test_a_retried_task_or_a_second_sweep_never_issues_twice(learner):
    reached = MilestoneAchievement.objects.create(
        enrolment=learner, milestone="acquainted", achieved_at=timezone.now(), on_time=True
    )

    first = services.credential_issue_for_milestone(achievement_id=reached.pk, now=timezone.now())
    again = services.credential_issue_for_milestone(achievement_id=reached.pk, now=timezone.now())
    call_command("issue_credentials", stdout=io.StringIO())

    assert first is not None and again is None
    assert Credential.objects.count() == 1


def test_the_database_refuses_a_second_credential_for_one_milestone(learner):
    credential = milestone_credential(learner)

    with pytest.raises(IntegrityError):
        Credential.objects.create(
            user=credential.user,
            enrolment=learner,
            kind=Credential.Kind.MILESTONE,
            milestone=credential.milestone,
            achievement_name="again",
            issuer_name="again",
            earned_at=credential.earned_at,
            issued_at=credential.issued_at,
            status_index=credential.status_index + 1,
            key_id="tests",
            token="x.y.z",
        )


def test_demonstrating_a_competence_issues_one_credential_per_learner(learner, self_paced):
    curate = Competence.objects.get(slug="curate")
    standing = Standing.objects.create(
        user=learner.user,
        competence=curate,
        state=Standing.State.DEMONSTRATED,
        share_done=1.0,
        demonstrated_at=timezone.now(),
    )

    issued = services.credential_issue_for_standing(standing_id=standing.pk, now=timezone.now())
    again = services.credential_issue_for_standing(standing_id=standing.pk, now=timezone.now())

    assert issued.kind == Credential.Kind.COMPETENCE and issued.competence == curate
    assert again is None
    assert issued.achievement_name.startswith("Curate")


def test_an_organisation_that_left_an_achievement_out_issues_nothing_for_it(
    learner, org_admin, programme, self_paced
):
    services.policy_save(
        organisation=learner.cohort.organisation,
        chosen=["milestone:e_listener", "milestone:active_e_diplomat"],
        issuer_name="",
        logo=None,
        by=org_admin,
    )
    solo = enrol_self_paced(self_paced, programme)

    reach_acquainted(learner)
    reach_acquainted(solo)
    call_command("issue_credentials", stdout=io.StringIO())

    # The organisation's learner gets none; the self-paced one the platform's default.
    assert list(Credential.objects.values_list("user__email", flat=True)) == [self_paced.email]
    assert services.credentials_missing(limit=10) == ([], [])


def enrol_self_paced(user, programme):
    return progress_services.enrolment_create(user=user, programme=programme)


def test_the_sweep_finds_what_a_lost_task_left_behind(learner, eager_celery):
    # The milestone is written, but its task never ran (the broker was away).
    reach_acquainted(learner)
    assert not Credential.objects.exists()

    queued = issue_missing_credentials()

    assert queued >= 1
    assert Credential.objects.filter(milestone="acquainted", enrolment=learner).exists()


def test_the_credential_names_the_organisations_chosen_name(learner, org_admin):
    IssuingPolicy.objects.create(
        organisation=learner.cohort.organisation,
        achievements=["milestone:acquainted"],
        issuer_name="Farnesina",
    )

    credential = milestone_credential(learner)

    assert credential.issuer_name == "Farnesina, through ediplomacy"


def test_a_deactivated_learner_is_issued_nothing(learner):
    learner.user.is_active = False
    learner.user.save()

    reach_acquainted(learner)
    call_command("issue_credentials", stdout=io.StringIO())

    assert not Credential.objects.exists()


def test_beat_runs_the_sweep_and_its_task_is_registered(settings):
    from ediplomacy.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["issue-missing-credentials"]

    assert entry["task"] in app.tasks
    assert entry["schedule"] == 10 * 60
