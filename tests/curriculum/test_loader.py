"""The content loader: validation that reports every problem, and an idempotent upsert.

Most tests build a small content tree under `tmp_path` with `ContentTree`, which
starts valid and lets a test break or edit one thing before writing it out.
"""

import copy
import shutil
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from competences.models import Competence, Outcome
from curriculum.loader import Content, ContentError, Problem, Report, apply_content, read_content
from curriculum.management.commands import load_curriculum
from curriculum.models import Activity, Module, Programme, Resource, Stage
from curriculum.selectors import programme_outline
from progress.models import Completion, Enrolment
from tests.factories import UserFactory

COMPETENCES = "competences/content/competences.yaml"
PROGRAMME = "curriculum/content/programme.yaml"
# Module files, named by their path under the content folder.
FIRST_STEPS = "orientation/01-first-steps.yaml"
LISTENING = "curate/01-listening.yaml"
HABIT = "curate/02-habit.yaml"

CONTENT_MODELS = (Competence, Outcome, Programme, Stage, Module, Activity, Resource)


def choice(text: str, correct: bool) -> dict:
    return {"text": text, "correct": correct, "feedback": f"About {text.lower()}."}


def minimal_competences() -> list[dict]:
    return [
        {
            "slug": slug,
            "name": slug.title(),
            "order": order,
            "tagline": f"The {slug} competence",
            "description": f"What it means to {slug}.",
            "outcomes": [f"Can {slug}, observably ({number})." for number in (1, 2, 3)],
        }
        for order, slug in enumerate(("curate", "collaborate", "communicate"), start=1)
    ]


def minimal_programme() -> dict:
    return {
        "slug": "test-programme",
        "title": "Test programme",
        "summary": "A programme small enough to read in one go.",
        "stages": [
            {
                "slug": "orientation",
                "title": "Orientation",
                "competence": None,
                "summary": "Getting started.",
                "unlock": None,
            },
            {
                "slug": "curate",
                "title": "Curate",
                "competence": "curate",
                "summary": "Listening.",
                "unlock": {"module": "orientation/first-steps"},
            },
        ],
    }


def minimal_modules() -> dict[str, dict]:
    """Three modules that between them use every activity kind."""
    return {
        FIRST_STEPS: {
            "slug": "first-steps",
            "title": "First steps",
            "horizon": "day",
            "effort_minutes": 30,
            "summary": "Where to begin.",
            "activities": [
                {
                    "slug": "welcome",
                    "kind": "reading",
                    "title": "Welcome",
                    "body": "## Welcome\n\nRead **this** first.\n",
                },
                {
                    "slug": "first-quiz",
                    "kind": "quiz",
                    "title": "Check your understanding",
                    "pass_mark": 80,
                    "questions": [
                        {
                            "prompt": "Which competence comes first?",
                            "multiple": False,
                            "choices": [choice("Curate", True), choice("Create", False)],
                        },
                        {
                            "prompt": "Which horizon does orientation count toward?",
                            "choices": [
                                choice("Day", True),
                                choice("Month", False),
                                choice("Year", False),
                            ],
                        },
                        {
                            "prompt": "Which are e-tools?",
                            "multiple": True,
                            "choices": [
                                choice("Twitter", True),
                                choice("A wiki", True),
                                choice("A fax", False),
                            ],
                        },
                    ],
                },
                {
                    "slug": "first-checkin",
                    "kind": "checkin",
                    "title": "Record your following",
                    "prompt": "Write down your follower count.",
                },
                {
                    "slug": "first-reflection",
                    "kind": "reflection",
                    "title": "What you expect",
                    "prompt": "What do you expect to learn?",
                    "min_words": 20,
                },
            ],
        },
        LISTENING: {
            "slug": "listening",
            "title": "Listening",
            "horizon": "month",
            "effort_minutes": 90,
            "summary": "Follow the core resources.",
            "activities": [
                {
                    "slug": "core-resources",
                    "kind": "resources",
                    "title": "Follow the core resources",
                    "intro": "Follow *both*.",
                    "required": 2,
                    "resources": [
                        {
                            "slug": "a-guide",
                            "title": "A guide",
                            "category": "guide",
                            "url": "https://example.org/guide",
                            "description": "A guide to listening.",
                        },
                        {
                            "slug": "an-account",
                            "title": "An account",
                            "author": "A. Diplomat",
                            "year": 2013,
                            "category": "account",
                            "description": "An account worth following.",
                        },
                    ],
                },
                {
                    "slug": "daily-log",
                    "kind": "listening_log",
                    "title": "Keep a listening log",
                    "prompt": "Record what you heard.",
                    "required_days": 3,
                },
                {
                    "slug": "listening-list",
                    "kind": "practice",
                    "title": "Build a listening list",
                    "brief": "Hand in a list of ten sources.",
                    "rubric": [
                        {"criterion": "Relevance", "description": "Sources fit the portfolio."},
                        {"criterion": "Balance", "description": "Several kinds of voice."},
                    ],
                },
            ],
        },
        HABIT: {
            "slug": "habit",
            "title": "The listening habit",
            "horizon": "month",
            "effort_minutes": 60,
            "summary": "Listening every day.",
            "activities": [
                {
                    "slug": "habit-reading",
                    "kind": "reading",
                    "title": "Why a habit",
                    "body": "Listening is a habit.\n\n- daily\n- at set times\n",
                },
                {
                    "slug": "habit-reflection",
                    "kind": "reflection",
                    "title": "Your routine",
                    "prompt": "Describe your routine.",
                },
            ],
        },
    }


