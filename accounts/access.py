"""Who may see and change what: the one place that filters by organisation.

Every page, export, review, digest, monthly summary and task asks here; no
other module writes an organisation filter of its own. The rules:

- **Staff** (platform administrators) see every organisation and everything in it.
- **An organisation administrator** sees their organisations: the people,
  the audit log, every cohort, every enrolment and submission in it.
- **A trainer** sees a cohort only while listed on it *and* holding a
  trainer or administrator membership in the cohort's organisation: a
  trainer removed from an organisation loses its cohorts at once, even if
  a trainer list still names them.
- **A learner** sees their own records, which are fetched by their user and
  never by organisation (not here).

What a person may do is read once per request (`user_roles`, one query) and
passed to these functions with the user, so a page never asks twice.
Anything outside the rules answers 404, never "forbidden": a page must not
tell a stranger that a cohort or an organisation exists.

Cohorts, enrolments and submissions live in `progress`, and threads in
`discussions`, apps above this one: their models are looked up by name when
a function runs, so this module imports nothing from above.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.http import Http404

from accounts.models import AuditEvent, Membership, Organisation, User

if TYPE_CHECKING:  # pragma: no cover
    from discussions.models import PostReport, Thread
    from progress.models import Cohort, Enrolment, Submission


@dataclass(frozen=True)
class Roles:
    """What one user may do, read once per request from their memberships."""

    is_authenticated: bool = False
    is_staff: bool = False
    trainee_of: frozenset[int] = field(default_factory=frozenset)
    trainer_of: frozenset[int] = field(default_factory=frozenset)
    admin_of: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_trainer(self) -> bool:
        return bool(self.trainer_of)

    @property
    def is_org_admin(self) -> bool:
        return bool(self.admin_of)

    @property
    def trains_anywhere(self) -> bool:
        """May open the trainer's workspace: cohorts, reviews, reports."""
        return self.is_staff or bool(self.trainer_of or self.admin_of)

    @property
    def is_learner(self) -> bool:
        """Trainees learn; so does anyone with no role, at their own pace."""
        return self.is_authenticated and (
            bool(self.trainee_of) or not (self.trainer_of or self.admin_of or self.is_staff)
        )

    @property
    def is_self_paced(self) -> bool:
        return self.is_authenticated and not (self.trainee_of or self.trainer_of or self.admin_of)

    @property
    def training_in(self) -> frozenset[int]:
        """The organisations where this person may train a cohort."""
        return self.trainer_of | self.admin_of

    def can_manage(self, organisation: Organisation) -> bool:
        return self.is_staff or organisation.pk in self.admin_of

    def can_train_in(self, organisation: Organisation) -> bool:
        return self.can_manage(organisation) or organisation.pk in self.trainer_of


def user_roles(user: User) -> Roles:
    """One query: the user's memberships, whatever their number."""
    if not user.is_authenticated:
        return Roles()
    by_role: dict[str, set[int]] = {role: set() for role in Membership.Role.values}
    for organisation_id, role in Membership.objects.filter(user=user).values_list(
        "organisation_id", "role"
    ):
        by_role[role].add(organisation_id)
    return Roles(
        is_authenticated=True,
        is_staff=user.is_staff,
        trainee_of=frozenset(by_role[Membership.Role.TRAINEE]),
        trainer_of=frozenset(by_role[Membership.Role.TRAINER]),
        admin_of=frozenset(by_role[Membership.Role.ORG_ADMIN]),
    )


def _model(name: str):
    return apps.get_model("progress", name)


# Organisations -------------------------------------------------------------


def organisations_managed(*, user: User, roles: Roles) -> QuerySet[Organisation]:
    """The organisations whose people, audit log and reminders this person manages."""
    organisations = Organisation.objects.order_by("name")
    return organisations if roles.is_staff else organisations.filter(pk__in=roles.admin_of)


def organisation_managed(*, user: User, roles: Roles, slug: str) -> Organisation:
    """The organisation, if this person manages it; 404 otherwise."""
    organisation = organisations_managed(user=user, roles=roles).filter(slug=slug).first()
    if organisation is None:
        raise Http404("No such organisation.")
    return organisation


