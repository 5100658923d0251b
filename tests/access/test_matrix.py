"""Who may open what: every URL of the site, with every persona.

The table below names, for each URL, the object of world A it is opened with
and the personas allowed. An allowed persona gets the page (or a redirect that
is not to the log-in page); anyone else signed in gets 404, never a 403 that
would confirm the object exists; an anonymous visitor is sent to log in. A new
URL pattern without a row in the table fails `test_every_url_of_the_site_is_in_the_table`,
so new pages are covered as they are added.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.tasks import organisation_invitation_token
from api.services import api_token_create, webhook_endpoint_create
from curriculum.models import Activity
from progress.models import (
    Cohort,
    Completion,
    Enrolment,
    Invitation,
    Nudge,
    Submission,
)
from progress.nudges.delivery import unsubscribe_token
from progress.tasks import invitation_token
from tests.access.world import (
    A_ADMINS,
    COHORT_A_MANAGERS,
    COHORT_B_MANAGERS,
    EVERYONE,
    PERSONAS,
    SIGNED_IN,
    TRAINING,
    VISIBLE_COHORTS,
    World,
    is_log_in_redirect,
    open_as,
)
from tests.credentials.helpers import milestone_credential
from tests.helpers import review_post
from tests.sandbox.helpers import live_run_of, run_of

pytestmark = pytest.mark.django_db

# The table


@dataclass(frozen=True)
class Rule:
    kwargs: Callable[[World], dict]
    allowed: frozenset[str]
    # Views that only accept POST are checked with a POST.
    method: str = "get"
    # What a signed-in persona outside `allowed` gets.
    refused: int = 404


def no_kwargs(world: World) -> dict:
    return {}


def cohort_a(world: World) -> dict:
    return {"cohort_id": world.cohort_a.pk}


def credential_a(world: World) -> dict:
    """Trainee A's shared credential for the milestone Acquainted."""
    return {"public_id": str(milestone_credential(world.enrolment_a, shared=True).public_id)}


def token_a(world: World) -> dict:
    """An API token of A's organisation, made by its administrator."""
    made = api_token_create(
        organisation=world.cohort_a.organisation,
        name="HR system",
        scope="read",
        by=world.people["admin_a"],
        now=timezone.now(),
    )
    return {"slug": world.cohort_a.organisation.slug, "token_id": made.token.pk}


def endpoint_a(world: World) -> dict:
    endpoint = webhook_endpoint_create(
        organisation=world.cohort_a.organisation,
        url="https://hr.example/hooks",
        events=["milestone.reached"],
        by=world.people["admin_a"],
        now=timezone.now(),
    )
    return {"slug": world.cohort_a.organisation.slug, "endpoint_id": endpoint.pk}


def run_a(world: World) -> dict:
    """Trainee A's practice run of a sandbox scenario."""
    return {"run_id": run_of(world.enrolment_a).pk}


def live_a(world: World) -> dict:
    """A live sandbox scenario set for cohort A."""
    return {"live_id": live_run_of(world.cohort_a).pk}


def activity_path(activity: Activity) -> dict:
    return {
        "stage_slug": activity.module.stage.slug,
        "module_slug": activity.module.slug,
        "activity_slug": activity.slug,
    }


def thread_a(world: World) -> dict:
    return {"thread_id": world.thread_a.pk}


def post_a(world: World) -> dict:
    return {"post_id": world.post_a.pk}


COHORT_A_READERS = COHORT_A_MANAGERS | {"trainee_a"}
COHORT_A_MODERATORS = frozenset({"trainer_a", "trainer_both", "staff"})
# Everyone with an open enrolment: each starts threads in their own cohort.
LEARNING = frozenset({"trainee_a", "trainee_b", "withdrawn_elsewhere", "admin_a_learner_b"})