class ContentTree:
    """A valid content tree laid out like the project's, for one test to change."""

    def __init__(self, base: Path):
        self.root = base / "project"
        self.content_dir = self.root / "curriculum" / "content"
        self.competences_file = self.root / "competences" / "content" / "competences.yaml"
        self.competences = minimal_competences()
        self.programme = minimal_programme()
        self.modules = minimal_modules()
        # Literal file text by path under the content folder, for YAML no dict can express.
        self.raw: dict[str, str] = {}

    def activities(self, module_file: str) -> list[dict]:
        return self.modules[module_file]["activities"]

    def activity(self, module_file: str, slug: str) -> dict:
        return next(item for item in self.activities(module_file) if item["slug"] == slug)

    def write(self) -> "ContentTree":
        shutil.rmtree(self.root, ignore_errors=True)
        self.competences_file.parent.mkdir(parents=True)
        self.competences_file.write_text(yaml.safe_dump(self.competences), encoding="utf-8")
        self.content_dir.mkdir(parents=True)
        files = {"programme.yaml": yaml.safe_dump(self.programme, sort_keys=False)}
        files |= {
            name: yaml.safe_dump(data, sort_keys=False) for name, data in self.modules.items()
        }
        files |= self.raw
        for name, text in files.items():
            path = self.content_dir / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return self

    def read(self) -> Content:
        return read_content(self.write().content_dir, self.competences_file)

    def load(self) -> Report:
        return apply_content(self.read())

    def problems(self) -> list[Problem]:
        with pytest.raises(ContentError) as caught:
            self.read()
        return caught.value.problems


@pytest.fixture
def tree(tmp_path) -> ContentTree:
    return ContentTree(tmp_path)


@pytest.fixture(autouse=True)
def _no_content_yet(request):
    # The test session loads the shipped programme once; loader tests start from none.
    if request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
        Programme.objects.all().delete()
        Competence.objects.all().delete()


@pytest.fixture
def command_reads_tree(monkeypatch, tree):
    """Points `load_curriculum` at the test's tree instead of the shipped content."""
    monkeypatch.setattr(
        load_curriculum,
        "read_content",
        lambda: read_content(tree.content_dir, tree.competences_file),
    )
    return tree


def snapshot() -> dict[str, list[dict]]:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in CONTENT_MODELS}


def module_row(slug: str) -> Module:
    return Module.objects.get(slug=slug)


def activity_row(slug: str) -> Activity:
    return Activity.objects.get(slug=slug)


def complete(activity: Activity) -> Completion:
    enrolment = Enrolment.objects.create(
        user=UserFactory(),
        programme=activity.module.stage.programme,
        started_at=timezone.now(),
    )
    return Completion.objects.create(
        enrolment=enrolment, activity=activity, completed_at=timezone.now()
    )


def assert_reported(problems: list[Problem], file: str, field: str, fragment: str) -> None:
    listing = "\n".join(str(problem) for problem in problems)
    assert any(
        problem.file == file and problem.field == field and fragment in problem.message
        for problem in problems
    ), f"expected {file}: {field}: ...{fragment}... among:\n{listing}"


# Each break changes one thing in a valid tree; all of them can apply together.
# A break returns the problems it must cause: (file, field, part of the message).
Expected = list[tuple[str, str, str]]