def organisation_sign_in_configurable(*, user: User, roles: Roles, slug: str) -> Organisation:
    """The organisation whose sign-in (identity provider, e-mail domains) this
    person sets: its administrators and staff; 404 for anyone else."""
    return organisation_managed(user=user, roles=roles, slug=slug)


def email_domains_verifiable(*, roles: Roles) -> bool:
    """Only platform administrators verify that a domain is an organisation's:
    a verified domain lets that organisation's identity provider speak for
    every address in it, so no organisation may vouch for itself."""
    return roles.is_staff


def email_domain_configurable(*, user: User, roles: Roles, organisation: Organisation, pk: int):
    """One of the organisation's claimed e-mail domains, for someone who sets
    its sign-in; 404 otherwise."""
    if not roles.can_manage(organisation):
        raise Http404("No such domain.")
    domain = (
        apps.get_model("sso", "OrganisationDomain")
        .objects.filter(organisation=organisation, pk=pk)
        .first()
    )
    if domain is None:
        raise Http404("No such domain.")
    return domain


def organisations_training(*, user: User, roles: Roles) -> QuerySet[Organisation]:
    """The organisations where this person may create a cohort and train it."""
    organisations = Organisation.objects.order_by("name")
    return organisations if roles.is_staff else organisations.filter(pk__in=roles.training_in)


def organisations_reported(*, user: User, roles: Roles) -> QuerySet[Organisation]:
    """The organisations this person's report covers: every one for staff,
    otherwise those of the cohorts they may see."""
    if roles.is_staff:
        return Organisation.objects.order_by("name")
    visible = cohorts_visible(user=user, roles=roles).values("organisation_id")
    return Organisation.objects.filter(pk__in=visible).order_by("name")


def organisation_benchmarked(*, roles: Roles) -> int | None:
    """The one organisation an administrator's report compares with the others'
    median; none for staff (they see every organisation) or anyone else."""
    if roles.is_staff or len(roles.admin_of) != 1:
        return None
    return next(iter(roles.admin_of))


def organisations_of(*, user_id: int, cohort_id: int | None = None) -> QuerySet[Organisation]:
    """The organisations that speak for a person: those they belong to, and
    that of the cohort a message is about (a crisis pause holds both)."""
    condition = Q(memberships__user_id=user_id)
    if cohort_id is not None:
        condition |= Q(cohorts__pk=cohort_id)
    return Organisation.objects.filter(pk__in=Organisation.objects.filter(condition).values("pk"))


def organisations_needing_successor(*, user: User) -> list[Organisation]:
    """The organisations `user` administers alone: no other administrator can log in.

    They may not give up the role (or close their account) until they name another.
    """
    other_admins = Membership.objects.filter(
        organisation=OuterRef("pk"), role=Membership.Role.ORG_ADMIN, user__is_active=True
    ).exclude(user=user)
    return list(
        Organisation.objects.filter(
            memberships__user=user, memberships__role=Membership.Role.ORG_ADMIN
        ).exclude(Exists(other_admins))
    )


def audit_events(*, user: User, roles: Roles, organisation: Organisation) -> QuerySet[AuditEvent]:
    """An organisation's audit log, newest first, for someone who manages it."""
    if not roles.can_manage(organisation):
        raise Http404("No such organisation.")
    return AuditEvent.objects.filter(organisation=organisation).select_related("actor")


# People ---------------------------------------------------------------------


def trainers_eligible(*, organisations: QuerySet[Organisation] | Iterable) -> QuerySet[User]:
    """Who may be put on a cohort's trainer list: trainers and administrators
    of the cohort's organisation."""
    holding = Membership.objects.filter(
        user=OuterRef("pk"), organisation__in=organisations, role__in=Membership.TRAINING_ROLES
    )
    return User.objects.filter(Exists(holding), is_active=True).order_by("email")


