"""Writes: issuing credentials, sharing, revoking, and an organisation's policy."""

from __future__ import annotations

import datetime
import logging
import secrets
import uuid

from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, OuterRef, Subquery, When
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.services import audit_record
from competences.models import Competence, Standing
from credentials import achievements, jose
from credentials.documents import CREDENTIAL_TYPE, PLATFORM_NAME, Issuer, credential_document
from credentials.keys import active_key
from credentials.models import Credential, IssuingPolicy
from credentials.statuslist import MIN_LENGTH
from progress.models import Enrolment, MilestoneAchievement
from progress.timemodel import MILESTONE_HORIZONS, Milestone

log = logging.getLogger(__name__)

# Attempts at a free random bit in the status list before giving up: with the
# list kept at most half full, five collisions in a row are next to impossible.
STATUS_INDEX_ATTEMPTS = 5
DELETED_ACCOUNT_REASON = "The account was deleted."
LOGO_TYPES = {"image/png", "image/jpeg"}
LOGO_MAX_BYTES = 200_000


class CredentialError(Exception):
    """An action on a credential that cannot be done, with a message to show."""


# Policy ---------------------------------------------------------------------


def _competences() -> list[Competence]:
    return list(Competence.objects.order_by("order"))


def policy_of(organisation: Organisation | None) -> IssuingPolicy | None:
    if organisation is None:
        return None
    try:
        return organisation.issuing_policy
    except IssuingPolicy.DoesNotExist:
        return None


def achievements_issued(policy: IssuingPolicy | None, competences: list[Competence]) -> set[str]:
    """The achievement keys that earn a credential: the platform's defaults
    (every one) for self-paced learners and organisations that chose nothing."""
    if policy is None:
        return set(achievements.all_keys(competences))
    return set(policy.achievements)


def issuer_of(organisation: Organisation | None, policy: IssuingPolicy | None) -> Issuer:
    if organisation is None:
        return Issuer(PLATFORM_NAME)
    name = (policy.issuer_name if policy else "") or organisation.name
    if policy is not None and policy.logo:
        return Issuer(name, bytes(policy.logo), policy.logo_type)
    return Issuer(name)


