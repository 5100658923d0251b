import datetime

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Membership
from progress import services
from progress.models import Nudge
from sandbox import services as sandbox_services
from tests.factories import MembershipFactory, cohort_with_learners, enrol
from tests.sandbox.helpers import scenarios_loaded
from tests.security.bad_input import Kind, World, open_activities, open_stages
from tests.security.bad_input_endpoints import ENDPOINTS


@pytest.fixture
def world(
    request,
    settings,
    programme,
    organisation,
    other_organisation,
    trainee,
    trainer,
    org_admin,
    self_paced,
    staff,
) -> World:
    """The world for the endpoint named by the test's parameter."""
    settings.ACCOUNT_RATE_LIMITS = False  # allauth would answer 429 after 20 sign-ups
    endpoint = ENDPOINTS[request.param]
    MembershipFactory(organisation=other_organisation, role=Membership.Role.ORG_ADMIN)
    users = {
        "solo": self_paced,
        "learner": trainee,
        "trainer": trainer,
        "org_admin": org_admin,
        "staff": staff,
    }
    built = World(
        endpoint, organisation, users, {"anonymous": Client(), endpoint.persona: Client()}
    )
    now = timezone.now()
    if "solo" in endpoint.needs:
        built.solo = services.enrolment_create(user=self_paced, programme=programme)
        open_stages(built.solo)
        built.activities = open_activities(built.solo)
        built.nudge = Nudge.objects.create(
            recipient=self_paced,
            rule=Nudge.Rule.INACTIVE,
            subject=f"enrolment:{built.solo.pk}",
            period="test",
            status=Nudge.Status.SENT,
            not_before=now,
            created_at=now,
            sent_at=now,
        )
    if "cohort" in endpoint.needs:
        built.cohort = cohort_with_learners(
            0,
            organisation=organisation,
            trainer=trainer,
            programme=programme,
            starts_on=now.date() - datetime.timedelta(days=10),
        ).cohort
        built.learner = enrol(built.cohort, trainee)
        open_stages(built.learner)
        built.submission = services.practice_submit(
            enrolment=built.learner,
            activity=open_activities(built.learner)[Kind.PRACTICE],
            text="My weekly digest",
            link="",
        )
        rows, _ = services.learner_rows_parse(cohort=built.cohort, text="invited@mfa.example")
        (built.invitation,) = services.cohort_add_learners(
            cohort=built.cohort, rows=rows, by=trainer
        ).invited
    if "sandbox" in endpoint.needs:
        sandbox_world(built, now)
    return built


def sandbox_world(built: World, now: datetime.datetime) -> None:
    """The trainee's practice run, three real minutes in (scenario minute 30),
    and the cohort's live run, two minutes in, with a draft waiting for the trainer."""
    scenario = scenarios_loaded()["consular-earthquake"]
    learner, trainer = built.users["learner"], built.users["trainer"]
    built.run = sandbox_services.run_start(
        learner=learner,
        scenario=scenario,
        enrolment=built.learner,
        now=now - datetime.timedelta(minutes=3),
    )
    built.live = sandbox_services.live_start(
        cohort=built.cohort,
        scenario=scenario,
        starts_at=now - datetime.timedelta(minutes=2),
        trainer_clears=True,
        by=trainer,
        now=now,
    )
    built.live_run = sandbox_services.live_join(
        live=built.live, learner=learner, enrolment=built.learner, now=now
    )
    sandbox_services.run_act(
        run=built.live_run,
        by=learner,
        token="draft",
        now=now,
        kind="request_clearance",
        text="Our consular team is on its way to Port Selva.",
    )