def trainer_places(*, user: User, organisation: Organisation) -> QuerySet:
    """The places on the trainer lists of the organisation's cohorts that
    `user` holds (what ending their training role there takes away)."""
    return _model("Cohort").trainers.through.objects.filter(
        user=user, cohort__organisation=organisation
    )


def members_by_email(*, organisation_id: int, emails: Iterable[str]) -> dict[str, User]:
    """The active accounts among `emails` that belong to the organisation, by
    lower-case address: one query."""
    members = User.objects.annotate(email_lower=Lower("email")).filter(
        email_lower__in=list(emails), is_active=True, memberships__organisation=organisation_id
    )
    return {member.email.lower(): member for member in members}


def summary_recipients() -> QuerySet[Membership]:
    """Who receives an organisation's monthly summary: its administrators."""
    return Membership.objects.filter(role=Membership.Role.ORG_ADMIN, user__is_active=True)


def summary_allowed(*, user: User, organisation_id: int) -> bool:
    return (
        organisations_managed(user=user, roles=user_roles(user)).filter(pk=organisation_id).exists()
    )


# Cohorts and what is in them -------------------------------------------------


def _trained_by(user: User) -> Q:
    """Cohorts `user` trains now: listed on them, and holding a training role
    in their organisation (checked by the caller through roles or a join)."""
    listed = _model("Cohort").trainers.through.objects.filter(user=user).values("cohort_id")
    return Q(pk__in=listed)


def cohorts_visible(
    *, user: User, roles: Roles, organisation_id: int | None = None
) -> QuerySet[Cohort]:
    """The cohorts this person may see (within one organisation, if given)."""
    Cohort = _model("Cohort")
    cohorts = Cohort.objects.select_related("organisation", "programme")
    if organisation_id is not None:
        cohorts = cohorts.filter(organisation_id=organisation_id)
    if roles.is_staff:
        return cohorts
    return cohorts.filter(
        Q(organisation_id__in=roles.admin_of)
        | (_trained_by(user) & Q(organisation_id__in=roles.trainer_of))
    )


def cohort_visible(*, user: User, roles: Roles, pk: int) -> Cohort:
    """The cohort, if this person may see it; 404 otherwise."""
    cohort = cohorts_visible(user=user, roles=roles).filter(pk=pk).first()
    if cohort is None:
        raise Http404("No such cohort.")
    return cohort


def cohorts_trained(*, user: User) -> QuerySet[Cohort]:
    """The cohorts `user` trains today (their weekly digest): listed on them and
    holding a training role in their organisation. Administrators are not sent
    a digest of every cohort of their organisation, only of those they train."""
    roles = user_roles(user)
    return cohorts_visible(user=user, roles=roles).filter(
        _trained_by(user), organisation_id__in=roles.training_in
    )


def digest_recipients() -> QuerySet:
    """(trainer id, time zone) of everyone who trains an active cohort with an
    active learner today: a set-based read for the planner."""
    Cohort = _model("Cohort")
    places = Cohort.trainers.through.objects.filter(
        cohort__archived_at__isnull=True,
        cohort__enrolments__status="active",
        user__is_active=True,
    ).filter(
        Exists(
            Membership.objects.filter(
                user=OuterRef("user_id"),
                organisation=OuterRef("cohort__organisation_id"),
                role__in=Membership.TRAINING_ROLES,
            )
        )
    )
    return places.order_by().values_list("user_id", "user__time_zone").distinct()


def enrolments_visible(
    *, user: User, roles: Roles, organisation_id: int | None = None
) -> QuerySet[Enrolment]:
    """The enrolments this person may report on: staff every one (self-paced
    included), everyone else those of the cohorts they see."""
    Enrolment = _model("Enrolment")
    enrolments = Enrolment.objects.all()
    if roles.is_staff and organisation_id is None:
        return enrolments
    # A subquery, not a join: a join on trainers would repeat each enrolment
    # once per trainer of its cohort, and grouped counts would count it twice.
    cohorts = cohorts_visible(user=user, roles=roles, organisation_id=organisation_id)
    return enrolments.filter(cohort_id__in=cohorts.values("pk"))


