"""A learner's record never crosses organisations without their consent.

Two organisations, A (the ministry) and B (the foreign service), through the
pages their trainers and administrators use, on PostgreSQL: an enrolment and
all the work in it belong to the organisation of its cohort for ever; joining
another organisation's cohort starts a new enrolment, by the learner's own
acceptance; adding an existing account to an organisation sends an invitation.
"""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, OrganisationInvitation
from curriculum.models import Activity
from progress import services
from progress.models import Enrolment, Invitation, ListeningEntry, Submission
from tests.factories import MembershipFactory, UserFactory
from tests.helpers import review_marks

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

A_WORK = "Notes only ministry A may read"
A_FEEDBACK = "Feedback from the trainer of ministry A"


@pytest.fixture(autouse=True)
def _eager(eager_celery):
    """Invitation e-mails go out in-process."""


def _cohort(organisation, programme, name, trainer):
    return services.cohort_create(
        organisation=organisation,
        programme=programme,
        name=name,
        starts_on=timezone.now().date() - datetime.timedelta(days=10),
        length_days=365,
        trainers=[trainer],
    )


@pytest.fixture
def cohort_a(organisation, programme, trainer):
    return _cohort(organisation, programme, "Cohort A", trainer)


@pytest.fixture
def cohort_b(other_organisation, programme, outsider):
    return _cohort(other_organisation, programme, "Cohort B", outsider)


@pytest.fixture
def admin_b(other_organisation):
    return MembershipFactory(
        user=UserFactory(email="admin@fs.example"),
        organisation=other_organisation,
        role=Membership.Role.ORG_ADMIN,
    ).user


@pytest.fixture
def learner(cohort_a, trainee, trainer):
    """A's trainee, with work in cohort A: a listening entry, and practice work
    that A's trainer returned with feedback."""
    enrolment = services.enrolment_create(
        user=trainee, programme=cohort_a.programme, cohort=cohort_a, started_at=cohort_a.starts_at
    )
    live = Activity.objects.live()
    listening = live.filter(kind=Activity.Kind.LISTENING_LOG).first()
    now = timezone.now()
    ListeningEntry.objects.create(
        enrolment=enrolment,
        activity=listening,
        day=now.date(),
        followed=A_WORK,
        learned=A_WORK,
        created_at=now,
        updated_at=now,
    )
    submission = services.practice_submit(
        enrolment=enrolment,
        activity=live.filter(kind=Activity.Kind.PRACTICE).first(),
        text=A_WORK,
        link="",
    )
    services.submission_review(
        submission=submission,
        reviewer=trainer,
        accept=False,
        feedback=A_FEEDBACK,
        marks=review_marks(submission.activity, False),
    )
    return enrolment


def _learner_page(client, person, cohort, enrolment):
    client.force_login(person)
    return client.get(reverse("progress:cohort_learner", args=[cohort.pk, enrolment.pk]))


def _add_learners(client, person, cohort, text, capture):
    client.force_login(person)
    with capture(execute=True):
        return client.post(
            reverse("progress:cohort_add_learners", args=[cohort.pk]),
            {"emails": text},
            follow=True,
        )


def _accept_link(mail) -> str:
    return urlsplit(re.search(r"https?://\S+/invitations/[^/\s]+/", mail.body).group(0)).path


def _move_to_b(client, learner, by, outsider, cohort_b, mailoutbox, capture, **answer):
    """A withdraws the learner, B's trainer invites them, and they accept."""
    services.enrolment_withdraw(enrolment=learner, by=by)
    _add_learners(client, outsider, cohort_b, learner.user.email, capture)
    client.force_login(learner.user)
    client.post(_accept_link(mailoutbox[-1]), answer)


# H1: another organisation takes a withdrawn learner's record


def test_other_organisations_admin_cannot_make_a_learner_their_member_without_asking(
    client, learner, trainee, admin_b, other_organisation, django_capture_on_commit_callbacks
):
    client.force_login(admin_b)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:people", args=[other_organisation.slug]),
            {"action": "add", "email": trainee.email, "role": "trainee"},
        )

    assert response.status_code == 302
    assert not Membership.objects.filter(user=trainee, organisation=other_organisation).exists()
    assert OrganisationInvitation.objects.filter(
        organisation=other_organisation, email=trainee.email, status="pending"
    ).exists()


