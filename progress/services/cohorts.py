"""Cohorts: creating and changing them, adding learners (directly or by
invitation), withdrawing and restoring, and accepting invitations."""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import AuditEvent, Membership, Organisation, User
from accounts.services import audit_record
from curriculum.models import Programme
from progress.assessments import snapshots_refresh
from progress.models import Cohort, Enrolment, HistoryEvent, Invitation
from progress.services.study import _audit_enrolment, _history, _snapshot, enrolment_create

MAX_ROWS = 2000
EMAIL_MAX_LENGTH = 254  # what an address column holds
LANGUAGES = dict(settings.LANGUAGES)


class CohortError(Exception):
    """A cohort change that cannot be made, with a message to show."""


@dataclass(frozen=True)
class LearnerRow:
    line: int
    email: str
    display_name: str = ""
    language: str = ""


@dataclass(frozen=True)
class RowProblem:
    line: int
    value: str
    reason: str

    def __str__(self):
        return f"Line {self.line}: {self.value or '(empty)'}: {self.reason}"


@dataclass
class AddResult:
    enrolled: list[User] = field(default_factory=list)
    restored: list[User] = field(default_factory=list)
    invited: list[Invitation] = field(default_factory=list)


@transaction.atomic
def cohort_create(
    *,
    organisation: Organisation,
    programme: Programme,
    name: str,
    starts_on: datetime.date,
    length_days: int,
    trainers: list[User],
    by: User | None = None,
) -> Cohort:
    if length_days < 1:
        raise CohortError("A programme lasts at least one day.")
    cohort = Cohort.objects.create(
        organisation=organisation,
        programme=programme,
        name=name.strip(),
        starts_on=starts_on,
        length_days=length_days,
    )
    cohort.trainers.set(trainers)
    audit_record(
        actor=by,
        action="cohort.create",
        target=cohort.name,
        organisation=cohort.organisation_id,
    )
    return cohort


def cohort_update_impact(*, cohort: Cohort, starts_on: datetime.date, length_days: int) -> int:
    """How many learners' due dates a change of start or length would move."""
    if (starts_on, length_days) == (cohort.starts_on, cohort.length_days):
        return 0
    # Withdrawn learners move too, so their dates are right if they are restored.
    return cohort.enrolments.count()


@transaction.atomic
def cohort_update(
    *,
    cohort: Cohort,
    name: str,
    starts_on: datetime.date,
    length_days: int,
    trainers: list[User],
    by: User | None = None,
) -> int:
    """Saves the cohort; a new start or length moves every member's due dates.

    Returns how many enrolments moved. Each keeps its offset from the cohort's
    start, so a learner who joined late stays that much later.
    """
    if length_days < 1:
        raise CohortError("A programme lasts at least one day.")
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    shift = datetime.timedelta(days=(starts_on - cohort.starts_on).days)
    moved = 0
    if shift or length_days != cohort.length_days:
        moved = cohort.enrolments.update(
            started_at=F("started_at") + shift, length_days=length_days
        )
    cohort.name = name.strip()
    cohort.starts_on = starts_on
    cohort.length_days = length_days
    cohort.save(update_fields=["name", "starts_on", "length_days"])
    cohort.trainers.set(trainers)
    if moved:
        snapshots_refresh(list(cohort.enrolments.all()), timezone.now())
    audit_record(
        actor=by,
        action="cohort.update",
        target=cohort.name,
        organisation=cohort.organisation_id,
        starts_on=starts_on,
        length_days=length_days,
        learners_moved=moved,
    )
    return moved


def cohort_archive(*, cohort: Cohort, archived: bool = True, by: User | None = None) -> None:
    Cohort.objects.filter(pk=cohort.pk).update(archived_at=timezone.now() if archived else None)
    audit_record(
        actor=by,
        action="cohort.archive" if archived else "cohort.restore",
        target=cohort.name,
        organisation=cohort.organisation_id,
    )


_SPLIT = re.compile(r"[,;\s]+")