TABLE: dict[str, Rule] = {
    "home": Rule(no_kwargs, EVERYONE),
    # The footer's language switcher: a cookie, for anyone.
    "set_language": Rule(no_kwargs, EVERYONE, method="post"),
    "accounts:profile": Rule(no_kwargs, SIGNED_IN),
    "accounts:organisations": Rule(no_kwargs, A_ADMINS | {"admin_b"}),
    "accounts:people": Rule(lambda w: {"slug": w.cohort_a.organisation.slug}, A_ADMINS),
    # Public: the token is the key; a signed-in person with another address
    # gets the page's own refusal.
    "accounts:invitation": Rule(
        lambda w: {"token": organisation_invitation_token(w.org_invitation_a)},
        frozenset({"anonymous"}),
        refused=403,
    ),
    "accounts:audit": Rule(lambda w: {"slug": w.cohort_a.organisation.slug}, A_ADMINS),
    "progress:data_export": Rule(no_kwargs, SIGNED_IN),
    "progress:delete_account": Rule(no_kwargs, SIGNED_IN),
    "progress:cohorts": Rule(no_kwargs, TRAINING),
    "progress:cohort_create": Rule(no_kwargs, TRAINING),
    "progress:cohort": Rule(cohort_a, COHORT_A_MANAGERS),
    "progress:cohort_edit": Rule(cohort_a, COHORT_A_MANAGERS),
    "progress:cohort_archive": Rule(cohort_a, COHORT_A_MANAGERS, method="post"),
    "progress:cohort_add_learners": Rule(cohort_a, COHORT_A_MANAGERS),
    "progress:cohort_invitations": Rule(cohort_a, COHORT_A_MANAGERS),
    "progress:cohort_learner": Rule(
        lambda w: {"cohort_id": w.cohort_a.pk, "enrolment_id": w.enrolment_a.pk},
        COHORT_A_MANAGERS,
    ),
    "progress:reviews": Rule(no_kwargs, TRAINING),
    # The trainer's guide: every trainer, organisation administrator and staff.
    "progress:trainer_guide": Rule(no_kwargs, TRAINING),
    # Open to every trainer and administrator; each sees only their own scope.
    "reports:report": Rule(no_kwargs, TRAINING),
    "reports:report_csv": Rule(no_kwargs, TRAINING),
    "reports:report_json": Rule(no_kwargs, TRAINING),
    "reports:criteria_csv": Rule(no_kwargs, TRAINING),
    "progress:review": Rule(lambda w: {"submission_id": w.submission_a.pk}, COHORT_A_MANAGERS),
    # Public: the token is the key. A signed-in person whose address is not the
    # invited one gets the page's own refusal (403, with a log-out button).
    "progress:invitation": Rule(
        lambda w: {"token": invitation_token(w.invitation_a)},
        frozenset({"anonymous"}),
        refused=403,
    ),
    # Public too: the signed token names the person and the reminder, and a
    # GET only asks for the click (link scanners must not unsubscribe anyone).
    "progress:unsubscribe": Rule(
        lambda w: {"token": unsubscribe_token(w.enrolment_a.user_id, Nudge.Rule.OVERDUE.value)},
        EVERYONE,
    ),
    # Every signed-in person has their own inbox and reminder choices.
    "progress:notifications": Rule(no_kwargs, SIGNED_IN),
    "progress:preferences": Rule(no_kwargs, SIGNED_IN),
    # Every signed-in person may learn; without an enrolment they are sent to start.
    "progress:dashboard": Rule(no_kwargs, SIGNED_IN),
    "progress:pause": Rule(no_kwargs, SIGNED_IN, method="post"),
    "progress:resume": Rule(no_kwargs, SIGNED_IN, method="post"),
    "progress:programme": Rule(no_kwargs, SIGNED_IN),
    "progress:enrol": Rule(no_kwargs, SIGNED_IN, method="post"),
    "progress:continue": Rule(no_kwargs, SIGNED_IN),
    "progress:module": Rule(
        lambda w: {"stage_slug": w.reading.module.stage.slug, "module_slug": w.reading.module.slug},
        SIGNED_IN,
    ),
    "progress:activity": Rule(lambda w: activity_path(w.reading), SIGNED_IN),
    "progress:quiz_result": Rule(
        lambda w: {**activity_path(w.attempt_a.activity), "attempt_id": w.attempt_a.pk},
        frozenset({"trainee_a"}),
    ),
    # Credentials: the learner's own, whoever else asks for them; the cohort's
    # trainers and administrators revoke; a shared one, the keys and the status
    # list are public, so that anyone can verify without an account.
    "credentials:mine": Rule(no_kwargs, SIGNED_IN),
    "credentials:share": Rule(credential_a, frozenset({"trainee_a"}), method="post"),
    "credentials:download_json": Rule(credential_a, frozenset({"trainee_a"})),
    "credentials:download_jwt": Rule(credential_a, frozenset({"trainee_a"})),
    "credentials:badge_svg": Rule(credential_a, frozenset({"trainee_a"})),
    "credentials:badge_png": Rule(credential_a, frozenset({"trainee_a"})),
    "credentials:certificate": Rule(credential_a, frozenset({"trainee_a"})),
    "credentials:revoke": Rule(credential_a, COHORT_A_MANAGERS),
    "credentials:cohort": Rule(cohort_a, COHORT_A_MANAGERS),
    "credentials:policy": Rule(lambda w: {"slug": w.cohort_a.organisation.slug}, A_ADMINS),
    "credentials:verify": Rule(credential_a, EVERYONE),
    "credentials:public_jwt": Rule(credential_a, EVERYONE),
    "credentials:status_list": Rule(no_kwargs, EVERYONE),
    "credentials:issuer": Rule(no_kwargs, EVERYONE),
    "credentials:framework": Rule(no_kwargs, EVERYONE),
    "credentials:jwks": Rule(no_kwargs, EVERYONE),
    # API tokens, webhooks and their delivery log: the organisation's administrators.
    "api:tokens": Rule(lambda w: {"slug": w.cohort_a.organisation.slug}, A_ADMINS),
    "api:token_revoke": Rule(token_a, A_ADMINS, method="post"),
    "api:webhooks": Rule(lambda w: {"slug": w.cohort_a.organisation.slug}, A_ADMINS),
    "api:webhook_disable": Rule(endpoint_a, A_ADMINS, method="post"),
    "api:deliveries": Rule(lambda w: {"slug": w.cohort_a.organisation.slug}, A_ADMINS),
    # Single sign-on: an organisation's administrators (and staff) set its
    # identity provider and domains; the log-in page's discovery is for
    # visitors (one signed in already is sent home).
    "sso:configure": Rule(lambda w: {"slug": w.cohort_a.organisation.slug}, A_ADMINS),
    "sso:discover": Rule(no_kwargs, SIGNED_IN, method="post"),
    "sso:start": Rule(no_kwargs, SIGNED_IN),
    # The practice sandbox: a run is its learner's to play; the trainers and
    # administrators of the learner's cohort (and staff) may watch, replay and
    # clear its drafts. A cohort's live scenarios are its trainers' to steer
    # and its active learners' to join.
    "sandbox:scenarios": Rule(no_kwargs, SIGNED_IN),
    "sandbox:start": Rule(no_kwargs, SIGNED_IN, method="post"),
    "sandbox:run": Rule(run_a, COHORT_A_MANAGERS | {"trainee_a"}),
    "sandbox:status": Rule(run_a, COHORT_A_MANAGERS | {"trainee_a"}),
    "sandbox:feed": Rule(run_a, COHORT_A_MANAGERS | {"trainee_a"}),
    "sandbox:debrief": Rule(run_a, COHORT_A_MANAGERS | {"trainee_a"}),
    "sandbox:act": Rule(run_a, frozenset({"trainee_a"}), method="post"),
    "sandbox:clock": Rule(run_a, frozenset({"trainee_a"}), method="post"),
    "sandbox:submit": Rule(run_a, frozenset({"trainee_a"}), method="post"),
    "sandbox:clearance": Rule(run_a, COHORT_A_MANAGERS, method="post"),
    "sandbox:cohort_live": Rule(cohort_a, COHORT_A_MANAGERS),
    "sandbox:cohort_board": Rule(
        lambda w: {"cohort_id": w.cohort_a.pk, "slug": run_of(w.enrolment_a).scenario.slug},
        COHORT_A_MANAGERS,
    ),
    "sandbox:live": Rule(live_a, COHORT_A_MANAGERS),
    "sandbox:live_board": Rule(live_a, COHORT_A_MANAGERS),
    "sandbox:live_clock": Rule(live_a, COHORT_A_MANAGERS, method="post"),
    "sandbox:live_join": Rule(live_a, frozenset({"trainee_a"}), method="post"),
    # Discussions: a cohort's threads are read by its learners and by those
    # who see the cohort; its trainers (and staff) moderate; an
    # administrator reads only. Learners start threads in their own place.
    "discussions:mine": Rule(no_kwargs, SIGNED_IN),
    "discussions:commons": Rule(no_kwargs, frozenset({"staff"})),
    "discussions:cohort": Rule(cohort_a, COHORT_A_READERS),
    "discussions:start": Rule(lambda w: {"activity_id": w.reading.pk}, LEARNING),
    "discussions:thread": Rule(thread_a, COHORT_A_READERS),
    "discussions:thread_moderate": Rule(thread_a, COHORT_A_MODERATORS, method="post"),
    "discussions:post_edit": Rule(post_a, frozenset({"trainee_a"})),
    "discussions:post_remove": Rule(post_a, frozenset({"trainee_a"}), method="post"),
    "discussions:post_report": Rule(post_a, COHORT_A_READERS),
    "discussions:post_moderate": Rule(post_a, COHORT_A_MODERATORS, method="post"),
    "discussions:moderation": Rule(no_kwargs, TRAINING),
    # Peer review: learners of a cohort, each on their own page; a review
    # opens for its reviewer alone.
    "discussions:peer_review": Rule(lambda w: {"activity_id": w.peer_task.pk}, LEARNING),
    "discussions:peer_review_give": Rule(
        lambda w: {"review_id": w.peer_review_a.pk}, frozenset({"trainee_a"})
    ),
    "discussions:commons_setting": Rule(lambda w: {"slug": w.cohort_a.organisation.slug}, A_ADMINS),
}