def enrolment_visible(*, user: User, roles: Roles, cohort: Cohort, pk: int) -> Enrolment:
    """A learner of a cohort this person sees (`cohort` comes from
    `cohort_visible`); 404 otherwise."""
    enrolment = (
        _model("Enrolment")
        .objects.filter(pk=pk, cohort=cohort)
        .select_related("user", "programme")
        .first()
    )
    if enrolment is None:
        raise Http404("No such learner in this cohort.")
    return enrolment


def organisation_enrolments(*, organisation_id: int) -> QuerySet[Enrolment]:
    """Every enrolment of an organisation's cohorts (its monthly summary)."""
    return _model("Enrolment").objects.filter(cohort__organisation_id=organisation_id)


def submissions_reviewable(*, user: User, roles: Roles) -> QuerySet[Submission]:
    """Practice work in the cohorts this person sees."""
    cohorts = cohorts_visible(user=user, roles=roles).values("pk")
    return _model("Submission").objects.filter(enrolment__cohort__in=cohorts)


def submission_reviewable(*, user: User, roles: Roles, pk: int) -> Submission:
    submission = (
        submissions_reviewable(user=user, roles=roles)
        .filter(pk=pk)
        .select_related(
            "enrolment__user", "enrolment__cohort", "activity__module__stage", "reviewed_by"
        )
        .first()
    )
    if submission is None:
        raise Http404("No such submission.")
    return submission


# Credentials -------------------------------------------------------------------


def credentials_revocable(*, user: User, roles: Roles, cohort: Cohort) -> QuerySet:
    """The credentials of a cohort's learners (`cohort` from `cohort_visible`),
    which the cohort's trainers and its organisation's administrators may revoke."""
    return apps.get_model("credentials", "Credential").objects.filter(enrolment__cohort=cohort)


def credential_revocable(*, user: User, roles: Roles, public_id) -> object:
    """A credential of a learner this person trains (staff: any learner's);
    404 otherwise."""
    enrolments = enrolments_visible(user=user, roles=roles).values("pk")
    credential = (
        apps.get_model("credentials", "Credential")
        .objects.filter(public_id=public_id, enrolment__in=enrolments)
        .select_related("user", "enrolment__cohort", "revoked_by")
        .first()
    )
    if credential is None:
        raise Http404("No such credential.")
    return credential


# The API --------------------------------------------------------------------
#
# An API token belongs to one organisation and reaches it as its administrators
# do, never further: no staff reach, no other organisation. The API asks the
# same functions as the pages, with the roles `api_roles` gives the token.


def api_roles(*, organisation_id: int) -> Roles:
    """What a token of `organisation_id` may see: that organisation, as its
    administrators see it."""
    return Roles(is_authenticated=True, admin_of=frozenset({organisation_id}))


def api_token_for_key(*, key_hash: str):
    """The live token with this hash, with its organisation and its creator,
    or None: revoked, unknown, or its creator no longer administers the
    organisation (nor is staff). One query."""
    creator_administers = Membership.objects.filter(
        user=OuterRef("created_by_id"),
        organisation=OuterRef("organisation_id"),
        role=Membership.Role.ORG_ADMIN,
    )
    return (
        apps.get_model("api", "ApiToken")
        .objects.filter(key_hash=key_hash, revoked_at__isnull=True, created_by__is_active=True)
        .filter(Exists(creator_administers) | Q(created_by__is_staff=True))
        .select_related("organisation", "created_by")
        .first()
    )


def api_tokens(*, user: User, roles: Roles, organisation: Organisation) -> QuerySet:
    """An organisation's API tokens, newest first, for someone who manages it."""
    if not roles.can_manage(organisation):
        raise Http404("No such organisation.")
    return (
        apps.get_model("api", "ApiToken")
        .objects.filter(organisation=organisation)
        .select_related("created_by", "revoked_by")
        .order_by("-created_at", "-pk")
    )


def webhook_endpoints(*, user: User, roles: Roles, organisation: Organisation) -> QuerySet:
    """An organisation's webhook endpoints, for someone who manages it."""
    if not roles.can_manage(organisation):
        raise Http404("No such organisation.")
    return (
        apps.get_model("api", "WebhookEndpoint")
        .objects.filter(organisation=organisation)
        .order_by("-created_at", "-pk")
    )


