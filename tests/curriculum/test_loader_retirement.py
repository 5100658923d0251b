"""The content loader retires what leaves the files: nothing that a learner may
have completed is ever deleted."""

import pytest

from curriculum.models import Activity, Resource
from progress.models import Completion
from tests.curriculum.content_tree import HABIT, LISTENING, activity_row, complete, module_row

# The session loads the shipped programme once; loader tests start from none.
pytestmark = pytest.mark.usefixtures("_no_content_yet")


# Retirement: nothing that a learner may have completed is ever deleted.


@pytest.mark.django_db
def test_an_activity_removed_from_the_files_is_retired_and_keeps_its_completion(tree):
    tree.load()
    completion = complete(activity_row("habit-reflection"))
    removed = tree.activities(HABIT).pop()

    report = tree.load()

    activity = activity_row("habit-reflection")
    assert activity.retired_at is not None
    assert report.retired == {"activity": 1}
    assert Completion.objects.get(pk=completion.pk).activity == activity
    assert not Activity.objects.live().filter(pk=activity.pk).exists()
    assert activity_row("habit-reading").retired_at is None

    tree.activities(HABIT).append(removed)
    tree.load()

    restored = activity_row("habit-reflection")
    assert (restored.pk, restored.retired_at) == (activity.pk, None)
    assert Completion.objects.get(pk=completion.pk).activity == restored


@pytest.mark.django_db
def test_a_module_removed_from_the_files_is_retired_with_its_activities(tree):
    tree.load()
    module = module_row("habit")
    completion = complete(activity_row("habit-reading"))
    removed = tree.modules.pop(HABIT)

    report = tree.load()

    module.refresh_from_db()
    assert module.retired_at is not None
    assert report.retired == {"module": 1, "activity": 2}
    assert all(activity.retired_at is not None for activity in module.activities.all())
    assert Completion.objects.filter(pk=completion.pk).exists()
    assert module_row("listening").retired_at is None

    tree.modules[HABIT] = removed
    tree.load()

    module.refresh_from_db()
    assert module.retired_at is None
    assert module.activities.live().count() == 2
    assert Completion.objects.get(pk=completion.pk).activity == activity_row("habit-reading")


@pytest.mark.django_db
def test_a_resource_removed_from_the_files_is_retired(tree):
    tree.load()
    resource = Resource.objects.get(slug="an-account")
    tree.activity(LISTENING, "core-resources")["required"] = 1
    removed = tree.activity(LISTENING, "core-resources")["resources"].pop()

    report = tree.load()

    resource.refresh_from_db()
    assert resource.retired_at is not None
    assert report.retired == {"resource": 1}
    assert Resource.objects.get(slug="a-guide").retired_at is None

    tree.activity(LISTENING, "core-resources")["resources"].append(removed)
    tree.load()

    restored = Resource.objects.get(slug="an-account")
    assert (restored.pk, restored.retired_at) == (resource.pk, None)


@pytest.mark.django_db
def test_resources_of_an_activity_that_is_no_longer_a_resources_list_are_retired(tree):
    tree.load()
    tree.activities(LISTENING)[0] = {
        "slug": "core-resources",
        "kind": "reading",
        "title": "Now a reading",
        "body": "Read this instead.",
    }

    tree.load()

    assert activity_row("core-resources").kind == "reading"
    assert not Resource.objects.filter(retired_at__isnull=True).exists()


@pytest.mark.django_db
def test_retiring_twice_keeps_the_first_retirement_date(tree):
    tree.load()
    tree.activities(HABIT).pop()
    tree.load()
    retired_at = activity_row("habit-reflection").retired_at

    report = tree.load()

    assert not report.changed
    assert activity_row("habit-reflection").retired_at == retired_at
