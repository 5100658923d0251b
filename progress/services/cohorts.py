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
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.invitations import InvitationError, invitation_resend_check
from accounts.models import AuditEvent, Membership, Organisation, User
from accounts.services import audit_record
from curriculum.models import Programme
from progress.assessments import snapshots_refresh
from progress.models import Cohort, Enrolment, HistoryEvent, Invitation
from progress.services.study import (
    _audit_enrolment,
    _history,
    _snapshot,
    enrolment_create,
    progress_refresh,
)
from progress.services.transfer import work_copy
from progress.tasks import enqueue_invitation

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
        return _("Line %(line)s: %(value)s: %(reason)s") % {
            "line": self.line,
            "value": self.value or _("(empty)"),
            "reason": self.reason,
        }


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
        raise CohortError(_("A programme lasts at least one day."))
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


def cohort_snapshots_complete(*, cohort: Cohort, now: datetime.datetime) -> int:
    """Assesses the cohort's enrolments that never were (written in bulk, or
    before snapshots existed), so its page sorts and counts them: one query
    when there are none. Returns how many it assessed."""
    unassessed = list(Enrolment.objects.filter(cohort=cohort, assessed_at__isnull=True))
    if unassessed:
        snapshots_refresh(unassessed, now)
    return len(unassessed)


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
        raise CohortError(_("A programme lasts at least one day."))
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
            return [], [
                RowProblem(0, "", _("the file is larger than %(limit)s kB") % {"limit": limit})
            ]
        try:
            decoded = csv_bytes.decode("utf-8-sig")
        except UnicodeDecodeError:
            return [], [RowProblem(0, "", _("the file is not UTF-8 text: save it as “CSV UTF-8”"))]
        if "\0" in decoded:
            return [], [RowProblem(0, "", _("the file is not a CSV text file"))]
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
                    problems.append(RowProblem(line, cells[0], _("has more than three columns")))
                    continue
                email, name, language = [*cells, "", ""][:3]
                rows.append(LearnerRow(line, email, name, language.lower()))
        except csv.Error as error:
            problems.append(
                RowProblem(
                    reader.line_num, "", _("cannot be read as CSV (%(error)s)") % {"error": error}
                )
            )
    else:
        for line, content in enumerate(text.splitlines(), start=1):
            for item in _SPLIT.split(content.strip()):
                if item:
                    rows.append(LearnerRow(line, item))
    if len(rows) > MAX_ROWS:
        return [], [
            RowProblem(
                0,
                "",
                _("more than %(count)s learners at once: split the list") % {"count": MAX_ROWS},
            )
        ]
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
    """Keeps the rows that can be added and reports the others.

    Whether an address has an account, or belongs to another organisation, is
    never said: anyone outside the cohort's organisation is invited like a new
    address, so the answer is the same whatever the address.
    """
    problems = list(problems or [])
    valid: list[LearnerRow] = []
    seen: dict[str, int] = {}
    for row in rows:
        email = row.email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            problems.append(RowProblem(row.line, row.email, _("is not a valid e-mail address")))
            continue
        if len(email) > EMAIL_MAX_LENGTH:
            problems.append(
                RowProblem(row.line, row.email[:60] + "…", _("is longer than 254 characters"))
            )
            continue
        if email in seen:
            problems.append(
                RowProblem(
                    row.line,
                    row.email,
                    _("is a duplicate of line %(line)s") % {"line": seen[email]},
                )
            )
            continue
        seen[email] = row.line
        if row.language and row.language not in LANGUAGES:
            known = ", ".join(LANGUAGES)
            problems.append(
                RowProblem(
                    row.line,
                    row.language,
                    _("is not a language we offer (%(known)s)") % {"known": known},
                )
            )
            continue
        if len(row.display_name) > 150:
            problems.append(
                RowProblem(row.line, row.email, _("has a name longer than 150 characters"))
            )
            continue
        valid.append(LearnerRow(row.line, email, row.display_name, row.language))

    members = access.members_by_email(
        organisation_id=cohort.organisation_id, emails=[row.email for row in valid]
    )
    # Only this organisation's own enrolments are looked at: what a learner
    # does elsewhere is not this trainer's to know.
    open_here = {
        e.user_id: e
        for e in access.organisation_enrolments(organisation_id=cohort.organisation_id)
        .filter(user__in=members.values(), programme=cohort.programme)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("cohort")
    }
    invited = set(
        cohort.invitations.filter(status=Invitation.Status.PENDING).values_list("email", flat=True)
    )

    accepted: list[LearnerRow] = []
    for row in valid:
        member = members.get(row.email)
        enrolment = open_here.get(member.pk) if member is not None else None
        reason = ""
        if row.email in invited:
            reason = _("already has a pending invitation to this cohort")
        elif enrolment is not None and enrolment.cohort_id == cohort.pk:
            reason = _("is already in this cohort")
        elif enrolment is not None:
            reason = _("is already in the cohort “%(cohort)s”") % {"cohort": enrolment.cohort.name}
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
    """Puts an account in the cohort; returns (enrolment, restored).

    An enrolment belongs to the organisation of its cohort for ever: only an
    open or withdrawn enrolment in a cohort of the same organisation is moved
    or restored here. Anything else (self-paced work, another organisation's
    record) is left where it is and a new enrolment starts; the caller has
    closed any open one first. `snapshot=False` leaves the assessment to a
    caller joining many.
    """
    cohort.organisation.memberships.get_or_create(
        user=user, defaults={"role": Membership.Role.TRAINEE}
    )
    mine = Enrolment.objects.select_for_update().filter(user=user, programme=cohort.programme)
    open_enrolment = mine.exclude(status=Enrolment.Status.WITHDRAWN).first()
    if open_enrolment is not None and (
        open_enrolment.cohort_id is None
        or open_enrolment.cohort.organisation_id != cohort.organisation_id
    ):
        raise CohortError(
            _("This learner is still enrolled elsewhere: they must accept an invitation to join.")
        )
    enrolment = open_enrolment or (
        access.organisation_enrolments(organisation_id=cohort.organisation_id)
        .select_for_update()
        .filter(user=user, programme=cohort.programme, status=Enrolment.Status.WITHDRAWN)
        .order_by("-created_at", "-pk")
        .first()
    )
    if enrolment is None:
        created = enrolment_create(
            user=user,
            programme=cohort.programme,
            cohort=cohort,
            started_at=cohort.starts_at,
            length_days=cohort.length_days,
            snapshot=False,
        )
        # Standings follow the learner's current enrolment: start them afresh.
        progress_refresh(enrolment=created, now=now)
        if snapshot:
            _snapshot(created, now)
        return created, False
    restored = enrolment.status == Enrolment.Status.WITHDRAWN
    if restored:
        enrolment.status = _status_before_withdrawal(enrolment)
        _history(enrolment, HistoryEvent.Kind.RESTORED, now, cohort=cohort.name)
    if enrolment.cohort_id != cohort.pk:
        # Another cohort of the same organisation: the record stays with it.
        enrolment.cohort = cohort
        enrolment.started_at = cohort.starts_at
        enrolment.length_days = cohort.length_days
        _history(enrolment, HistoryEvent.Kind.ENROLLED, now, cohort=cohort.name)
    enrolment.save()
    if restored:
        progress_refresh(enrolment=enrolment, now=now)
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
    """Enrols the rows who already belong to the cohort's organisation and
    invites everyone else, accounts or not: nobody outside it joins, or shows
    a trainer their earlier work, without accepting.

    Validates again inside the transaction, so a list checked a minute ago
    cannot add someone who has since joined another cohort.
    """
    if cohort.is_archived:
        raise CohortError(_("This cohort is archived: restore it before adding learners."))
    checked, problems = learner_rows_check(cohort=cohort, rows=rows)
    if problems:
        raise CohortError("; ".join(str(problem) for problem in problems))
    now = timezone.now()
    members = access.members_by_email(
        organisation_id=cohort.organisation_id, emails=[row.email for row in checked]
    )
    # A member studying elsewhere (self-paced, or with another organisation)
    # decides for themselves whether to move: they are invited too.
    elsewhere = set(
        Enrolment.objects.filter(user__in=members.values(), programme=cohort.programme)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .exclude(
            pk__in=access.organisation_enrolments(organisation_id=cohort.organisation_id).values(
                "pk"
            )
        )
        .values_list("user_id", flat=True)
    )
    members = {email: user for email, user in members.items() if user.pk not in elsewhere}
    newcomers = len(checked) - len(members)
    budget = _invitation_budget(by, now)
    if newcomers > budget:
        raise CohortError(
            _(
                "This list would send %(newcomers)s invitations, and you can send %(budget)s "
                "more this hour. Send the rest later."
            )
            % {"newcomers": newcomers, "budget": max(budget, 0)}
        )
    result = AddResult()
    joined = []
    for row in checked:
        user = members.get(row.email)
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
        raise CohortError(_("This learner is already withdrawn."))
    _history(enrolment, HistoryEvent.Kind.WITHDRAWN, now, actor=by)
    _audit_enrolment(enrolment, by, "enrolment.withdraw")