def webhook_deliveries(*, user: User, roles: Roles, organisation: Organisation) -> QuerySet:
    """The deliveries to an organisation's endpoints, newest first."""
    if not roles.can_manage(organisation):
        raise Http404("No such organisation.")
    return (
        apps.get_model("api", "WebhookDelivery")
        .objects.filter(endpoint__organisation=organisation)
        .select_related("event", "endpoint")
        .order_by("-event__occurred_at", "-pk")
    )


def webhook_endpoints_live(*, cohort_id: int) -> QuerySet:
    """The endpoints of the organisation of a cohort that receive its events
    (the caller keeps those that asked for the event at hand: a few rows).
    One query, so a learner's progress costs one more when nobody listens."""
    return apps.get_model("api", "WebhookEndpoint").objects.filter(
        organisation__cohorts=cohort_id, disabled_at__isnull=True
    )


def organisation_members(*, user: User, roles: Roles, organisation: Organisation) -> QuerySet:
    """An organisation's memberships with their people, for someone who manages it."""
    if not roles.can_manage(organisation):
        raise Http404("No such organisation.")
    return Membership.objects.filter(organisation=organisation).select_related("user")


def completions_visible(*, user: User, roles: Roles) -> QuerySet:
    """The completions of the enrolments this person may report on."""
    enrolments = enrolments_visible(user=user, roles=roles).values("pk")
    return _model("Completion").objects.filter(enrolment__in=enrolments)


# The practice sandbox ------------------------------------------------------------


def _sandbox(name: str):
    return apps.get_model("sandbox", name)


def sandbox_runs_visible(*, user: User, roles: Roles) -> QuerySet:
    """Sandbox runs this person may watch: their own, and those of learners in
    the cohorts they see (a cohort's trainers, its organisation's
    administrators, staff). A self-paced learner's run is theirs alone."""
    condition = Q(learner=user)
    if roles.trains_anywhere:
        cohorts = cohorts_visible(user=user, roles=roles).values("pk")
        condition |= Q(enrolment__cohort__in=cohorts)
    return _sandbox("Run").objects.filter(condition)


def sandbox_run_visible(*, user: User, roles: Roles, pk: int) -> object:
    """A run this person may watch (see `sandbox_runs_visible`); 404 otherwise."""
    run = (
        sandbox_runs_visible(user=user, roles=roles)
        .filter(pk=pk)
        .select_related("scenario", "live", "learner", "enrolment__cohort", "activity")
        .first()
    )
    if run is None:
        raise Http404("No such run.")
    return run


def sandbox_run_own(*, user: User, pk: int) -> object:
    """A run of this learner's own, which only they may play; 404 otherwise."""
    run = (
        _sandbox("Run")
        .objects.filter(pk=pk, learner=user)
        .select_related("scenario", "live", "activity", "enrolment")
        .first()
    )
    if run is None:
        raise Http404("No such run.")
    return run


def sandbox_live_runs(*, user: User, roles: Roles, cohort: Cohort) -> QuerySet:
    """The live runs of a cohort (`cohort` from `cohort_visible`)."""
    return _sandbox("LiveRun").objects.filter(cohort=cohort).select_related("scenario")


def sandbox_live_run_managed(*, user: User, roles: Roles, pk: int) -> object:
    """A live run of a cohort this person sees, to steer and debrief; 404 otherwise."""
    cohorts = cohorts_visible(user=user, roles=roles).values("pk")
    live = (
        _sandbox("LiveRun")
        .objects.filter(pk=pk, cohort__in=cohorts)
        .select_related("scenario", "cohort", "activity")
        .first()
    )
    if live is None:
        raise Http404("No such live run.")
    return live


def sandbox_live_runs_open_to(*, user: User) -> QuerySet:
    """The live runs of the cohorts where this person learns now."""
    enrolled = _model("Enrolment").objects.filter(user=user, status="active", cohort__isnull=False)
    return (
        _sandbox("LiveRun")
        .objects.filter(cohort__in=enrolled.values("cohort_id"))
        .select_related("scenario", "cohort")
    )


