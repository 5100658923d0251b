"""A learner whose ministry does not allow a professional account offers
alternative evidence on the check-in activity; their trainer approves or
returns it on the learner's page (audited), and an approved one counts toward
the year milestone exactly as a stable following would."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from curriculum.models import Activity
from progress import services
from progress.assessments import assess_enrolments
from progress.models import AlternativeEvidence, Completion, MilestoneAchievement
from progress.state import following_is_stable
from progress.timemodel import Milestone
from tests.factories import enrol

pytestmark = pytest.mark.django_db

DESCRIPTION = "Our embassy's account, which I help run: 1,200, 1,260 and 1,310 followers."


def checkin_activity() -> Activity:
    return Activity.objects.live().get(kind=Activity.Kind.CHECKIN)


@pytest.fixture
def learner(cohort):
    return enrol(cohort, "ada@mfa.example", "Ada")


def offer(enrolment) -> AlternativeEvidence:
    return services.alternative_evidence_submit(
        enrolment=enrolment,
        activity=checkin_activity(),
        source=AlternativeEvidence.Source.INSTITUTIONAL,
        description=DESCRIPTION,
    )


def everything_but_the_checkin_done(enrolment) -> None:
    now = timezone.now()
    Completion.objects.bulk_create(
        Completion(enrolment=enrolment, activity=activity, completed_at=now)
        for activity in Activity.objects.live().exclude(kind=Activity.Kind.CHECKIN)
    )


def reached_the_year(enrolment) -> bool:
    return MilestoneAchievement.objects.filter(
        enrolment=enrolment, milestone=Milestone.ACTIVE.value
    ).exists()


def test_the_checkin_activity_states_the_alternative_route():
    body = checkin_activity().body
    assert "does not allow you a professional account" in body
    assert "alternative evidence" in body
    assert "without a trainer" in body


def test_the_rule_is_one_place_an_approval_stands_for_a_stable_following():
    assert not following_is_stable([], 365)
    assert following_is_stable([], 365, alternative_approved=True)


def test_an_approved_alternative_completes_the_checkin_and_reaches_the_year(learner, trainer):
    everything_but_the_checkin_done(learner)
    evidence = offer(learner)
    services.progress_refresh(enrolment=learner, now=timezone.now())
    assert not reached_the_year(learner), "waiting evidence counts for nothing"

    services.alternative_evidence_review(
        evidence=evidence, reviewer=trainer, approve=True, feedback=""
    )

    assert Completion.objects.filter(enrolment=learner, activity=checkin_activity()).exists()
    assert reached_the_year(learner)
    # The aggregate assessment behind cohort pages and reports agrees.
    work = assess_enrolments([learner], timezone.now())[learner.pk].work[Milestone.ACTIVE]
    assert work.done == work.required
    audit = AuditEvent.objects.get(action="alternative_evidence.approve")
    assert audit.actor == trainer and audit.target.startswith("ada@mfa.example")


def test_returned_evidence_counts_for_nothing_and_can_be_offered_again(learner, trainer):
    everything_but_the_checkin_done(learner)
    first = offer(learner)

    with pytest.raises(services.StudyError, match="what is missing"):
        services.alternative_evidence_review(
            evidence=first, reviewer=trainer, approve=False, feedback=" "
        )
    services.alternative_evidence_review(
        evidence=first, reviewer=trainer, approve=False, feedback="Add the monthly figures."
    )

    assert not reached_the_year(learner)
    assert AuditEvent.objects.filter(action="alternative_evidence.return").count() == 1
    second = offer(learner)
    assert second.status == AlternativeEvidence.Status.SUBMITTED


def test_one_offer_waits_at_a_time_and_a_decision_is_made_once(learner, trainer):
    evidence = offer(learner)
    with pytest.raises(services.StudyError, match="already waiting"):
        offer(learner)

    services.alternative_evidence_review(
        evidence=evidence, reviewer=trainer, approve=True, feedback=""
    )
    with pytest.raises(services.StudyError, match="already been reviewed"):
        services.alternative_evidence_review(
            evidence=evidence, reviewer=trainer, approve=False, feedback="No."
        )
    with pytest.raises(services.StudyError, match="already approved"):
        offer(learner)


def test_a_self_paced_learner_is_told_nobody_can_approve(client, enrolment):
    with pytest.raises(services.StudyError, match="without a trainer"):
        offer(enrolment)
    assert not AlternativeEvidence.objects.exists()


def test_the_learner_offers_evidence_on_the_checkin_page(client, learner):
    client.force_login(learner.user)
    url = checkin_activity().get_absolute_url()
    now = timezone.now()
    Completion.objects.bulk_create(
        Completion(enrolment=learner, activity=activity, completed_at=now)
        for activity in Activity.objects.live().filter(
            module__stage__order__lt=checkin_activity().module.stage.order
        )
    )

    empty = client.post(url, {"action": "evidence", "source": "institutional", "description": ""})
    sent = client.post(
        url, {"action": "evidence", "source": "institutional", "description": DESCRIPTION}
    )
    page = client.get(url).content.decode()

    assert empty.status_code == 400
    assert 'id="id_description_error"' in empty.content.decode()
    assert sent.status_code == 302
    assert AlternativeEvidence.objects.get(enrolment=learner).description == DESCRIPTION
    assert "Your evidence is waiting for your trainer." in page
    assert "Send for approval" not in page


def test_the_trainer_approves_on_the_learners_page(client, cohort, learner, trainer):
    everything_but_the_checkin_done(learner)
    evidence = offer(learner)
    client.force_login(trainer)
    url = reverse("progress:cohort_learner", args=[cohort.pk, learner.pk])

    shown = client.get(url).content.decode()
    missing_feedback = client.post(
        url, {"action": "evidence", "evidence": evidence.pk, "decision": "return"}
    )
    approved = client.post(
        url, {"action": "evidence", "evidence": evidence.pk, "decision": "approve"}
    )

    assert "1,310 followers" in shown and "Send the decision" in shown
    assert missing_feedback.status_code == 400
    assert "Say what is missing" in missing_feedback.content.decode()
    assert approved.status_code == 302
    evidence.refresh_from_db()
    assert evidence.status == AlternativeEvidence.Status.APPROVED
    assert reached_the_year(learner)


def test_another_cohorts_trainer_cannot_decide(client, learner, outsider):
    evidence = offer(learner)
    client.force_login(outsider)
    url = reverse("progress:cohort_learner", args=[learner.cohort_id, learner.pk])

    response = client.post(
        url, {"action": "evidence", "evidence": evidence.pk, "decision": "approve"}
    )

    assert response.status_code == 404
    evidence.refresh_from_db()
    assert evidence.status == AlternativeEvidence.Status.SUBMITTED