def _read_rows(text: str, csv_bytes: bytes | None) -> tuple[list[LearnerRow], list[RowProblem]]:
    """Turns pasted addresses or an uploaded CSV into rows, keeping line numbers."""
    rows: list[LearnerRow] = []
    problems: list[RowProblem] = []
    if csv_bytes is not None:
        if len(csv_bytes) > settings.LEARNER_CSV_MAX_BYTES:
            limit = settings.LEARNER_CSV_MAX_BYTES // 1000
            return [], [RowProblem(0, "", f"the file is larger than {limit} kB")]
        try:
            decoded = csv_bytes.decode("utf-8-sig")
        except UnicodeDecodeError:
            return [], [RowProblem(0, "", "the file is not UTF-8 text: save it as “CSV UTF-8”")]
        if "\0" in decoded:
            return [], [RowProblem(0, "", "the file is not a CSV text file")]
        try:
            sample = csv.Sniffer().sniff(decoded[:2048], delimiters=",;\t")
            dialect: type[csv.Dialect] | csv.Dialect = sample
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(io.StringIO(decoded), dialect)
        try:
            for line, cells in enumerate(reader, start=1):
                cells = [cell.strip() for cell in cells]
                if not any(cells):
                    continue
                if line == 1 and cells[0].lower() in {"email", "e-mail", "email address"}:
                    continue
                if len(cells) > 3:
                    problems.append(RowProblem(line, cells[0], "has more than three columns"))
                    continue
                email, name, language = [*cells, "", ""][:3]
                rows.append(LearnerRow(line, email, name, language.lower()))
        except csv.Error as error:
            problems.append(RowProblem(reader.line_num, "", f"cannot be read as CSV ({error})"))
    else:
        for line, content in enumerate(text.splitlines(), start=1):
            for item in _SPLIT.split(content.strip()):
                if item:
                    rows.append(LearnerRow(line, item))
    if len(rows) > MAX_ROWS:
        return [], [RowProblem(0, "", f"more than {MAX_ROWS} learners at once: split the list")]
    return rows, problems


def learner_rows_parse(
    *, cohort: Cohort, text: str = "", csv_bytes: bytes | None = None
) -> tuple[list[LearnerRow], list[RowProblem]]:
    """Validates a list of learners for `cohort` and reports every bad row.

    Four queries whatever the number of rows: accounts with these addresses,
    their memberships, their enrolments in the programme, and the cohort's
    pending invitations.
    """
    rows, problems = _read_rows(text, csv_bytes)
    return learner_rows_check(cohort=cohort, rows=rows, problems=problems)


def learner_rows_check(
    *, cohort: Cohort, rows: list[LearnerRow], problems: list[RowProblem] | None = None
) -> tuple[list[LearnerRow], list[RowProblem]]:
    problems = list(problems or [])
    valid: list[LearnerRow] = []
    seen: dict[str, int] = {}
    for row in rows:
        email = row.email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            problems.append(RowProblem(row.line, row.email, "is not a valid e-mail address"))
            continue
        if len(email) > EMAIL_MAX_LENGTH:
            problems.append(
                RowProblem(row.line, row.email[:60] + "…", "is longer than 254 characters")
            )
            continue
        if email in seen:
            problems.append(
                RowProblem(row.line, row.email, f"is a duplicate of line {seen[email]}")
            )
            continue
        seen[email] = row.line
        if row.language and row.language not in LANGUAGES:
            known = ", ".join(LANGUAGES)
            problems.append(
                RowProblem(row.line, row.language, f"is not a language we offer ({known})")
            )
            continue
        if len(row.display_name) > 150:
            problems.append(
                RowProblem(row.line, row.email, "has a name longer than 150 characters")
            )
            continue
        valid.append(LearnerRow(row.line, email, row.display_name, row.language))

    emails = [row.email for row in valid]
    users = {
        user.email.lower(): user
        for user in User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
    }
    organisations: dict[int, set[int]] = {}
    for user_id, organisation_id in Membership.objects.filter(user__in=users.values()).values_list(
        "user_id", "organisation_id"
    ):
        organisations.setdefault(user_id, set()).add(organisation_id)
    enrolments = {
        e.user_id: e
        for e in Enrolment.objects.filter(
            user__in=users.values(), programme=cohort.programme
        ).select_related("cohort")
    }
    invited = set(
        cohort.invitations.filter(status=Invitation.Status.PENDING).values_list("email", flat=True)
    )

    accepted: list[LearnerRow] = []
    for row in valid:
        user = users.get(row.email)
        reason = ""
        if row.email in invited:
            reason = "already has a pending invitation to this cohort"
        elif user is not None:
            memberships = organisations.get(user.pk, set())
            enrolment = enrolments.get(user.pk)
            if memberships and cohort.organisation_id not in memberships:
                reason = "belongs to another organisation"
            elif enrolment and enrolment.cohort_id == cohort.pk and enrolment.is_open:
                reason = "is already in this cohort"
            elif enrolment and enrolment.cohort_id not in (None, cohort.pk) and enrolment.is_open:
                reason = f"is already in the cohort “{enrolment.cohort.name}”"
        if reason:
            problems.append(RowProblem(row.line, row.email, reason))
        else:
            accepted.append(row)
    problems.sort(key=lambda problem: problem.line)
    return accepted, problems


