"""Which stages are open, with the shipped programme's unlock rules, and where
"continue" leads. Completions are written directly: unlocking depends only on
which activities are complete, not on how they were completed."""

import pytest
from django.urls import reverse
from django.utils import timezone

from curriculum.models import Activity, Stage
from curriculum.selectors import programme_outline
from progress import services
from progress.models import Completion, Enrolment
from progress.selectors import learner_progress
from progress.state import learner_state

pytestmark = pytest.mark.django_db

LISTENING_FOUNDATIONS = ("curate", "listening-foundations")


def activities(stage: str, module: str | None = None) -> list[Activity]:
    found = Activity.objects.live().filter(module__stage__slug=stage)
    if module is not None:
        found = found.filter(module__slug=module)
    return list(found.select_related("module__stage"))


def complete(enrolment: Enrolment, done: list[Activity]) -> None:
    now = timezone.now()
    Completion.objects.bulk_create(
        Completion(enrolment=enrolment, activity=activity, completed_at=now) for activity in done
    )


def open_stages(enrolment: Enrolment) -> list[str]:
    return [item.stage.slug for item in learner_progress(enrolment).stages if item.unlocked]


@pytest.fixture
def enrolment(trainee, programme):
    return services.enrolment_create(user=trainee, programme=programme)


def test_shipped_programme_has_the_expected_unlock_chain(programme):
    # The tests below rely on this chain; a content change that breaks it should say so here.
    stages = {stage.slug: stage for stage in Stage.objects.filter(programme=programme)}
    assert list(stages) == [
        "orientation",
        "curate",
        "collaborate",
        "communicate",
        "create",
        "critique",
    ]
    assert stages["orientation"].unlock_stage is None
    assert stages["orientation"].unlock_module is None
    assert stages["curate"].unlock_stage == stages["orientation"]
    assert stages["collaborate"].unlock_module.path == "curate/listening-foundations"
    assert stages["communicate"].unlock_stage == stages["collaborate"]


def test_only_the_orientation_is_open_at_the_start(enrolment):
    assert open_stages(enrolment) == ["orientation"]


def test_curate_opens_only_when_the_whole_orientation_is_complete(enrolment):
    orientation = activities("orientation")

    complete(enrolment, orientation[:-1])
    assert open_stages(enrolment) == ["orientation"]

    complete(enrolment, orientation[-1:])
    assert open_stages(enrolment) == ["orientation", "curate"]


def test_collaborate_opens_with_the_first_curate_module_not_the_whole_stage(enrolment):
    complete(enrolment, activities("orientation"))
    foundations = activities(*LISTENING_FOUNDATIONS)

    complete(enrolment, foundations[:-1])
    assert open_stages(enrolment) == ["orientation", "curate"]

    complete(enrolment, foundations[-1:])
    state = learner_progress(enrolment)
    assert not state.stage("curate").complete
    assert [item.stage.slug for item in state.stages if item.unlocked] == [
        "orientation",
        "curate",
        "collaborate",
    ]


def test_communicate_stays_locked_until_collaborate_is_complete(enrolment):
    complete(enrolment, activities("orientation") + activities(*LISTENING_FOUNDATIONS))
    collaborate = activities("collaborate")

    complete(enrolment, collaborate[:-1])
    assert "communicate" not in open_stages(enrolment)

    complete(enrolment, collaborate[-1:])
    # Curate need not be complete: communicate follows collaborate only.
    assert open_stages(enrolment) == ["orientation", "curate", "collaborate", "communicate"]


def test_locked_stage_explains_how_it_opens(enrolment):
    state = learner_progress(enrolment)

    assert state.stage("curate").unlock_hint == (
        "Opens when you complete the stage “Orientation: a day with the e-tools”."
    )
    assert state.stage("collaborate").unlock_hint.startswith("Opens when you complete the module")


def test_locked_stage_activity_page_is_forbidden_with_the_unlock_hint(client, enrolment):
    reading = activities("curate")[0]
    client.force_login(enrolment.user)

    response = client.get(reading.get_absolute_url())

    assert response.status_code == 403
    html = response.content.decode()
    assert "This activity is not open yet." in html
    assert "Opens when you complete the stage “Orientation: a day with the e-tools”." in html


def test_locked_stage_module_page_is_forbidden_with_the_unlock_hint(client, enrolment):
    module = activities("curate")[0].module
    client.force_login(enrolment.user)

    response = client.get(module.get_absolute_url())

    assert response.status_code == 403
    assert "Opens when you complete the stage" in response.content.decode()


def test_posting_to_a_locked_activity_records_nothing(client, enrolment):
    reading = activities("curate")[0]
    client.force_login(enrolment.user)

    response = client.post(reading.get_absolute_url())

    assert response.status_code == 403
    assert not enrolment.completions.exists()


def test_opened_stage_activity_page_is_served(client, enrolment):
    complete(enrolment, activities("orientation"))
    client.force_login(enrolment.user)

    assert client.get(activities("curate")[0].get_absolute_url()).status_code == 200


def test_next_activity_is_the_first_not_yet_completed(enrolment):
    orientation = activities("orientation")
    assert learner_progress(enrolment).next_activity == orientation[0]

    # Completed out of order: the gap is next, not the activity after the last one done.
    complete(enrolment, [orientation[0], orientation[1], orientation[3]])
    assert learner_progress(enrolment).next_activity == orientation[2]


def test_next_activity_skips_completed_modules(enrolment):
    complete(enrolment, activities("orientation") + activities(*LISTENING_FOUNDATIONS))

    assert (
        learner_progress(enrolment).next_activity == activities("curate", "the-listening-habit")[0]
    )


def test_next_activity_skips_locked_stages(enrolment, programme):
    # With the shipped chain a locked stage is never followed by an open one, so
    # the outline is rearranged in memory: collaborate waits for critique (locked)
    # while communicate opens after curate.
    outline = programme_outline(programme)
    by_slug = {stage.slug: stage for stage in outline}
    by_slug["collaborate"].unlock_module_id = None
    by_slug["collaborate"].unlock_stage_id = by_slug["critique"].pk
    by_slug["communicate"].unlock_stage_id = by_slug["curate"].pk
    done = {activity.pk for activity in activities("orientation") + activities("curate")}

    state = learner_state(outline, done)

    assert not state.stage("collaborate").unlocked
    assert state.stage("communicate").unlocked
    assert state.next_activity == activities("communicate")[0]


def test_no_next_activity_when_every_open_activity_is_done(enrolment, programme):
    outline = programme_outline(programme)
    by_slug = {stage.slug: stage for stage in outline}
    by_slug["collaborate"].unlock_module_id = None
    by_slug["collaborate"].unlock_stage_id = by_slug["critique"].pk
    done = {activity.pk for activity in activities("orientation") + activities("curate")}

    # Everything after curate is locked: there is nothing to continue with.
    assert learner_state(outline, done).next_activity is None


def test_continue_leads_to_the_next_open_activity(client, enrolment):
    complete(enrolment, activities("orientation") + activities(*LISTENING_FOUNDATIONS))
    client.force_login(enrolment.user)

    response = client.get(reverse("progress:continue"))

    assert response.status_code == 302
    assert response.url == activities("curate", "the-listening-habit")[0].get_absolute_url()
