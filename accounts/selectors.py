from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from accounts.models import Membership, Organisation, User


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
    def is_learner(self) -> bool:
        """Trainees learn; so does anyone with no role, at their own pace."""
        return self.is_authenticated and (
            bool(self.trainee_of) or not (self.trainer_of or self.admin_of or self.is_staff)
        )

    @property
    def is_self_paced(self) -> bool:
        return self.is_authenticated and not (self.trainee_of or self.trainer_of or self.admin_of)

    def can_manage(self, organisation: Organisation) -> bool:
        return self.is_staff or organisation.pk in self.admin_of

    def can_train_in(self, organisation: Organisation) -> bool:
        return self.can_manage(organisation) or organisation.pk in self.trainer_of


def user_roles(user: User) -> Roles:
    # One query: the user's memberships, whatever their number.
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
