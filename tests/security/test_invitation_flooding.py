"""Nobody's inbox is flooded with invitations: a re-send waits a day, one
invitation is e-mailed at most INVITATION_MAX_SENDS times, and one address
receives at most INVITATION_EMAILS_PER_ADDRESS_PER_DAY invitation e-mails a
day, whoever sends them; the rest wait and go out later."""

import datetime

import pytest
import time_machine

from accounts.invitations import organisation_invite
from accounts.models import Membership
from accounts.tasks import send_unsent_organisation_invitations
from progress import services
from progress.models import Invitation
from progress.tasks import send_unsent_invitations
from tests.factories import MembershipFactory, UserFactory, cohort_with_learners

pytestmark = pytest.mark.django_db

TARGET = "target@example.org"
START = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _eager(eager_celery):
    """E-mails go out in-process."""


def _cohort(organisation, programme, trainer, name):
    return cohort_with_learners(
        0,
        organisation=organisation,
        trainer=trainer,
        programme=programme,
        name=name,
        starts_on=START.date(),
    ).cohort


def _invite(cohort, by, capture):
    rows, problems = services.learner_rows_parse(cohort=cohort, text=TARGET)
    assert not problems
    with capture(execute=True):
        return services.cohort_add_learners(cohort=cohort, rows=rows, by=by).invited[0]


def _resend(invitation, by, capture):
    with capture(execute=True):
        return services.invitation_resend(invitation=invitation, by=by)


def test_one_invitation_resent_ten_times_sends_three_emails(
    organisation, programme, trainer, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.INVITATION_EMAILS_PER_ADDRESS_PER_DAY = 10
    capture = django_capture_on_commit_callbacks
    with time_machine.travel(START, tick=False) as traveller:
        invitation = _invite(_cohort(organisation, programme, trainer, "Spring"), trainer, capture)
        refusals = []
        for _ in range(10):
            try:
                _resend(invitation, trainer, capture)
            except services.CohortError as error:
                refusals.append(str(error))
            traveller.shift(datetime.timedelta(hours=6))

    assert len(mailoutbox) == settings.INVITATION_MAX_SENDS == 3
    assert any("less than a day ago" in refusal for refusal in refusals)
    assert any("the most allowed" in refusal for refusal in refusals)
    assert Invitation.objects.get().send_count == 3


def test_many_senders_reach_one_address_at_most_three_times_a_day_and_nothing_is_lost(
    organisation,
    other_organisation,
    programme,
    trainer,
    outsider,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    capture = django_capture_on_commit_callbacks
    admin_b = MembershipFactory(
        user=UserFactory(email="admin@fs.example"),
        organisation=other_organisation,
        role=Membership.Role.ORG_ADMIN,
    ).user
    with time_machine.travel(START, tick=False) as traveller:
        for n in range(3):
            _invite(_cohort(organisation, programme, trainer, f"A{n}"), trainer, capture)
            _invite(_cohort(other_organisation, programme, outsider, f"B{n}"), outsider, capture)
        with capture(execute=True):
            organisation_invite(
                organisation=other_organisation, email=TARGET, role="trainee", by=admin_b
            )
        assert len(mailoutbox) == 3

        # The sweep sends what waited once the day's count falls.
        traveller.shift(datetime.timedelta(hours=25))
        send_unsent_invitations()
        assert len(mailoutbox) == 6
        traveller.shift(datetime.timedelta(hours=25))
        send_unsent_invitations()
        send_unsent_organisation_invitations()

    assert len(mailoutbox) == 7
    assert {mail.to[0] for mail in mailoutbox} == {TARGET}
    assert not Invitation.objects.filter(emailed_at__isnull=True).exists()