def _status_before_withdrawal(enrolment: Enrolment) -> str:
    """What a restored enrolment goes back to: completed, paused or active."""
    if enrolment.completed_at is not None:
        return Enrolment.Status.COMPLETED
    if enrolment.pauses.filter(ended_at__isnull=True).exists():
        return Enrolment.Status.PAUSED
    return Enrolment.Status.ACTIVE


def _join(
    *, cohort: Cohort, user: User, now: datetime.datetime, snapshot: bool = True
) -> tuple[Enrolment, bool]:
    """Puts an existing account in the cohort; returns (enrolment, restored).
    `snapshot=False` leaves the assessment to a caller joining many."""
    if not Membership.objects.filter(user=user, organisation=cohort.organisation).exists():
        Membership.objects.create(
            user=user, organisation=cohort.organisation, role=Membership.Role.TRAINEE
        )
    enrolment = (
        Enrolment.objects.select_for_update().filter(user=user, programme=cohort.programme).first()
    )
    if enrolment is None:
        return (
            enrolment_create(
                user=user,
                programme=cohort.programme,
                cohort=cohort,
                started_at=cohort.starts_at,
                length_days=cohort.length_days,
                snapshot=snapshot,
            ),
            False,
        )
    restored = enrolment.status == Enrolment.Status.WITHDRAWN
    if restored:
        enrolment.status = _status_before_withdrawal(enrolment)
        _history(enrolment, HistoryEvent.Kind.RESTORED, f"Restored to {cohort.name}", now)
    if enrolment.cohort_id != cohort.pk:
        # A self-paced learner joins the cohort and keeps all their work.
        enrolment.cohort = cohort
        enrolment.started_at = cohort.starts_at
        enrolment.length_days = cohort.length_days
        _history(enrolment, HistoryEvent.Kind.ENROLLED, f"Joined {cohort.name}", now)
    enrolment.save()
    if snapshot:
        _snapshot(enrolment, now)
    return enrolment, restored


def _invitation_budget(by: User | None, now: datetime.datetime) -> int:
    """How many more invitations `by` may send this hour (a rate limit kept in
    the database, so it holds across processes and while Redis is away)."""
    if by is None:
        return settings.INVITATIONS_PER_HOUR
    hour_ago = now - datetime.timedelta(hours=1)
    sent = AuditEvent.objects.filter(
        actor=by, action__in=["cohort.add_learners", "invitation.resend"], created_at__gte=hour_ago
    ).values_list("detail", flat=True)
    used = sum(int(detail.get("invited", 1)) for detail in sent)
    return settings.INVITATIONS_PER_HOUR - used


@transaction.atomic
def cohort_add_learners(*, cohort: Cohort, rows: list[LearnerRow], by: User) -> AddResult:
    """Enrols the rows' existing accounts and invites everyone else.

    Validates again inside the transaction, so a list checked a minute ago
    cannot add someone who has since joined another organisation.
    """
    from progress.tasks import enqueue_invitation

    if cohort.is_archived:
        raise CohortError("This cohort is archived: restore it before adding learners.")
    checked, problems = learner_rows_check(cohort=cohort, rows=rows)
    if problems:
        raise CohortError("; ".join(str(problem) for problem in problems))
    now = timezone.now()
    users = {
        user.email.lower(): user
        for user in User.objects.annotate(email_lower=Lower("email")).filter(
            email_lower__in=[row.email for row in checked]
        )
    }
    newcomers = len(checked) - len(users)
    budget = _invitation_budget(by, now)
    if newcomers > budget:
        raise CohortError(
            f"This list would send {newcomers} invitations, and you can send {max(budget, 0)} "
            "more this hour. Send the rest later."
        )
    result = AddResult()
    joined = []
    for row in checked:
        user = users.get(row.email)
        if user is not None:
            enrolment, restored = _join(cohort=cohort, user=user, now=now, snapshot=False)
            joined.append(enrolment)
            (result.restored if restored else result.enrolled).append(user)
            continue
        invitation = Invitation.objects.create(
            cohort=cohort,
            email=row.email,
            display_name=row.display_name,
            language=row.language,
            created_by=by,
            created_at=now,
            sent_at=now,
        )
        result.invited.append(invitation)
        enqueue_invitation(invitation.pk)
    audit_record(
        actor=by,
        action="cohort.add_learners",
        target=cohort.name,
        organisation=cohort.organisation_id,
        enrolled=len(result.enrolled),
        restored=len(result.restored),
        invited=len(result.invited),
    )
    # Everyone who joined, assessed together: seven queries, not seven each.
    snapshots_refresh(
        list(Enrolment.objects.filter(pk__in=[enrolment.pk for enrolment in joined])), now
    )
    return result