@transaction.atomic
def enrolment_restore(*, enrolment: Enrolment, by: User) -> None:
    now = timezone.now()
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status != Enrolment.Status.WITHDRAWN:
        raise CohortError(_("This learner is not withdrawn."))
    if (
        Enrolment.objects.filter(user_id=enrolment.user_id, programme_id=enrolment.programme_id)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .exists()
    ):
        raise CohortError(
            _(
                "This record cannot be reopened: the learner has since started the programme "
                "again. Invite them to the cohort if they are to come back."
            )
        )
    enrolment.status = _status_before_withdrawal(enrolment)
    enrolment.save(update_fields=["status"])
    _history(enrolment, HistoryEvent.Kind.RESTORED, now, actor=by)
    _audit_enrolment(enrolment, by, "enrolment.restore")
    _snapshot(enrolment, now)


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: User | None = None) -> Invitation:
    """Sends a pending invitation again: at most once a day, and at most
    `INVITATION_MAX_SENDS` times in all, so nobody's inbox is flooded."""
    now = timezone.now()
    if _invitation_budget(by, now) < 1:
        raise CohortError(_("You have sent as many invitations as allowed this hour. Try later."))
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise CohortError(_("Only a pending invitation can be sent again."))
    try:
        invitation_resend_check(
            send_count=invitation.send_count, sent_at=invitation.sent_at, now=now
        )
    except InvitationError as error:
        raise CohortError(str(error)) from None
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=now, send_count=F("send_count") + 1)
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
        raise CohortError(_("Only a pending invitation can be revoked."))
    audit_record(
        actor=by,
        action="invitation.revoke",
        target=invitation.email,
        organisation=invitation.cohort.organisation_id,
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User, bring_work: bool = False) -> Enrolment:
    """Puts `user` in the invitation's cohort: their address must be the invited one.

    This is the learner's own decision. An open enrolment elsewhere (self-paced,
    or another organisation's) is closed and stays with its owner; with
    `bring_work`, the learner's own work from it is copied into the new one,
    never a trainer's feedback or review.
    """
    now = timezone.now()
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("cohort__organisation")
        .get(pk=invitation.pk)
    )
    if invitation.status != Invitation.Status.PENDING:
        raise CohortError(_("This invitation is no longer open."))
    if invitation.is_expired(now):
        raise CohortError(_("This invitation has expired: ask your trainer to send it again."))
    if not user.emailaddress_set.filter(email__iexact=invitation.email, verified=True).exists():
        raise CohortError(
            _("This invitation is for %(email)s: sign in with that address.")
            % {"email": invitation.email}
        )
    cohort = invitation.cohort
    if invitation.display_name and not user.display_name:
        user.display_name = invitation.display_name
        user.save(update_fields=["display_name"])
    previous = invitation_previous_enrolment(invitation=invitation, user=user)
    if previous is not None and previous.is_open:
        _leave(previous, cohort, now)
    enrolment, _unused = _join(cohort=cohort, user=user, now=now, snapshot=False)
    if (
        bring_work
        and previous is not None
        and work_copy(source=previous, target=enrolment, now=now)
    ):
        progress_refresh(enrolment=enrolment, now=now)
    _snapshot(enrolment, now)
    invitation.status = Invitation.Status.ACCEPTED
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["status", "accepted_at", "accepted_by"])
    audit_record(
        actor=user,
        action="invitation.accept",
        target=invitation.email,
        organisation=cohort.organisation_id,
        brought_work=bool(bring_work and previous is not None),
    )
    return enrolment