def test_withdrawn_learner_added_elsewhere_is_only_invited_and_their_record_stays(
    client,
    learner,
    trainee,
    trainer,
    cohort_a,
    cohort_b,
    outsider,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    services.enrolment_withdraw(enrolment=learner, by=trainer)

    response = _add_learners(
        client, outsider, cohort_b, trainee.email, django_capture_on_commit_callbacks
    )

    assert "1 invited by e-mail" in response.content.decode()
    learner.refresh_from_db()
    assert (learner.cohort, learner.status) == (cohort_a, Enrolment.Status.WITHDRAWN)
    assert not Enrolment.objects.filter(cohort=cohort_b).exists()
    # B's trainer cannot reach A's record through B's cohort.
    assert _learner_page(client, outsider, cohort_b, learner).status_code == 404
    # A's trainer still sees it whole.
    page = _learner_page(client, trainer, cohort_a, learner)
    assert page.status_code == 200
    assert A_WORK in page.content.decode()


def test_learner_who_accepts_another_organisations_invitation_starts_a_new_record(
    client,
    learner,
    trainee,
    trainer,
    cohort_a,
    cohort_b,
    outsider,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    _move_to_b(
        client,
        learner,
        trainer,
        outsider,
        cohort_b,
        mailoutbox,
        django_capture_on_commit_callbacks,
        bring_work="1",
    )

    new = Enrolment.objects.get(cohort=cohort_b)
    assert new.pk != learner.pk
    assert new.user == trainee
    html = _learner_page(client, outsider, cohort_b, new).content.decode()
    # The learner's own text came with them, waiting for B's review...
    assert Submission.objects.get(enrolment=new).status == Submission.Status.SUBMITTED
    # ...but never A's trainer's feedback or review.
    assert A_FEEDBACK not in html
    assert not Submission.objects.filter(enrolment=new).exclude(feedback="").exists()
    # A keeps its record, in A's cohort and A's reports.
    learner.refresh_from_db()
    assert (learner.cohort, learner.status) == (cohort_a, Enrolment.Status.WITHDRAWN)
    assert A_FEEDBACK in _learner_page(client, trainer, cohort_a, learner).content.decode()


def test_learner_who_accepts_without_bringing_work_shows_b_nothing_of_a(
    client,
    learner,
    trainee,
    trainer,
    cohort_b,
    outsider,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    _move_to_b(
        client, learner, trainer, outsider, cohort_b, mailoutbox, django_capture_on_commit_callbacks
    )

    new = Enrolment.objects.get(cohort=cohort_b)
    html = _learner_page(client, outsider, cohort_b, new).content.decode()

    assert A_WORK not in html
    assert A_FEEDBACK not in html
    assert not new.completions.exists()
    assert not new.listening_entries.exists()
    assert not new.submissions.exists()


def test_a_cannot_reopen_the_record_of_a_learner_who_has_started_again_elsewhere(
    client,
    learner,
    trainee,
    trainer,
    cohort_a,
    cohort_b,
    outsider,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    _move_to_b(
        client, learner, trainer, outsider, cohort_b, mailoutbox, django_capture_on_commit_callbacks
    )

    client.force_login(trainer)
    response = client.post(
        reverse("progress:cohort_learner", args=[cohort_a.pk, learner.pk]),
        {"action": "restore"},
        follow=True,
    )

    assert response.status_code == 200
    assert "cannot be reopened" in response.content.decode()
    learner.refresh_from_db()
    assert learner.status == Enrolment.Status.WITHDRAWN


# H2: a learner removed from their organisation is open to every other organisation


def test_learner_removed_from_their_organisation_stays_closed_to_every_other(
    client,
    learner,
    trainee,
    trainer,
    org_admin,
    organisation,
    cohort_b,
    outsider,
    django_capture_on_commit_callbacks,
):
    services.enrolment_withdraw(enrolment=learner, by=trainer)
    client.force_login(org_admin)
    membership = Membership.objects.get(user=trainee, organisation=organisation)
    client.post(
        reverse("accounts:people", args=[organisation.slug]),
        {"action": "remove", "member": membership.pk, "confirm": "yes"},
    )
    assert not trainee.memberships.exists()

    _add_learners(client, outsider, cohort_b, trainee.email, django_capture_on_commit_callbacks)

    assert not Enrolment.objects.filter(cohort=cohort_b).exists()
    assert not trainee.memberships.exists()
    assert _learner_page(client, outsider, cohort_b, learner).status_code == 404
    report = client.get(reverse("reports:report_csv"))
    assert trainee.email not in b"".join(report.streaming_content).decode()


# M1: any trainer pulls in any self-paced account


def test_self_paced_account_is_invited_and_the_trainer_sees_only_the_address(
    client, self_paced, cohort_a, trainer, programme, django_capture_on_commit_callbacks
):
    own = services.enrolment_create(user=self_paced, programme=programme)
    reading = Activity.objects.live().filter(kind=Activity.Kind.READING).first()
    services.reading_mark_read(enrolment=own, activity=reading)

    _add_learners(client, trainer, cohort_a, self_paced.email, django_capture_on_commit_callbacks)

    assert not self_paced.memberships.exists()
    own.refresh_from_db()
    assert (own.cohort, own.status) == (None, Enrolment.Status.ACTIVE)
    cohort_page = client.get(reverse("progress:cohort", args=[cohort_a.pk])).content.decode()
    invitations = client.get(
        reverse("progress:cohort_invitations", args=[cohort_a.pk])
    ).content.decode()
    assert self_paced.display_name not in cohort_page
    assert self_paced.email in invitations
    assert Invitation.objects.get(email=self_paced.email).status == Invitation.Status.PENDING
    assert _learner_page(client, trainer, cohort_a, own).status_code == 404


# L1: the add-learners form reveals whether an address has an account elsewhere


@pytest.mark.parametrize(
    "address", ["nobody@elsewhere.example", "trainee@fs.example", "solo@example.org"]
)
def test_add_learners_answers_alike_whatever_the_address(
    client, cohort_a, trainer, other_organisation, self_paced, address
):
    MembershipFactory(user=UserFactory(email="trainee@fs.example"), organisation=other_organisation)
    client.force_login(trainer)

    response = client.post(
        reverse("progress:cohort_add_learners", args=[cohort_a.pk]),
        {"emails": address},
        follow=True,
    )

    html = response.content.decode()
    assert "Learners added: 1 invited by e-mail." in html
    assert "another organisation" not in html