@transaction.atomic
def enrolment_withdraw(*, enrolment: Enrolment, by: User) -> None:
    """Takes a learner out of the cohort; every completion and submission stays."""
    now = timezone.now()
    changed = (
        Enrolment.objects.filter(pk=enrolment.pk)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .update(status=Enrolment.Status.WITHDRAWN)
    )
    if not changed:
        raise CohortError("This learner is already withdrawn.")
    _history(enrolment, HistoryEvent.Kind.WITHDRAWN, "Withdrawn from the cohort", now, actor=by)
    _audit_enrolment(enrolment, by, "enrolment.withdraw")


@transaction.atomic
def enrolment_restore(*, enrolment: Enrolment, by: User) -> None:
    now = timezone.now()
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status != Enrolment.Status.WITHDRAWN:
        raise CohortError("This learner is not withdrawn.")
    enrolment.status = _status_before_withdrawal(enrolment)
    enrolment.save(update_fields=["status"])
    _history(enrolment, HistoryEvent.Kind.RESTORED, "Restored to the cohort", now, actor=by)
    _audit_enrolment(enrolment, by, "enrolment.restore")
    _snapshot(enrolment, now)


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: User | None = None) -> Invitation:
    from progress.tasks import enqueue_invitation

    now = timezone.now()
    if _invitation_budget(by, now) < 1:
        raise CohortError("You have sent as many invitations as allowed this hour. Try later.")
    changed = Invitation.objects.filter(pk=invitation.pk, status=Invitation.Status.PENDING).update(
        sent_at=now, send_count=F("send_count") + 1
    )
    if not changed:
        raise CohortError("Only a pending invitation can be sent again.")
    enqueue_invitation(invitation.pk)
    invitation.refresh_from_db()
    audit_record(
        actor=by,
        action="invitation.resend",
        target=invitation.email,
        organisation=invitation.cohort.organisation_id,
    )
    return invitation


def invitation_revoke(*, invitation: Invitation, by: User | None = None) -> None:
    changed = Invitation.objects.filter(pk=invitation.pk, status=Invitation.Status.PENDING).update(
        status=Invitation.Status.REVOKED
    )
    if not changed:
        raise CohortError("Only a pending invitation can be revoked.")
    audit_record(
        actor=by,
        action="invitation.revoke",
        target=invitation.email,
        organisation=invitation.cohort.organisation_id,
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Enrolment:
    """Puts `user` in the invitation's cohort: their address must be the invited one."""
    now = timezone.now()
    invitation = (
        Invitation.objects.select_for_update().select_related("cohort").get(pk=invitation.pk)
    )
    if invitation.status != Invitation.Status.PENDING:
        raise CohortError("This invitation is no longer open.")
    if invitation.is_expired(now):
        raise CohortError("This invitation has expired: ask your trainer to send it again.")
    if not user.emailaddress_set.filter(email__iexact=invitation.email, verified=True).exists():
        raise CohortError(f"This invitation is for {invitation.email}: sign in with that address.")
    memberships = set(user.memberships.values_list("organisation_id", flat=True))
    if memberships and invitation.cohort.organisation_id not in memberships:
        raise CohortError("Your account belongs to another organisation.")
    if invitation.display_name and not user.display_name:
        user.display_name = invitation.display_name
        user.save(update_fields=["display_name"])
    enrolment, _ = _join(cohort=invitation.cohort, user=user, now=now)
    invitation.status = Invitation.Status.ACCEPTED
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["status", "accepted_at", "accepted_by"])
    return enrolment


def invitations_accept_for_email(*, user: User, email: str) -> list[Enrolment]:
    """Accepts the open invitations for a newly confirmed address, newest first.

    One programme has one enrolment per learner, so once one invitation has
    placed them, the others for the same programme stay pending for a trainer
    to see and revoke.
    """
    now = timezone.now()
    joined = []
    programmes: set[int] = set()
    pending = Invitation.objects.filter(
        email__iexact=email, status=Invitation.Status.PENDING
    ).select_related("cohort")
    for invitation in pending.order_by("-sent_at"):
        if invitation.is_expired(now) or invitation.cohort.programme_id in programmes:
            continue
        try:
            joined.append(invitation_accept(invitation=invitation, user=user))
        except CohortError:
            continue
        programmes.add(invitation.cohort.programme_id)
    return joined