def site_url_names() -> set[str]:
    """Every named URL of the site but the admin's, allauth's and the health check."""
    names: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                module = getattr(pattern.urlconf_module, "__name__", "")
                # The API answers to tokens, not to these sessions:
                # tests/api/test_reach.py walks its URLs the same way.
                if pattern.namespace in ("admin", "apiv1") or module.startswith("allauth"):
                    continue
                inner = pattern.namespace
                walk(pattern.url_patterns, f"{namespace}{inner}:" if inner else namespace)
            elif isinstance(pattern, URLPattern):
                # allauth's OpenID Connect callback, answered by sso.oidc.
                if pattern.name in {"healthz", "openid_connect_callback"}:
                    continue
                assert pattern.name, f"URL pattern {pattern.pattern} has no name"
                names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_url_of_the_site_is_in_the_table():
    names = site_url_names()

    assert sorted(names - set(TABLE)) == [], "URLs with no access rule: add them to TABLE"
    assert sorted(set(TABLE) - names) == [], "rules for URLs that no longer exist"


def matrix() -> list:
    return [
        pytest.param(name, persona, id=f"{name}-{persona}")
        for name in sorted(TABLE)
        for persona in PERSONAS
    ]


@pytest.mark.parametrize(("name", "persona"), matrix())
def test_access(client, world, name, persona):
    rule = TABLE[name]
    url = reverse(name, kwargs=rule.kwargs(world))

    response = open_as(client, world, persona, rule.method, url)

    if persona in rule.allowed:
        assert response.status_code < 400, (url, response.status_code)
        assert not is_log_in_redirect(response), url
    elif persona == "anonymous":
        assert is_log_in_redirect(response), (url, response.status_code)
    else:
        assert response.status_code == rule.refused, (url, response.status_code)