def content(name: str) -> str:
    return f"curriculum/content/{name}"


def unknown_kind(tree: ContentTree) -> Expected:
    tree.activities(FIRST_STEPS)[2]["kind"] = "video"
    return [(content(FIRST_STEPS), "activities[2].kind", "unknown kind 'video'")]


def duplicate_activity_slug(tree: ContentTree) -> Expected:
    tree.activities(FIRST_STEPS)[3]["slug"] = "welcome"
    return [(content(FIRST_STEPS), "activities[3].slug", "duplicate slug 'welcome'")]


def question_without_a_correct_answer(tree: ContentTree) -> Expected:
    for item in tree.activities(FIRST_STEPS)[1]["questions"][0]["choices"]:
        item["correct"] = False
    return [(content(FIRST_STEPS), "activities[1].questions[0].choices", "needs a correct answer")]


def single_choice_with_two_correct_answers(tree: ContentTree) -> Expected:
    tree.activities(FIRST_STEPS)[1]["questions"][1]["choices"][1]["correct"] = True
    return [
        (
            content(FIRST_STEPS),
            "activities[1].questions[1].choices",
            "exactly one correct answer",
        )
    ]


def misspelt_field(tree: ContentTree) -> Expected:
    quiz = tree.activities(FIRST_STEPS)[1]
    quiz["pass_mak"] = quiz.pop("pass_mark")
    return [
        (content(FIRST_STEPS), "activities[1].pass_mak", "is not a known field"),
        (content(FIRST_STEPS), "activities[1].pass_mark", "is required"),
    ]


def duplicate_module_slug(tree: ContentTree) -> Expected:
    tree.modules[HABIT]["slug"] = "listening"
    return [(content(HABIT), "slug", "duplicate slug 'listening'")]


def dangling_stage_unlock(tree: ContentTree) -> Expected:
    tree.programme["stages"].append(
        {
            "slug": "collaborate",
            "title": "Collaborate",
            "competence": "collaborate",
            "summary": "Sharing.",
            "unlock": {"stage": "nowhere"},
        }
    )
    return [(PROGRAMME, "stages[2].unlock", "'nowhere', which is not an earlier stage")]


def dangling_module_unlock(tree: ContentTree) -> Expected:
    tree.programme["stages"][1]["unlock"] = {"module": "orientation/nowhere"}
    return [
        (
            PROGRAMME,
            "stages[1].unlock",
            "'orientation/nowhere', which is no module of an earlier stage",
        )
    ]


def unlock_naming_a_later_stage(tree: ContentTree) -> Expected:
    tree.programme["stages"][0]["unlock"] = {"stage": "curate"}
    return [(PROGRAMME, "stages[0].unlock", "'curate', which is not an earlier stage")]


def invalid_yaml(tree: ContentTree) -> Expected:
    tree.raw["curate/03-broken.yaml"] = "slug: broken\ntitle: Broken\n  horizon: month\n"
    return [(content("curate/03-broken.yaml"), "line 3", "invalid YAML")]


def folder_naming_no_stage(tree: ContentTree) -> Expected:
    tree.modules["cruate/01-typo.yaml"] = copy.deepcopy(tree.modules[HABIT])
    return [("curriculum/content/cruate", "", "folder names no stage")]


def unknown_competence_on_a_stage(tree: ContentTree) -> Expected:
    tree.programme["stages"][1]["competence"] = "curation"
    return [(PROGRAMME, "stages[1].competence", "unknown competence 'curation'")]


def more_resources_required_than_listed(tree: ContentTree) -> Expected:
    tree.activities(LISTENING)[0]["required"] = 3
    return [(content(LISTENING), "activities[0].required", "must be between 1 and 2")]


def bad_horizon(tree: ContentTree) -> Expected:
    tree.modules[HABIT]["horizon"] = "week"
    return [(content(HABIT), "horizon", "must be one of day, month, year")]


def bad_url(tree: ContentTree) -> Expected:
    tree.activities(LISTENING)[0]["resources"][1]["url"] = "www.example.org/no-scheme"
    return [(content(LISTENING), "activities[0].resources[1].url", "http(s) address")]


def too_few_outcomes(tree: ContentTree) -> Expected:
    tree.competences[2]["outcomes"] = tree.competences[2]["outcomes"][:2]
    return [(COMPETENCES, "[2].outcomes", "3 to 5 observable outcomes")]