@transaction.atomic
def policy_save(
    *,
    organisation: Organisation,
    chosen: list[str],
    issuer_name: str,
    logo: bytes | None,
    logo_type: str = "",
    remove_logo: bool = False,
    by: User,
) -> IssuingPolicy:
    known = set(achievements.all_keys(_competences()))
    unknown = set(chosen) - known
    if unknown:
        raise CredentialError(
            _("Unknown achievements: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}
        )
    policy, _unused = IssuingPolicy.objects.get_or_create(organisation=organisation)
    policy.achievements = [key for key in achievements.all_keys(_competences()) if key in chosen]
    policy.issuer_name = issuer_name.strip()
    if remove_logo:
        policy.logo, policy.logo_type = None, ""
    elif logo is not None:
        if logo_type not in LOGO_TYPES or len(logo) > LOGO_MAX_BYTES:
            raise CredentialError(_("The logo must be a PNG or JPEG image of at most 200 KB."))
        policy.logo, policy.logo_type = logo, logo_type
    policy.updated_by = by
    policy.save()
    audit_record(
        actor=by,
        action="credential_policy_changed",
        target=organisation.name,
        organisation=organisation,
        achievements=", ".join(policy.achievements) or "none",
    )
    return policy


# Issuing --------------------------------------------------------------------


def _aligned_competences(enrolment: Enrolment, milestone: Milestone) -> list[Competence]:
    """The competences whose stages hold work that the milestone needs."""
    horizons = []
    for item in Milestone:
        horizons.append(MILESTONE_HORIZONS[item])
        if item is milestone:
            break
    return list(
        Competence.objects.filter(
            stages__programme_id=enrolment.programme_id,
            stages__retired_at__isnull=True,
            stages__modules__horizon__in=horizons,
        )
        .distinct()
        .order_by("order")
    )


def _sign_and_store(
    *,
    enrolment: Enrolment,
    achievement: achievements.Achievement,
    earned_at: datetime.datetime,
    now: datetime.datetime,
    unique: dict,
) -> Credential | None:
    """Signs and stores one credential; returns None if it existed already."""
    organisation = enrolment.cohort.organisation if enrolment.cohort_id else None
    policy = policy_of(organisation)
    if achievement.key not in achievements_issued(policy, _competences()):
        return None
    issuer = issuer_of(organisation, policy)
    key = active_key()
    user = enrolment.user
    # Random bits, not a counter: neighbouring bits must not tell a watcher of
    # the list which credentials were issued together.
    capacity = max(MIN_LENGTH, 2 * (Credential.objects.count() + 1))
    for _attempt in range(STATUS_INDEX_ATTEMPTS):
        public_id = uuid.uuid4()
        status_index = secrets.randbelow(capacity)
        document = credential_document(
            public_id=str(public_id),
            achievement=achievement,
            issuer=issuer,
            learner_name=user.get_full_name(),
            learner_email=user.email,
            earned_at=earned_at,
            issued_at=now,
            status_index=status_index,
        )
        try:
            with transaction.atomic():
                return Credential.objects.create(
                    **{
                        "public_id": public_id,
                        "user": user,
                        "enrolment": enrolment,
                        "organisation": organisation,
                        "achievement_name": achievement.name,
                        "issuer_name": issuer.display_name,
                        "earned_at": earned_at,
                        "issued_at": now,
                        "status_index": status_index,
                        "key_id": key.kid,
                        "token": jose.sign(document, key, typ=CREDENTIAL_TYPE),
                        **unique,
                    }
                )
        except IntegrityError:
            if Credential.objects.filter(**unique).exists():
                return None  # issued by another worker meanwhile: once is enough
    raise CredentialError(_("No free place in the status list; try again."))


def credential_issue_for_milestone(
    *, achievement_id: int, now: datetime.datetime
) -> Credential | None:
    """The credential of a milestone reached, once; None if it exists or the
    learner's organisation does not issue one for it."""
    reached = (
        MilestoneAchievement.objects.select_related(
            "enrolment__user", "enrolment__cohort__organisation"
        )
        .filter(pk=achievement_id)
        .first()
    )
    if reached is None:
        return None
    enrolment = reached.enrolment
    if not enrolment.user.is_active:
        return None
    milestone = Milestone(reached.milestone)
    unique = {"kind": Credential.Kind.MILESTONE, "enrolment": enrolment, "milestone": milestone}
    if Credential.objects.filter(**unique).exists():
        return None
    return _sign_and_store(
        enrolment=enrolment,
        achievement=achievements.milestone_achievement(
            milestone, _aligned_competences(enrolment, milestone)
        ),
        earned_at=reached.achieved_at,
        now=now,
        unique=unique,
    )


def _enrolments_latest_first(enrolments):
    """Open enrolments first, then withdrawn ones; the latest first in each."""
    withdrawn = Case(When(status=Enrolment.Status.WITHDRAWN, then=1), default=0)
    return enrolments.order_by(withdrawn, "-started_at", "-pk")


def _enrolment_of(user_id: int) -> Enrolment | None:
    """The enrolment a competence was shown in: the learner's latest open one,
    or their latest of any kind."""
    enrolments = Enrolment.objects.filter(user_id=user_id).select_related(
        "user", "cohort__organisation"
    )
    return _enrolments_latest_first(enrolments).first()


def credential_issue_for_standing(*, standing_id: int, now: datetime.datetime) -> Credential | None:
    """The credential of a competence demonstrated, once per learner."""
    standing = (
        Standing.objects.select_related("competence")
        .filter(pk=standing_id, state=Standing.State.DEMONSTRATED)
        .first()
    )
    if standing is None:
        return None
    unique = {
        "kind": Credential.Kind.COMPETENCE,
        "user_id": standing.user_id,
        "competence": standing.competence,
    }
    if Credential.objects.filter(**unique).exists():
        return None
    enrolment = _enrolment_of(standing.user_id)
    if enrolment is None or not enrolment.user.is_active:
        return None
    competence = Competence.objects.prefetch_related("outcomes").get(pk=standing.competence_id)
    return _sign_and_store(
        enrolment=enrolment,
        achievement=achievements.competence_achievement(competence),
        earned_at=standing.demonstrated_at or now,
        now=now,
        unique={
            "kind": Credential.Kind.COMPETENCE,
            "user": enrolment.user,
            "competence": competence,
        },
    )


def credentials_missing(*, limit: int) -> tuple[list[int], list[int]]:
    """(milestone achievement ids, standing ids) that should have a credential
    and have none: what a lost task or a broker outage left behind. At most
    `limit` of each, oldest first."""
    competences = _competences()
    policies = {policy.organisation_id: policy for policy in IssuingPolicy.objects.all()}
    keys = {
        organisation_id: achievements_issued(policy, competences)
        for organisation_id, policy in policies.items()
    }
    every = set(achievements.all_keys(competences))

    def allowed(organisation_id: int | None, key: str) -> bool:
        return key in keys.get(organisation_id, every)

    issued_milestone = Credential.objects.filter(
        kind=Credential.Kind.MILESTONE,
        enrolment=OuterRef("enrolment"),
        milestone=OuterRef("milestone"),
    )
    milestone_rows = (
        MilestoneAchievement.objects.filter(
            ~Exists(issued_milestone), enrolment__user__is_active=True
        )
        .order_by("pk")
        .values_list("pk", "milestone", "enrolment__cohort__organisation")
    )
    milestones = []
    for pk, milestone, organisation_id in milestone_rows.iterator(chunk_size=500):
        if allowed(organisation_id, achievements.milestone_key(milestone)):
            milestones.append(pk)
            if len(milestones) >= limit:
                break

    issued_competence = Credential.objects.filter(
        kind=Credential.Kind.COMPETENCE, user=OuterRef("user"), competence=OuterRef("competence")
    )
    # The organisation of the enrolment `_enrolment_of` would pick, in the same query.
    latest = _enrolments_latest_first(Enrolment.objects.filter(user=OuterRef("user")))
    standing_rows = (
        Standing.objects.filter(
            ~Exists(issued_competence),
            Exists(latest),
            state=Standing.State.DEMONSTRATED,
            user__is_active=True,
        )
        .annotate(issuer=Subquery(latest.values("cohort__organisation")[:1]))
        .order_by("pk")
        .values_list("pk", "competence__slug", "issuer")
    )
    standings = []
    for pk, slug, organisation_id in standing_rows.iterator(chunk_size=500):
        if allowed(organisation_id, achievements.competence_key(slug)):
            standings.append(pk)
            if len(standings) >= limit:
                break
    return milestones, standings


# Sharing and revoking ---------------------------------------------------------


def credential_share(*, credential: Credential, shared: bool, share_name: bool) -> Credential:
    if credential.is_revoked and shared:
        raise CredentialError(_("A revoked credential cannot be shared."))
    if not credential.token:
        raise CredentialError(_("This credential no longer exists."))
    credential.shared = shared
    credential.share_name = share_name
    credential.save(update_fields=["shared", "share_name"])
    return credential


@transaction.atomic
def credential_revoke(
    *, credential: Credential, by: User, reason: str, now: datetime.datetime
) -> bool:
    """Revokes the credential, audited; returns False if it was revoked already."""
    reason = reason.strip()
    if not reason:
        raise CredentialError(_("Say why the credential is revoked."))
    changed = Credential.objects.filter(pk=credential.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=by, revoked_reason=reason[:500], shared=False
    )
    if changed:
        audit_record(
            actor=by,
            action="credential_revoked",
            target=credential.user.email,
            organisation=credential.organisation_id,
            credential=credential.achievement_name,
            reason=reason,
        )
        credential.refresh_from_db()
    return bool(changed)


def credentials_forget_account(*, user: User, now: datetime.datetime) -> int:
    """A deleted account's credentials: revoked, unshared, and the signed copy
    (which names the learner) erased. Their bits stay set in the status list,
    so a copy the learner kept no longer verifies."""
    Credential.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=now, revoked_reason=DELETED_ACCOUNT_REASON
    )
    return Credential.objects.filter(user=user).update(shared=False, token="")