def sandbox_live_run_joinable(*, user: User, pk: int) -> tuple[object, Enrolment]:
    """A live run of the learner's own cohort, with their enrolment in it; 404 otherwise."""
    live = sandbox_live_runs_open_to(user=user).filter(pk=pk).first()
    if live is None:
        raise Http404("No such live run.")
    enrolment = _model("Enrolment").objects.get(user=user, status="active", cohort=live.cohort_id)
    return live, enrolment


def sandbox_runs_of_cohort(*, user: User, roles: Roles, cohort: Cohort) -> QuerySet:
    """The sandbox runs of a cohort's learners (`cohort` from `cohort_visible`)."""
    return _sandbox("Run").objects.filter(enrolment__cohort=cohort)


# Discussions -------------------------------------------------------------------
#
# A thread belongs to a place: a cohort, or a programme's commons (no cohort),
# where learners without a cohort meet. A cohort's learners read and post in
# it; so do its trainers, who also moderate; its organisation's
# administrators read. The commons is for learners without a cohort, unless
# an organisation they belong to closed it for its people; staff moderate it.


def _discussion_model(name: str):
    return apps.get_model("discussions", name)


def _open_enrolments(user: User) -> QuerySet[Enrolment]:
    return _model("Enrolment").objects.filter(user=user).exclude(status="withdrawn")


def commons_open(*, user: User, roles: Roles) -> bool:
    """Whether the person may meet others in the commons: no organisation they
    belong to has closed it (one query, none without an organisation)."""
    belongs_to = roles.trainee_of | roles.trainer_of | roles.admin_of
    if not belongs_to:
        return True
    closed = _discussion_model("CommonsSetting").objects.filter(
        organisation_id__in=belongs_to, commons_open=False
    )
    return not closed.exists()


def discussion_place(*, user: User, roles: Roles, enrolment: Enrolment) -> Cohort | bool:
    """Where a learner's threads on a reading go, from their own enrolment:
    its cohort; True for the commons; False when they may not post at all
    (withdrawn, or the commons is closed to them)."""
    if not enrolment.is_open or enrolment.user_id != user.pk:
        return False
    if enrolment.cohort_id is not None:
        return enrolment.cohort
    return commons_open(user=user, roles=roles)


def threads_visible(*, user: User, roles: Roles) -> QuerySet[Thread]:
    """Every thread this person may read."""
    Thread = _discussion_model("Thread")
    if roles.is_staff:
        return Thread.objects.all()
    if not roles.is_authenticated:
        return Thread.objects.none()
    enrolments = _open_enrolments(user)
    condition = Q(cohort_id__in=enrolments.filter(cohort__isnull=False).values("cohort_id")) | Q(
        cohort_id__in=cohorts_visible(user=user, roles=roles).values("pk")
    )
    if commons_open(user=user, roles=roles):
        commons = enrolments.filter(cohort__isnull=True).values("programme_id")
        condition |= Q(cohort__isnull=True, programme_id__in=commons)
    return Thread.objects.filter(condition)


def thread_visible(*, user: User, roles: Roles, pk: int) -> Thread:
    """The thread, if this person may read it; 404 otherwise."""
    thread = (
        threads_visible(user=user, roles=roles)
        .filter(pk=pk)
        .select_related("cohort__organisation", "activity__module__stage", "programme")
        .first()
    )
    if thread is None:
        raise Http404("No such thread.")
    return thread


def _trains_cohort(*, user: User, roles: Roles, cohort_id: int) -> bool:
    return (
        cohorts_visible(user=user, roles=roles)
        .filter(_trained_by(user), pk=cohort_id, organisation_id__in=roles.training_in)
        .exists()
    )


def thread_moderated(*, user: User, roles: Roles, thread: Thread) -> bool:
    """Whether this person may hide, lock and pin in the thread: its cohort's
    trainers and staff (and staff alone in the commons)."""
    if roles.is_staff:
        return True
    if thread.cohort_id is None:
        return False
    return _trains_cohort(user=user, roles=roles, cohort_id=thread.cohort_id)