# State-changing trainer actions, posted by the wrong people


@dataclass(frozen=True)
class Action:
    url: Callable[[World], str]
    data: Callable[[World], dict]
    state: Callable[[World], object]


def _cohort_state(world: World):
    return Cohort.objects.filter(pk=world.cohort_a.pk).values().get()


def _enrolment_state(world: World):
    enrolment = Enrolment.objects.get(pk=world.enrolment_a.pk)
    return enrolment.status, enrolment.pauses.count(), enrolment.history.count()


def _submission_state(world: World):
    submission = Submission.objects.filter(pk=world.submission_a.pk).values().get()
    return submission, Completion.objects.filter(enrolment=world.enrolment_a).count()


def _learner_url(world: World) -> str:
    return reverse("progress:cohort_learner", args=[world.cohort_a.pk, world.enrolment_a.pk])


def _cohort_url(name: str) -> Callable[[World], str]:
    return lambda world: reverse(name, args=[world.cohort_a.pk])


ACTIONS = {
    "archive": Action(
        _cohort_url("progress:cohort_archive"), lambda w: {"confirm": "yes"}, _cohort_state
    ),
    "edit": Action(
        _cohort_url("progress:cohort_edit"),
        lambda w: {
            "name": "Taken over",
            "organisation": w.cohort_a.organisation_id,
            "starts_on": "2030-01-01",
            "length_days": 30,
            "trainers": [w.people["trainer_b"].pk],
            "confirm": "yes",
        },
        _cohort_state,
    ),
    "withdraw": Action(
        _learner_url, lambda w: {"action": "withdraw", "confirm": "yes"}, _enrolment_state
    ),
    "pause": Action(_learner_url, lambda w: {"action": "pause"}, _enrolment_state),
    "review": Action(
        lambda w: reverse("progress:review", args=[w.submission_a.pk]),
        lambda w: review_post(w.submission_a.activity, "accept"),
        _submission_state,
    ),
    "add learners": Action(
        _cohort_url("progress:cohort_add_learners"),
        lambda w: {"emails": "intruder@elsewhere.example"},
        lambda w: list(Invitation.objects.values_list("email", "status").order_by("email")),
    ),
    "revoke invitation": Action(
        _cohort_url("progress:cohort_invitations"),
        lambda w: {"invitation": w.invitation_a.pk, "action": "revoke", "confirm": "yes"},
        lambda w: list(Invitation.objects.values_list("email", "status").order_by("email")),
    ),
}
WRONG_PERSONAS = sorted(EVERYONE - COHORT_A_MANAGERS)


