"""An organisation always keeps an administrator who can log in, and a
membership that ends takes the person off the organisation's trainer lists."""

import pytest

from accounts.access import organisations_needing_successor
from accounts.models import AuditEvent, Membership
from accounts.services import MembershipError, membership_change
from progress import services
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_admin(organisation):
    """A second administrator whose account is closed."""
    user = UserFactory(email="closed.admin@mfa.example", is_active=False)
    MembershipFactory(user=user, organisation=organisation, role=Membership.Role.ORG_ADMIN)
    return user


@pytest.fixture
def cohorts(organisation, other_organisation, programme, trainer):
    MembershipFactory(user=trainer, organisation=other_organisation, role=Membership.Role.TRAINER)

    def cohort(owner, name):
        return services.cohort_create(
            organisation=owner,
            programme=programme,
            name=name,
            starts_on="2026-11-01",
            length_days=365,
            trainers=[trainer],
        )

    return {
        "spring": cohort(organisation, "Spring"),
        "autumn": cohort(organisation, "Autumn"),
        "elsewhere": cohort(other_organisation, "Elsewhere"),
    }


@pytest.mark.parametrize("role", [Membership.Role.TRAINEE, None])
def test_a_closed_account_does_not_count_as_the_other_administrator(
    org_admin, closed_admin, organisation, role
):
    with pytest.raises(MembershipError, match="Ministry of Foreign Affairs needs at least one"):
        membership_change(organisation=organisation, user=org_admin, role=role, by=org_admin)
    assert Membership.objects.get(user=org_admin, organisation=organisation).role == "org_admin"


def test_an_administrator_steps_down_once_another_usable_one_is_named(
    org_admin, closed_admin, trainer, organisation
):
    membership_change(
        organisation=organisation, user=trainer, role=Membership.Role.ORG_ADMIN, by=org_admin
    )
    membership_change(organisation=organisation, user=org_admin, role=None, by=org_admin)
    assert not Membership.objects.filter(user=org_admin, organisation=organisation).exists()


def test_a_closed_administrator_can_be_removed_whoever_remains(
    org_admin, closed_admin, organisation
):
    membership_change(organisation=organisation, user=closed_admin, role=None, by=org_admin)
    assert not closed_admin.memberships.exists()


def test_the_only_usable_administrator_is_told_which_organisation_needs_a_successor(
    org_admin, closed_admin, organisation, other_organisation
):
    MembershipFactory(
        user=org_admin, organisation=other_organisation, role=Membership.Role.ORG_ADMIN
    )
    MembershipFactory(
        user=UserFactory(email="colleague@fs.example"),
        organisation=other_organisation,
        role=Membership.Role.ORG_ADMIN,
    )
    assert organisations_needing_successor(user=org_admin) == [organisation]


def test_removing_a_trainer_takes_them_off_that_organisations_cohorts_only(
    org_admin, trainer, organisation, cohorts
):
    membership_change(organisation=organisation, user=trainer, role=None, by=org_admin)
    assert list(trainer.trained_cohorts.all()) == [cohorts["elsewhere"]]
    event = AuditEvent.objects.get(action="membership.remove", target=trainer.email)
    assert event.detail["cohorts_left"] == "2"


def test_a_trainer_made_a_trainee_stops_training_there(org_admin, trainer, organisation, cohorts):
    membership_change(
        organisation=organisation, user=trainer, role=Membership.Role.TRAINEE, by=org_admin
    )
    assert list(trainer.trained_cohorts.all()) == [cohorts["elsewhere"]]
    event = AuditEvent.objects.get(action="membership.role", target=trainer.email)
    assert event.detail["cohorts_left"] == "2"


def test_a_trainer_made_an_administrator_keeps_their_cohorts(
    org_admin, trainer, organisation, cohorts
):
    membership_change(
        organisation=organisation, user=trainer, role=Membership.Role.ORG_ADMIN, by=org_admin
    )
    assert trainer.trained_cohorts.count() == 3
