"""Two organisations, each with a cohort, learners and a read-write token;
a client that calls the API with a token."""

from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Membership
from api.models import ApiToken
from api.services import api_token_create
from tests.factories import MembershipFactory, UserFactory, cohort_with_learners


@dataclass
class Side:
    """One organisation as its token sees it."""

    organisation: object
    admin: object
    cohort: object
    enrolments: list
    key: str
    token: ApiToken


def make_side(organisation, *, slug: str, learners: int = 2, programme=None) -> Side:
    admin = MembershipFactory(
        user=UserFactory(email=f"admin@{slug}.example"),
        organisation=organisation,
        role=Membership.Role.ORG_ADMIN,
    ).user
    made = cohort_with_learners(
        learners, organisation=organisation, programme=programme, name=f"Cohort of {slug}"
    )
    new = api_token_create(
        organisation=organisation,
        name=f"HR system of {slug}",
        scope=ApiToken.Scope.WRITE,
        by=admin,
        now=timezone.now(),
    )
    return Side(organisation, admin, made.cohort, made.learners, new.key, new.token)


@pytest.fixture
def ours(organisation, programme) -> Side:
    return make_side(organisation, slug="mfa", programme=programme)


@pytest.fixture
def theirs(other_organisation, programme) -> Side:
    return make_side(other_organisation, slug="fs", programme=programme)


def api_client(key: str | None) -> Client:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return Client(**headers)


@pytest.fixture
def api(ours) -> Client:
    return api_client(ours.key)