BREAKS: list[Callable[[ContentTree], Expected]] = [
    unknown_kind,
    duplicate_activity_slug,
    question_without_a_correct_answer,
    single_choice_with_two_correct_answers,
    misspelt_field,
    duplicate_module_slug,
    dangling_stage_unlock,
    dangling_module_unlock,
    unlock_naming_a_later_stage,
    invalid_yaml,
    folder_naming_no_stage,
    unknown_competence_on_a_stage,
    more_resources_required_than_listed,
    bad_horizon,
    bad_url,
    too_few_outcomes,
]


# Validation: no database.


def test_the_minimal_tree_is_valid(tree):
    content = tree.read()

    assert [stage["slug"] for stage in content.programme["stages"]] == ["orientation", "curate"]
    assert [module["slug"] for module in content.modules["curate"]] == ["listening", "habit"]
    kinds = {
        activity["kind"]
        for modules in content.modules.values()
        for module in modules
        for activity in module["activities"]
    }
    assert kinds == set(Activity.Kind.values)


@pytest.mark.parametrize("break_content", BREAKS, ids=lambda function: function.__name__)
def test_each_problem_is_reported_with_its_file_and_field(tree, break_content):
    expected = break_content(tree)

    problems = tree.problems()

    for file, field, fragment in expected:
        assert_reported(problems, file, field, fragment)


def test_all_problems_in_all_files_are_reported_at_once(tree):
    expected = [problem for break_content in BREAKS for problem in break_content(tree)]

    problems = tree.problems()

    for file, field, fragment in expected:
        assert_reported(problems, file, field, fragment)
    assert len({file for file, _, _ in expected}) >= 6


def test_the_error_message_lists_every_problem_on_its_own_line(tree):
    bad_horizon(tree)
    bad_url(tree)

    with pytest.raises(ContentError) as caught:
        tree.read()

    lines = str(caught.value).splitlines()
    assert f"{content(HABIT)}: horizon: must be one of day, month, year" in lines
    url_line = f"{content(LISTENING)}: activities[0].resources[1].url: "
    assert any(line.startswith(url_line) for line in lines)


def test_the_digest_changes_with_the_files_and_only_with_them(tree):
    first = tree.read().digest
    again = tree.read().digest
    tree.modules[HABIT]["title"] = "A new title"
    edited = tree.read().digest

    assert first == again
    assert edited != first


def test_a_stage_without_a_slug_is_reported(tree):
    del tree.programme["stages"][1]["slug"]

    assert_reported(tree.problems(), PROGRAMME, "stages[1].slug", "is required")


@pytest.mark.parametrize(
    ("module_file", "activity_index", "field"),
    [
        (HABIT, None, "title"),
        (HABIT, None, "summary"),
        (HABIT, None, "effort_minutes"),
        (FIRST_STEPS, 1, "pass_mark"),
        (LISTENING, 1, "required_days"),
    ],
    ids=["module-title", "module-summary", "module-effort", "quiz-pass-mark", "log-days"],
)
def test_a_required_field_left_empty_is_reported(tree, module_file, activity_index, field):
    if activity_index is None:
        tree.modules[module_file][field] = None
        where = field
    else:
        tree.activities(module_file)[activity_index][field] = None
        where = f"activities[{activity_index}].{field}"

    assert_reported(tree.problems(), content(module_file), where, "")


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
        "activity": 9,
        "resource": 2,
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

    assert "2 stages, 3 modules, 9 activities" in out.getvalue()
    assert "created" in out.getvalue()
    assert Activity.objects.count() == 9


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
    assert [len(question["choices"]) for question in quiz.questions] == [2, 3, 3]
    assert [question["multiple"] for question in quiz.questions] == [False, False, True]
    resources = activity_row("core-resources")
    assert (resources.required, resources.body) == (2, "Follow *both*.")
    listed = resources.resources.order_by("order")
    assert [item.slug for item in listed] == ["a-guide", "an-account"]
    assert resources.resources.get(slug="an-account").year == 2013
    assert resources.resources.get(slug="an-account").url == ""
    assert activity_row("daily-log").required_days == 3
    assert [item["criterion"] for item in activity_row("listening-list").rubric] == [
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
        ("first-reflection", 1),
        ("first-checkin", 2),
        ("first-quiz", 3),
        ("welcome", 4),
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
