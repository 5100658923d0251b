"""Adding learners to a cohort, directly or by invitation."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.urls import resolve
from django.utils import timezone

from accounts.models import Membership, User
from progress import services
from progress.models import Enrolment, Invitation
from progress.tasks import INVITATION_SALT
from tests.factories import MembershipFactory, UserFactory, enrol
from tests.progress.cohort_world import DAY, Kind, add, live, parse_csv, parse_text

pytestmark = pytest.mark.django_db


# Adding learners


def test_existing_account_outside_the_organisation_is_invited_not_enrolled(cohort, trainer):
    user = UserFactory(email="ada@mfa.example")

    result = add(cohort, trainer, "ada@mfa.example")

    assert (result.enrolled, result.restored) == ([], [])
    assert [invitation.email for invitation in result.invited] == [user.email]
    assert not Enrolment.objects.exists()
    assert not Membership.objects.filter(user=user).exists()


def test_member_of_the_organisation_is_enrolled_at_once_on_the_cohorts_dates(cohort, trainer):
    user = UserFactory(email="ada@mfa.example")
    MembershipFactory(user=user, organisation=cohort.organisation, role=Membership.Role.TRAINEE)

    result = add(cohort, trainer, "ada@mfa.example")

    assert result.enrolled == [user]
    assert (result.invited, result.restored) == ([], [])
    enrolment = Enrolment.objects.get(user=user)
    assert enrolment.cohort == cohort
    assert enrolment.started_at == cohort.starts_at
    assert enrolment.length_days == cohort.length_days
    assert enrolment.status == Enrolment.Status.ACTIVE
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.role) == (
        cohort.organisation,
        Membership.Role.TRAINEE,
    )
    assert not Invitation.objects.exists()


def test_unknown_address_gets_an_invitation_and_one_email_with_its_link(
    cohort, trainer, eager_celery, django_capture_on_commit_callbacks, mailoutbox, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        result = add(cohort, trainer, "newcomer@mfa.example")

    invitation = Invitation.objects.get()
    assert result.invited == [invitation]
    assert (invitation.cohort, invitation.email, invitation.status) == (
        cohort,
        "newcomer@mfa.example",
        Invitation.Status.PENDING,
    )
    assert not Enrolment.objects.exists()
    assert not User.objects.filter(email="newcomer@mfa.example").exists()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["newcomer@mfa.example"]
    link = re.search(r"https?://\S+/invitations/[^/\s]+/", mail.body).group(0)
    assert link.startswith(settings.SITE_URL)
    assert link in mail.alternatives[0][0]
    match = resolve(urlsplit(link).path)
    assert match.view_name == "progress:invitation"
    assert signing.loads(match.kwargs["token"], salt=INVITATION_SALT) == invitation.pk


def test_invitation_email_goes_out_only_once_the_transaction_commits(
    cohort, trainer, eager_celery, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        add(cohort, trainer, "newcomer@mfa.example")
    assert len(callbacks) == 1
    assert mailoutbox == []


def test_nothing_is_added_when_any_row_is_bad(cohort, trainer):
    UserFactory(email="ada@mfa.example")
    rows, _ = parse_text(cohort, "ada@mfa.example newcomer@mfa.example")
    rows.append(services.LearnerRow(2, "not-an-address"))

    with pytest.raises(services.CohortError, match="is not a valid e-mail address"):
        services.cohort_add_learners(cohort=cohort, rows=rows, by=trainer)

    assert not Enrolment.objects.exists()
    assert not Invitation.objects.exists()
    assert not Membership.objects.filter(organisation=cohort.organisation, role="trainee").exists()


def test_list_checked_earlier_is_checked_again_when_added(cohort, trainer, programme):
    rows, problems = parse_text(cohort, "ada@mfa.example")
    assert not problems
    # Meanwhile another trainer of the ministry puts Ada in their own cohort.
    autumn = services.cohort_create(
        organisation=cohort.organisation,
        programme=programme,
        name="Autumn cohort",
        starts_on=cohort.starts_on,
        length_days=365,
        trainers=[trainer],
    )
    enrol(autumn, "ada@mfa.example")

    with pytest.raises(services.CohortError, match="is already in the cohort “Autumn cohort”"):
        services.cohort_add_learners(cohort=cohort, rows=rows, by=trainer)
    assert not Enrolment.objects.filter(cohort=cohort).exists()


def test_self_paced_learner_is_invited_and_their_work_stays_theirs_until_they_accept(
    cohort, trainer, self_paced
):
    enrolment = services.enrolment_create(
        user=self_paced, programme=cohort.programme, started_at=timezone.now() - 40 * DAY
    )
    for reading in live(module__stage__slug="orientation", kind=Kind.READING)[:3]:
        services.reading_mark_read(enrolment=enrolment, activity=reading)

    result = add(cohort, trainer, self_paced.email)

    assert (result.enrolled, [i.email for i in result.invited]) == ([], [self_paced.email])
    enrolment.refresh_from_db()
    assert (enrolment.cohort, enrolment.status) == (None, Enrolment.Status.ACTIVE)
    assert not Membership.objects.filter(user=self_paced).exists()


@pytest.mark.parametrize("bring_work", [True, False], ids=["brings-work", "starts-afresh"])
def test_self_paced_learner_who_accepts_starts_a_new_enrolment_bringing_work_only_by_choice(
    cohort, trainer, self_paced, bring_work
):
    enrolment = services.enrolment_create(
        user=self_paced, programme=cohort.programme, started_at=timezone.now() - 40 * DAY
    )
    for reading in live(module__stage__slug="orientation", kind=Kind.READING)[:3]:
        services.reading_mark_read(enrolment=enrolment, activity=reading)
    invitation = add(cohort, trainer, self_paced.email).invited[0]

    joined = services.invitation_accept(
        invitation=invitation, user=self_paced, bring_work=bring_work
    )

    assert joined.pk != enrolment.pk
    assert joined.cohort == cohort
    assert (joined.started_at, joined.length_days) == (cohort.starts_at, cohort.length_days)
    assert joined.completions.count() == (3 if bring_work else 0)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN
    assert enrolment.completions.count() == 3
    assert Membership.objects.get(user=self_paced).role == Membership.Role.TRAINEE


def test_archived_cohort_refuses_new_learners(cohort, trainer):
    UserFactory(email="ada@mfa.example")
    rows, _ = parse_text(cohort, "ada@mfa.example newcomer@mfa.example")
    services.cohort_archive(cohort=cohort)
    cohort.refresh_from_db()

    with pytest.raises(services.CohortError, match="archived"):
        services.cohort_add_learners(cohort=cohort, rows=rows, by=trainer)

    assert not Enrolment.objects.exists()
    assert not Invitation.objects.exists()


def test_name_with_a_comma_from_a_quoted_csv_cell_is_added(cohort, trainer):
    rows, problems = parse_csv(cohort, 'ada@mfa.example,"Lovelace, Ada",en\n')
    assert problems == []

    result = services.cohort_add_learners(cohort=cohort, rows=rows, by=trainer)

    assert [i.display_name for i in result.invited] == ["Lovelace, Ada"]


def test_pasted_list_accepted_by_the_check_is_not_refused_by_the_upload_size_limit(
    cohort, trainer, settings
):
    settings.LEARNER_CSV_MAX_BYTES = 1024
    text = " ".join(f"learner{n:02}@mfa.example" for n in range(60))
    rows, problems = parse_text(cohort, text)
    assert (len(rows), problems) == (60, [])

    result = services.cohort_add_learners(cohort=cohort, rows=rows, by=trainer)

    assert len(result.invited) == 60


def test_member_stored_with_capitals_is_enrolled_not_invited(cohort, trainer):
    user = UserFactory(email="Ada@MFA.example")
    MembershipFactory(user=user, organisation=cohort.organisation, role=Membership.Role.TRAINEE)

    result = add(cohort, trainer, "ada@mfa.example")

    assert result.enrolled == [user]
    assert not Invitation.objects.exists()
