"""A small valid content tree for the loader's tests to break or edit, the breaks
each with the problems it must cause, and helpers that read back what a load
wrote."""

import copy
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from django.utils import timezone

from competences.models import Competence, Outcome
from curriculum.loader import Content, ContentError, Problem, Report, apply_content, read_content
from curriculum.models import Activity, Module, Programme, Resource, Stage
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
                                choice("A telegram", False),
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
                {
                    "slug": "first-discussion",
                    "kind": "discussion",
                    "title": "Discuss the welcome",
                    "reading": "welcome",
                    "prompt": "Say what you expect, beside the paragraph it is about.",
                    "min_words": 10,
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
                        {
                            "criterion": "Relevance",
                            "description": "Sources fit the portfolio.",
                            "levels": {
                                "not_yet": "Some sources miss the topic.",
                                "meets": "Every source fits the topic.",
                                "exceeds": "Each source says what it adds.",
                            },
                            "example": "A reason given for every source.",
                        },
                        {
                            "criterion": "Balance",
                            "description": "Several kinds of voice.",
                            "levels": {
                                "not_yet": "One kind of voice.",
                                "meets": "Four kinds of voice.",
                                "exceeds": "Six kinds of voice.",
                            },
                            "example": "Officials, experts, media and critics.",
                        },
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
    # pass_mark may be left out (the programme's default applies): only the
    # misspelling is a problem.
    return [(content(FIRST_STEPS), "activities[1].pass_mak", "is not a known field")]


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
