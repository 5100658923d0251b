"""The content loader: an idempotent upsert of the content files, and edits that
update rows in place.

Most tests build a small content tree under `tmp_path` with `ContentTree`, which
starts valid and lets a test edit one thing before writing it out.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from competences.models import Competence
from curriculum.loader import apply_content, read_content
from curriculum.models import Activity, Module, Programme, Stage
from curriculum.selectors import programme_outline
from progress.models import Completion
from tests.curriculum.content_tree import (
    FIRST_STEPS,
    HABIT,
    LISTENING,
    activity_row,
    bad_horizon,
    bad_url,
    complete,
    content,
    module_row,
    snapshot,
)

# The session loads the shipped programme once; loader tests start from none.
pytestmark = pytest.mark.usefixtures("_no_content_yet")


# Loading.


@pytest.mark.django_db
def test_the_shipped_content_validates_and_loads_on_a_clean_database():
    report = apply_content(read_content())

    assert report.changed
    programme = Programme.objects.get()
    stages = list(programme.stages.order_by("order"))
    assert [stage.slug for stage in stages] == [
        "orientation",
        "curate",
        "collaborate",
        "communicate",
        "create",
        "critique",
    ]
    assert [stage.order for stage in stages] == [1, 2, 3, 4, 5, 6]
    assert Activity.objects.live().count() >= 40
    assert Competence.objects.count() == 5
    collaborate = programme.stages.get(slug="collaborate")
    assert collaborate.unlock_module.path == "curate/listening-foundations"
    assert collaborate.unlock_stage is None
    # Every competence stage teaches, tests and practises in each of its modules.
    competence_stages = Stage.objects.filter(competence__isnull=False)
    assert competence_stages.count() == 5
    for stage in competence_stages:
        modules = list(stage.modules.filter(retired_at__isnull=True))
        assert len(modules) >= 2, stage.slug
        for module in modules:
            activities = list(module.activities.live())
            kinds = [activity.kind for activity in activities]
            assert Activity.Kind.READING in kinds, module.path
            quizzes = [activity for activity in activities if activity.kind == "quiz"]
            assert any(len(quiz.questions) >= 5 for quiz in quizzes), module.path
            practices = [activity for activity in activities if activity.kind == "practice"]
            assert any(practice.rubric for practice in practices), module.path


@pytest.mark.django_db
def test_running_the_command_twice_reports_up_to_date_the_second_time():
    first, second = StringIO(), StringIO()

    call_command("load_curriculum", stdout=first)
    call_command("load_curriculum", stdout=second)

    assert "Curriculum loaded" in first.getvalue()
    assert "up to date" in second.getvalue()


@pytest.mark.django_db
def test_the_check_option_validates_without_writing():
    out = StringIO()

    call_command("load_curriculum", "--check", stdout=out)

    assert "Content is valid" in out.getvalue()
    assert not Programme.objects.exists()


@pytest.mark.django_db
def test_running_the_loader_twice_changes_nothing(tree):
    first = tree.load()
    before = snapshot()

    second = tree.load()

    assert first.changed
    assert not second.changed
    assert snapshot() == before


@pytest.mark.django_db
def test_a_first_load_creates_every_row(tree):
    report = tree.load()

    assert report.created == {
        "competence": 3,
        "outcome": 9,
        "programme": 1,
        "stage": 2,
        "module": 3,
        "activity": 10,
        "resource": 2,
        "criterion": 2,
    }
    assert Programme.objects.get().content_digest
    assert Programme.objects.get().loaded_at is not None


@pytest.mark.django_db
def test_a_failing_validation_changes_nothing_in_the_database(command_reads_tree):
    tree = command_reads_tree
    tree.load()
    before = snapshot()
    tree.modules[HABIT]["title"] = "An edit that must not be written"
    del tree.modules[FIRST_STEPS]
    tree.programme["stages"][1]["unlock"] = {"stage": "orientation"}
    bad_horizon(tree)
    bad_url(tree)
    tree.write()
    stderr = StringIO()

    with pytest.raises(CommandError, match=r"2 problem\(s\).*nothing was changed"):
        call_command("load_curriculum", stderr=stderr)

    assert snapshot() == before
    assert f"{content(HABIT)}: horizon:" in stderr.getvalue()
    assert f"{content(LISTENING)}: activities[0].resources[1].url:" in stderr.getvalue()


@pytest.mark.django_db
def test_the_command_loads_a_tree_and_says_what_changed(command_reads_tree):
    tree = command_reads_tree
    tree.write()
    out = StringIO()

    call_command("load_curriculum", stdout=out)

    assert "2 stages, 3 modules, 10 activities" in out.getvalue()
    assert "created" in out.getvalue()
    assert Activity.objects.count() == 10


@pytest.mark.django_db
def test_stage_order_and_unlocks_follow_the_programme_file(tree):
    tree.load()

    orientation, curate = Stage.objects.order_by("order")
    assert (orientation.slug, orientation.order, orientation.competence) == ("orientation", 1, None)
    assert (curate.slug, curate.order, curate.competence.slug) == ("curate", 2, "curate")
    assert orientation.unlock_stage is None and orientation.unlock_module is None
    assert curate.unlock_module == module_row("first-steps")
    assert curate.unlock_stage is None


@pytest.mark.django_db
def test_changing_a_module_unlock_to_a_stage_unlock_replaces_it(tree):
    tree.load()
    tree.programme["stages"][1]["unlock"] = {"stage": "orientation"}

    tree.load()

    curate = Stage.objects.get(slug="curate")
    assert curate.unlock_stage == Stage.objects.get(slug="orientation")
    assert curate.unlock_module is None


@pytest.mark.django_db
def test_each_kind_keeps_its_main_text_and_its_rules(tree):
    tree.load()

    quiz = activity_row("first-quiz")
    assert quiz.pass_mark == 80
    assert [len(question["choices"]) for question in quiz.questions] == [2, 3, 4]
    assert [question["multiple"] for question in quiz.questions] == [False, False, True]
    resources = activity_row("core-resources")
    assert (resources.required, resources.body) == (2, "Follow *both*.")
    listed = resources.resources.order_by("order")
    assert [item.slug for item in listed] == ["a-guide", "an-account"]
    assert resources.resources.get(slug="an-account").year == 2013
    assert resources.resources.get(slug="an-account").url == ""
    assert activity_row("daily-log").required_days == 3
    assert [item.name for item in activity_row("listening-list").rubric] == [
        "Relevance",
        "Balance",
    ]
    assert activity_row("listening-list").body == "Hand in a list of ten sources."
    assert activity_row("first-reflection").min_words == 20
    assert activity_row("habit-reflection").config == {"min_words": 30}
    assert activity_row("first-checkin").body == "Write down your follower count."
    assert module_row("first-steps").horizon == "day"


@pytest.mark.django_db
def test_markdown_bodies_are_rendered_at_load_time(tree):
    tree.load()

    welcome = activity_row("welcome")
    assert "<h2>Welcome</h2>" in welcome.body_html
    assert "<strong>this</strong>" in welcome.body_html
    assert "<em>both</em>" in activity_row("core-resources").body_html
    assert "<li>daily</li>" in activity_row("habit-reading").body_html


@pytest.mark.django_db
def test_raw_html_in_a_reading_body_never_reaches_body_html(tree):
    hostile = (
        "## Careful\n\n"
        "<script>alert('script')</script>\n\n"
        '<img src="x.png" onerror="alert(1)">\n\n'
        '<p onclick="alert(2)">Click</p>\n\n'
        "[a link](javascript:alert(3))\n"
    )
    tree.activity(FIRST_STEPS, "welcome")["body"] = hostile

    tree.load()

    welcome = activity_row("welcome")
    assert welcome.body == hostile.strip()
    html = welcome.body_html.lower()
    assert "<h2>careful</h2>" in html
    for fragment in ("<script", "alert(", "onerror", "onclick", "<img", "javascript:"):
        assert fragment not in html


# Edits update rows in place.


@pytest.mark.django_db
def test_editing_a_module_text_updates_it_in_place(tree):
    tree.load()
    keys = {name: [row["id"] for row in rows] for name, rows in snapshot().items()}
    completion = complete(activity_row("habit-reading"))
    tree.modules[HABIT]["title"] = "The daily listening habit"
    tree.activity(HABIT, "habit-reading")["body"] = "## Why a habit\n\nBecause *news* moves.\n"

    report = tree.load()

    assert report.created == {}
    assert report.updated == {"module": 1, "activity": 1}
    assert {name: [row["id"] for row in rows] for name, rows in snapshot().items()} == keys
    assert module_row("habit").title == "The daily listening habit"
    reading = activity_row("habit-reading")
    assert "<em>news</em>" in reading.body_html
    assert Completion.objects.get(pk=completion.pk).activity == reading


@pytest.mark.django_db
def test_reordering_activities_updates_their_order(tree):
    tree.load()
    pks = {activity.slug: activity.pk for activity in Activity.objects.all()}
    activities = tree.activities(FIRST_STEPS)
    activities.reverse()

    tree.load()

    rows = Activity.objects.filter(module__slug="first-steps").order_by("order")
    assert [(row.slug, row.order) for row in rows] == [
        ("first-discussion", 1),
        ("first-reflection", 2),
        ("first-checkin", 3),
        ("first-quiz", 4),
        ("welcome", 5),
    ]
    assert all(row.pk == pks[row.slug] for row in rows)


@pytest.mark.django_db
def test_renumbering_module_files_reorders_modules(tree):
    tree.load()
    pks = {module.slug: module.pk for module in Module.objects.all()}
    listening, habit = tree.modules.pop(LISTENING), tree.modules.pop(HABIT)
    tree.modules["curate/01-habit.yaml"] = habit
    tree.modules["curate/02-listening.yaml"] = listening

    tree.load()

    rows = Module.objects.filter(stage__slug="curate").order_by("order")
    assert [(row.slug, row.order, row.pk) for row in rows] == [
        ("habit", 1, pks["habit"]),
        ("listening", 2, pks["listening"]),
    ]


@pytest.mark.django_db
def test_the_outline_is_built_once_and_follows_every_load(tree, django_assert_num_queries):
    tree.load()
    programme = Programme.objects.get()
    with django_assert_num_queries(3):  # stages, modules, activities
        programme_outline(programme)
    reread = Programme.objects.get()
    with django_assert_num_queries(0):
        first = programme_outline(reread)
    assert first[0].modules.all()[0].activities.all()[0].title == "Welcome"

    tree.activity(FIRST_STEPS, "welcome")["title"] = "Welcome aboard"
    tree.activities(FIRST_STEPS).pop()
    tree.load()

    # A new version of the content: the programme row says so, and the outline follows.
    again = programme_outline(Programme.objects.get())
    activities = again[0].modules.all()[0].activities.all()
    assert activities[0].title == "Welcome aboard"
    assert len(activities) == len(first[0].modules.all()[0].activities.all()) - 1