def thread_postable(*, user: User, roles: Roles, thread: Thread) -> bool:
    """Whether this person may reply in a thread they can read: its place's
    learners, its trainers and staff; an administrator only reads."""
    if roles.is_staff:
        return True
    enrolments = _open_enrolments(user).filter(programme_id=thread.programme_id)
    if thread.cohort_id is None:
        return enrolments.filter(cohort__isnull=True).exists() and commons_open(
            user=user, roles=roles
        )
    if enrolments.filter(cohort_id=thread.cohort_id).exists():
        return True
    return _trains_cohort(user=user, roles=roles, cohort_id=thread.cohort_id)


def discussion_cohort(*, user: User, roles: Roles, pk: int) -> Cohort:
    """A cohort whose discussion this person may read: its learners, and those
    who see the cohort; 404 otherwise."""
    Cohort = _model("Cohort")
    learning = _open_enrolments(user).filter(cohort_id=pk).values("cohort_id")
    seen = cohorts_visible(user=user, roles=roles).filter(pk=pk)
    cohort = (
        Cohort.objects.filter(Q(pk__in=learning) | Q(pk__in=seen.values("pk")))
        .select_related("organisation", "programme")
        .first()
    )
    if cohort is None:
        raise Http404("No such cohort.")
    return cohort


def commons_readable(*, user: User, roles: Roles, programme_id: int) -> bool:
    """Whether this person may read a programme's commons: staff, and its
    learners without a cohort while it is open to them."""
    if roles.is_staff:
        return True
    if not roles.is_authenticated or not commons_open(user=user, roles=roles):
        return False
    return _open_enrolments(user).filter(programme_id=programme_id, cohort__isnull=True).exists()


def discussion_members(*, thread: Thread) -> QuerySet[User]:
    """Who may be mentioned in a thread: a cohort's open learners and its
    trainers; in the commons, those who have written in the thread."""
    if thread.cohort_id is None:
        posted = _discussion_model("Post").objects.filter(thread=thread).values("author_id")
        return User.objects.filter(pk__in=posted, is_active=True)
    learners = _open_enrolments_of_cohort(thread.cohort_id).values("user_id")
    Cohort = _model("Cohort")
    listed = Cohort.trainers.through.objects.filter(cohort_id=thread.cohort_id).values("user_id")
    training = Membership.objects.filter(
        user=OuterRef("pk"),
        organisation__cohorts__pk=thread.cohort_id,
        role__in=Membership.TRAINING_ROLES,
    )
    return User.objects.filter(
        Q(pk__in=learners) | (Q(pk__in=listed) & Exists(training)), is_active=True
    )


def _open_enrolments_of_cohort(cohort_id: int) -> QuerySet[Enrolment]:
    return _model("Enrolment").objects.filter(cohort_id=cohort_id).exclude(status="withdrawn")


def reports_moderated(*, user: User, roles: Roles) -> QuerySet[PostReport]:
    """Open reports on posts this person moderates: in the cohorts they train,
    and everywhere for staff."""
    reports = _discussion_model("PostReport").objects.filter(resolved_at__isnull=True)
    if roles.is_staff:
        return reports
    trained = cohorts_visible(user=user, roles=roles).filter(
        _trained_by(user), organisation_id__in=roles.training_in
    )
    return reports.filter(post__thread__cohort_id__in=trained.values("pk"))


def peer_submissions(*, enrolment: Enrolment, activity) -> QuerySet[Submission]:
    """The work a learner may be given to review: what their cohort peers
    (open enrolments, never their own) handed in for the task and is waiting."""
    if enrolment.cohort_id is None or not enrolment.is_open:
        return _model("Submission").objects.none()
    peers = _open_enrolments_of_cohort(enrolment.cohort_id).exclude(pk=enrolment.pk)
    return _model("Submission").objects.filter(
        enrolment__in=peers.values("pk"), activity=activity, status="submitted"
    )