def invitation_previous_enrolment(*, invitation: Invitation, user: User) -> Enrolment | None:
    """The learner's own record that joining would leave behind: their open
    enrolment if it is self-paced or another organisation's, else their newest
    withdrawn one from another organisation. None when joining continues a
    record of the cohort's own organisation, or starts the first."""
    cohort = invitation.cohort
    mine = Enrolment.objects.filter(user=user, programme=cohort.programme).select_related(
        "cohort__organisation"
    )
    open_enrolment = mine.exclude(status=Enrolment.Status.WITHDRAWN).first()
    if open_enrolment is not None:
        here = (
            open_enrolment.cohort_id is not None
            and open_enrolment.cohort.organisation_id == cohort.organisation_id
        )
        return None if here else open_enrolment
    earlier_here = access.organisation_enrolments(organisation_id=cohort.organisation_id)
    if earlier_here.filter(user=user, programme=cohort.programme).exists():
        return None  # an earlier record of this organisation is restored
    return mine.order_by("-created_at", "-pk").first()


def _leave(enrolment: Enrolment, cohort: Cohort, now: datetime.datetime) -> None:
    """Closes the learner's open enrolment elsewhere, by their own choice."""
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.WITHDRAWN)
    enrolment.status = Enrolment.Status.WITHDRAWN
    _history(enrolment, HistoryEvent.Kind.WITHDRAWN, now, left=True)
    if enrolment.cohort_id is not None:
        audit_record(
            actor=enrolment.user,
            action="enrolment.leave",
            target=enrolment.user.email,
            organisation=enrolment.cohort.organisation_id,
        )
    _snapshot(enrolment, now)


def invitations_accept_for_email(*, user: User, email: str) -> list[Enrolment]:
    """Accepts the open invitations for the address of a new account, newest first.

    Signing up with an invited address is accepting. An account that already
    studies or belongs somewhere accepts on the invitation's page instead,
    where it sees what joining means for its earlier work. One programme has
    one open enrolment per learner, so once one invitation has placed them,
    the others for the same programme stay pending for a trainer to see and
    revoke.
    """
    if user.enrolments.exists() or user.memberships.exists():
        return []
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