@pytest.mark.parametrize("persona", WRONG_PERSONAS)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_wrong_persona_posting_a_trainer_action_changes_nothing(client, world, action, persona):
    step = ACTIONS[action]
    before = step.state(world)

    response = open_as(client, world, persona, "post", step.url(world), step.data(world))

    if persona == "anonymous":
        assert is_log_in_redirect(response), response.status_code
    else:
        assert response.status_code == 404, response.status_code
    assert step.state(world) == before


@pytest.mark.parametrize("action", ["archive", "withdraw", "pause", "review"])
def test_trainer_of_cohort_a_posting_the_same_actions_does_change_things(client, world, action):
    # The control for the test above: the same requests work for the right person.
    step = ACTIONS[action]
    before = step.state(world)

    response = open_as(client, world, "trainer_a", "post", step.url(world), step.data(world))

    assert response.status_code == 302
    assert step.state(world) != before


@pytest.mark.parametrize("persona", ["trainer_b", "admin_b"])
def test_own_cohort_in_the_url_does_not_open_another_cohorts_learner(client, world, persona):
    url = reverse("progress:cohort_learner", args=[world.cohort_b.pk, world.enrolment_a.pk])
    before = _enrolment_state(world)

    assert open_as(client, world, persona, "get", url).status_code == 404
    withdraw = {"action": "withdraw", "confirm": "yes"}
    assert open_as(client, world, persona, "post", url, withdraw).status_code == 404
    assert _enrolment_state(world) == before


def test_cohort_page_cannot_revoke_another_cohorts_invitation(client, world):
    url = reverse("progress:cohort_invitations", args=[world.cohort_a.pk])

    response = open_as(
        client,
        world,
        "trainer_a",
        "post",
        url,
        {"invitation": world.invitation_b.pk, "action": "revoke", "confirm": "yes"},
    )

    assert response.status_code == 404
    world.invitation_b.refresh_from_db()
    assert world.invitation_b.status == Invitation.Status.PENDING


def test_review_queue_lists_only_the_reviewers_cohorts(client, world):
    seen = {}
    for persona in sorted(TRAINING):
        response = open_as(client, world, persona, "get", reverse("progress:reviews"))
        seen[persona] = {submission.pk for submission in response.context["page"]}

    a, b = world.submission_a.pk, world.submission_b.pk
    assert seen == {
        "admin_a": {a},
        "admin_a_learner_b": {a},
        "admin_b": {b},
        "colleague_a": set(),
        "former_trainer_a": {b},
        "staff": {a, b},
        "trainer_a": {a},
        "trainer_b": {b},
        "trainer_both": {a, b},
    }


def test_cohort_list_shows_only_the_persons_cohorts(client, world):
    seen = {}
    for persona in sorted(TRAINING):
        response = open_as(client, world, persona, "get", reverse("progress:cohorts"))
        seen[persona] = sorted(cohort.name for cohort in response.context["cohorts"])

    assert seen == VISIBLE_COHORTS


# Records that stay with their organisation


@pytest.mark.parametrize("persona", sorted(TRAINING))
def test_each_record_of_a_learner_who_moved_opens_only_for_its_own_organisation(
    client, world, persona
):
    a_page = reverse("progress:cohort_learner", args=[world.cohort_a.pk, world.record_a.pk])
    b_page = reverse("progress:cohort_learner", args=[world.cohort_b.pk, world.record_b.pk])
    crossed = [
        reverse("progress:cohort_learner", args=[world.cohort_b.pk, world.record_a.pk]),
        reverse("progress:cohort_learner", args=[world.cohort_a.pk, world.record_b.pk]),
    ]

    opened = {
        url: open_as(client, world, persona, "get", url).status_code
        for url in [a_page, b_page, *crossed]
    }

    a_allowed = persona in COHORT_A_MANAGERS
    b_allowed = persona in COHORT_B_MANAGERS
    assert opened == {
        a_page: 200 if a_allowed else 404,
        b_page: 200 if b_allowed else 404,
        crossed[0]: 404,
        crossed[1]: 404,
    }


@pytest.mark.parametrize("persona", ["ex_member_a", "withdrawn_elsewhere"])
def test_former_learners_of_a_see_no_trainer_page_of_a(client, world, persona):
    for name in ["progress:cohort", "progress:cohort_invitations", "progress:cohort_add_learners"]:
        url = reverse(name, args=[world.cohort_a.pk])
        assert open_as(client, world, persona, "get", url).status_code == 404, name
