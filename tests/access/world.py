"""The world every access test opens: two organisations, their cohorts,
learners, trainers and administrators, and the personas who look at them.

Each persona is one kind of person the rules must tell apart; `build_world`
makes them all, and `conftest.world` hands the result to each test.
"""

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from accounts.invitations import organisation_invite
from accounts.models import Membership, Organisation, OrganisationInvitation, User
from accounts.services import membership_change
from curriculum.models import Activity
from curriculum.rendering import reading_blocks
from discussions import services as discussions
from discussions.models import PeerReview, Post, Thread
from progress import services
from progress.models import (
    Cohort,
    Completion,
    Enrolment,
    Invitation,
    QuizAttempt,
    Submission,
)
from tests.factories import MembershipFactory, UserFactory

PERSONAS = (
    "anonymous",
    "trainee_a",  # a trainee in cohort A
    "trainee_b",  # a trainee in cohort B, of the other organisation
    "trainer_a",  # trains cohort A
    "trainer_b",  # trains cohort B, in the other organisation
    "colleague_a",  # trains another cohort of A's organisation
    "admin_a",  # administers A's organisation
    "admin_b",  # administers the other organisation
    "staff",
    "ex_member_a",  # was A's trainee: withdrawn from cohort A, then removed from A
    "withdrawn_elsewhere",  # withdrawn from cohort A, now learns in cohort B
    # Trained cohort A, then lost their role in A's organisation (removed on
    # the admin site, so cohort A's trainer list still names them); trains
    # cohort B in the other organisation.
    "former_trainer_a",
    "trainer_both",  # a trainer of both organisations, listed on cohorts A and B
    "admin_a_learner_b",  # administers A's organisation, learns in cohort B
)
EVERYONE = frozenset(PERSONAS)
SIGNED_IN = EVERYONE - {"anonymous"}
TRAINING = frozenset(
    {
        "trainer_a",
        "trainer_b",
        "colleague_a",
        "admin_a",
        "admin_b",
        "staff",
        "former_trainer_a",
        "trainer_both",
        "admin_a_learner_b",
    }
)
A_ADMINS = frozenset({"admin_a", "admin_a_learner_b", "staff"})
COHORT_A_MANAGERS = A_ADMINS | {"trainer_a", "trainer_both"}
COHORT_B_MANAGERS = frozenset({"trainer_b", "admin_b", "staff", "former_trainer_a", "trainer_both"})


# The world


@dataclass
class World:
    people: dict[str, User | None]
    cohort_a: Cohort
    cohort_b: Cohort
    enrolment_a: Enrolment
    enrolment_b: Enrolment
    submission_a: Submission
    submission_b: Submission
    attempt_a: QuizAttempt
    attempt_b: QuizAttempt
    invitation_a: Invitation
    invitation_b: Invitation
    org_invitation_a: OrganisationInvitation
    # The A record and the later B record of the persona "withdrawn_elsewhere".
    record_a: Enrolment
    record_b: Enrolment
    reading: Activity = field(repr=False)
    # Trainee A's thread on the reading, in cohort A, and its opening post.
    thread_a: Thread | None = None
    post_a: Post | None = None
    # A peer-reviewed task, and trainee A's review of the work of the learner
    # who later left cohort A (allocated before they left).
    peer_task: Activity | None = None
    peer_review_a: PeerReview | None = None


def _cohort(organisation: Organisation, programme, name: str, trainer: User) -> Cohort:
    return services.cohort_create(
        organisation=organisation,
        programme=programme,
        name=name,
        starts_on=timezone.now().date() - datetime.timedelta(days=3),
        length_days=365,
        trainers=[trainer],
    )


def _learner(cohort: Cohort, user: User, practice: Activity, quiz: Activity, done):
    """Enrols `user`, opens the first Curate module, hands in practice work
    (waiting for review) and fails the orientation quiz once."""
    enrolment = services.enrolment_create(
        user=user, programme=cohort.programme, cohort=cohort, started_at=cohort.starts_at
    )
    now = timezone.now()
    Completion.objects.bulk_create(
        Completion(enrolment=enrolment, activity=activity, completed_at=now) for activity in done
    )
    submission = services.practice_submit(
        enrolment=enrolment, activity=practice, text="My listening list", link=""
    )
    attempt, _ = services.quiz_submit(enrolment=enrolment, activity=quiz, raw_answers={})
    return enrolment, submission, attempt


def _invite(cohort: Cohort, email: str, by: User) -> Invitation:
    now = timezone.now()
    return Invitation.objects.create(
        cohort=cohort, email=email, created_by=by, created_at=now, sent_at=now
    )


