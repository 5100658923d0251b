import pytest
from django.db import IntegrityError, transaction

from accounts.access import user_roles
from accounts.models import Membership
from accounts.services import membership_grant, membership_revoke, organisation_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_each_persona_has_only_its_own_role(
    trainee, trainer, org_admin, outsider, staff, organisation
):
    assert user_roles(trainee).trainee_of == {organisation.pk}
    assert user_roles(trainee).is_learner and not user_roles(trainee).is_trainer
    assert user_roles(trainer).can_train_in(organisation)
    assert not user_roles(trainer).can_manage(organisation)
    assert user_roles(org_admin).can_manage(organisation)
    assert not user_roles(outsider).can_train_in(organisation)
    assert user_roles(staff).can_manage(organisation), "platform staff see every organisation"


def test_trainer_in_one_organisation_cannot_train_in_another(trainer, other_organisation):
    assert not user_roles(trainer).can_train_in(other_organisation)


def test_org_admin_manages_only_their_own_organisation(org_admin, other_organisation):
    assert not user_roles(org_admin).can_manage(other_organisation)


def test_a_person_can_hold_roles_in_several_organisations(trainer, other_organisation):
    membership_grant(user=trainer, organisation=other_organisation, role=Membership.Role.TRAINEE)
    roles = user_roles(trainer)
    assert roles.is_trainer and roles.is_learner


def test_granting_a_second_role_in_one_organisation_replaces_the_first(trainee, organisation):
    membership_grant(user=trainee, organisation=organisation, role=Membership.Role.TRAINER)
    assert Membership.objects.filter(user=trainee).count() == 1
    assert user_roles(trainee).trainer_of == {organisation.pk}
    assert not user_roles(trainee).trainee_of


def test_granting_an_unknown_role_is_refused(trainee, organisation):
    with pytest.raises(ValueError, match="Unknown role"):
        membership_grant(user=trainee, organisation=organisation, role="ambassador")


def test_revoking_removes_the_role(trainer, organisation):
    assert membership_revoke(user=trainer, organisation=organisation)
    assert not user_roles(trainer).can_train_in(organisation)
    assert not membership_revoke(user=trainer, organisation=organisation)


def test_database_refuses_two_memberships_for_one_user_and_organisation(trainee, organisation):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=trainee, organisation=organisation, role="trainer")


@pytest.mark.postgres
def test_database_refuses_an_unknown_role(trainee, other_organisation):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=trainee, organisation=other_organisation, role="consul")


def test_database_refuses_the_same_email_in_another_case(db):
    UserFactory(email="envoy@ministry.example")
    from accounts.models import User

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="ENVOY@ministry.example")])


def test_anonymous_visitor_has_no_role():
    from django.contrib.auth.models import AnonymousUser

    roles = user_roles(AnonymousUser())
    assert not roles.is_learner and not roles.is_trainer and not roles.is_staff


def test_organisation_create_derives_a_slug(db):
    organisation = organisation_create(
        name="Ministry of Foreign Affairs of Demoland", country="Demoland"
    )
    assert organisation.slug == "ministry-of-foreign-affairs-of-demoland"


def test_roles_are_read_in_one_query(trainer, django_assert_num_queries, other_organisation):
    membership_grant(user=trainer, organisation=other_organisation, role=Membership.Role.ORG_ADMIN)
    # 1: the user's memberships, however many.
    with django_assert_num_queries(1):
        roles = user_roles(trainer)
    assert roles.is_trainer and roles.is_org_admin