def build_world(
    programme, organisation, other_organisation, trainee, trainer, org_admin, outsider, staff
) -> World:
    trainee_b = MembershipFactory(
        user=UserFactory(email="trainee@fs.example"), organisation=other_organisation
    ).user
    admin_b = MembershipFactory(
        user=UserFactory(email="admin@fs.example"),
        organisation=other_organisation,
        role=Membership.Role.ORG_ADMIN,
    ).user
    colleague_a = MembershipFactory(
        user=UserFactory(email="colleague@mfa.example"),
        organisation=organisation,
        role=Membership.Role.TRAINER,
    ).user
    former_trainer = UserFactory(email="former-trainer@mfa.example")
    trainer_both = UserFactory(email="both@mfa.example")
    admin_learner = UserFactory(email="admin-learner@mfa.example")
    for person, place, role in [
        (former_trainer, organisation, Membership.Role.TRAINER),
        (former_trainer, other_organisation, Membership.Role.TRAINER),
        (trainer_both, organisation, Membership.Role.TRAINER),
        (trainer_both, other_organisation, Membership.Role.TRAINER),
        (admin_learner, organisation, Membership.Role.ORG_ADMIN),
        (admin_learner, other_organisation, Membership.Role.TRAINEE),
    ]:
        MembershipFactory(user=person, organisation=place, role=role)
    cohort_a = _cohort(organisation, programme, "Cohort A", trainer)
    cohort_b = _cohort(other_organisation, programme, "Cohort B", outsider)
    _cohort(organisation, programme, "Cohort A2", colleague_a)
    cohort_a.trainers.add(former_trainer, trainer_both)
    cohort_b.trainers.add(former_trainer, trainer_both)
    # Deleted as the admin site deletes a row: no service takes them off the list.
    Membership.objects.filter(user=former_trainer, organisation=organisation).delete()
    services.enrolment_create(
        user=admin_learner, programme=programme, cohort=cohort_b, started_at=cohort_b.starts_at
    )

    live = Activity.objects.live().select_related("module__stage")
    practice = live.filter(kind=Activity.Kind.PRACTICE)[0]
    quiz = live.filter(module__stage__slug="orientation", kind=Activity.Kind.QUIZ)[0]
    done = list(
        live.filter(module__stage__slug="orientation")
        | live.filter(module=practice.module).exclude(pk=practice.pk)
    )
    enrolment_a, submission_a, attempt_a = _learner(cohort_a, trainee, practice, quiz, done)
    enrolment_b, submission_b, attempt_b = _learner(cohort_b, trainee_b, practice, quiz, done)

    ex_member = MembershipFactory(
        user=UserFactory(email="former@mfa.example"), organisation=organisation
    ).user
    ex_record, _, _ = _learner(cohort_a, ex_member, practice, quiz, done)
    services.enrolment_withdraw(enrolment=ex_record, by=trainer)
    membership_change(organisation=organisation, user=ex_member, role=None, by=org_admin)

    mover = MembershipFactory(
        user=UserFactory(email="mover@mfa.example"), organisation=organisation
    ).user
    record_a, _, _ = _learner(cohort_a, mover, practice, quiz, done)
    services.enrolment_withdraw(enrolment=record_a, by=trainer)
    rows, _ = services.learner_rows_parse(cohort=cohort_b, text=mover.email)
    (moved,) = services.cohort_add_learners(cohort=cohort_b, rows=rows, by=outsider).invited
    record_b = services.invitation_accept(invitation=moved, user=mover)
    reading = live.filter(module__stage__slug="orientation", kind=Activity.Kind.READING)[0]
    thread_a = discussions.thread_start(
        user=trainee,
        cohort=cohort_a,
        activity=reading,
        anchor=reading_blocks(reading.body_html)[1].anchor,
        body="What does the essay mean by this?",
        now=timezone.now(),
    )
    peer_task = live.get(slug="respond-to-criticism")
    now = timezone.now()
    work = Submission.objects.create(
        enrolment=record_a, activity=peer_task, text="My three answers", created_at=now
    )
    peer_review_a = PeerReview.objects.create(
        submission=work,
        activity=peer_task,
        cohort=cohort_a,
        reviewer=trainee,
        allocated_at=now,
    )
    return World(
        people={
            "anonymous": None,
            "trainee_a": trainee,
            "trainee_b": trainee_b,
            "trainer_a": trainer,
            "trainer_b": outsider,
            "colleague_a": colleague_a,
            "admin_a": org_admin,
            "admin_b": admin_b,
            "staff": staff,
            "ex_member_a": ex_member,
            "withdrawn_elsewhere": mover,
            "former_trainer_a": former_trainer,
            "trainer_both": trainer_both,
            "admin_a_learner_b": admin_learner,
        },
        cohort_a=cohort_a,
        cohort_b=cohort_b,
        enrolment_a=enrolment_a,
        enrolment_b=enrolment_b,
        submission_a=submission_a,
        submission_b=submission_b,
        attempt_a=attempt_a,
        attempt_b=attempt_b,
        invitation_a=_invite(cohort_a, "invitee@mfa.example", trainer),
        invitation_b=_invite(cohort_b, "invitee@fs.example", outsider),
        org_invitation_a=organisation_invite(
            organisation=organisation, email="invitee@mfa.example", role="trainer", by=org_admin
        ),
        record_a=record_a,
        record_b=record_b,
        reading=reading,
        thread_a=thread_a,
        post_a=thread_a.posts.get(),
        peer_task=peer_task,
        peer_review_a=peer_review_a,
    )


def open_as(client, world: World, persona: str, method: str, url: str, data=None):
    user = world.people[persona]
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    return getattr(client, method)(url, data or {})


def is_log_in_redirect(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("account_login"))


# What each training persona sees: the cohort list, the report, its exports
# and the weekly digest all agree with it.
VISIBLE_COHORTS = {
    "admin_a": ["Cohort A", "Cohort A2"],
    "admin_a_learner_b": ["Cohort A", "Cohort A2"],
    "admin_b": ["Cohort B"],
    "colleague_a": ["Cohort A2"],
    "former_trainer_a": ["Cohort B"],
    "staff": ["Cohort A", "Cohort A2", "Cohort B"],
    "trainer_a": ["Cohort A"],
    "trainer_b": ["Cohort B"],
    "trainer_both": ["Cohort A", "Cohort B"],
}
