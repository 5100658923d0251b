"""The programme's content: stages, modules and activities. No learner data.

Rows are written only by `load_curriculum` from the files in
`curriculum/content/`, keyed by stable slugs.
"""

from functools import cached_property

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from competences.models import Competence
from curriculum.grading import RetakePolicy
from ediplomacy.lib.translations import TranslatableModel


class Horizon(models.TextChoices):
    """The time-model horizon a module counts toward (1 : 30 : 365)."""

    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


HORIZON_ORDER = {Horizon.DAY: 1, Horizon.MONTH: 2, Horizon.YEAR: 3}


class Programme(TranslatableModel):
    TRANSLATED = ("title", "summary")

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    content_digest = models.CharField(
        max_length=64, blank=True, help_text=_("Digest of the content files last loaded.")
    )
    loaded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.title


class Stage(TranslatableModel):
    TRANSLATED = ("title", "summary")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="stages")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    order = models.PositiveSmallIntegerField()
    competence = models.ForeignKey(
        Competence, on_delete=models.PROTECT, null=True, blank=True, related_name="stages"
    )
    # Unlock rule: open from the start when both are empty; otherwise open when
    # the named stage, or the named module, is complete.
    unlock_stage = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    unlock_module = models.ForeignKey(
        "Module", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["programme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "slug"], name="stage_slug_unique"),
            models.CheckConstraint(
                condition=models.Q(unlock_stage__isnull=True)
                | models.Q(unlock_module__isnull=True),
                name="stage_one_unlock_rule",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("progress:programme") + f"#stage-{self.slug}"


class Module(TranslatableModel):
    TRANSLATED = ("title", "summary")

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="modules")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    order = models.PositiveSmallIntegerField()
    horizon = models.CharField(max_length=8, choices=Horizon.choices)
    effort_minutes = models.PositiveIntegerField()
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["stage__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "slug"], name="module_slug_unique"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("progress:module", args=[self.stage.slug, self.slug])

    @property
    def path(self) -> str:
        return f"{self.stage.slug}/{self.slug}"


class ActivityQuerySet(models.QuerySet):
    def live(self):
        return self.filter(retired_at__isnull=True, module__retired_at__isnull=True)


class Activity(TranslatableModel):
    # `translations` holds the title only, so lists and the outline stay light;
    # the long text is in `body_translations`, read with `body` and `config`.
    TRANSLATED = ("title",)

    class Kind(models.TextChoices):
        READING = "reading", _("Reading")
        QUIZ = "quiz", _("Quiz")
        RESOURCES = "resources", _("Core resources")
        LISTENING_LOG = "listening_log", _("Listening log")
        PRACTICE = "practice", _("Practice task")
        SIMULATION = "simulation", _("Simulation")
        REFLECTION = "reflection", _("Reflection")
        CHECKIN = "checkin", _("Following check-in")
        DISCUSSION = "discussion", _("Discussion")

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="activities")
    slug = models.SlugField(max_length=80)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField()
    # The main text (reading body, brief, prompt or intro) as authored, and as
    # rendered and sanitised once at load time.
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    # Kind-specific rules: pass_mark, questions, draw and retakes (quiz),
    # required (resources), required_days and required_weeks (listening_log),
    # min_words (reflection), scenario (simulation), reading and min_words
    # (discussion: the slug of a reading in the same module). A practice or
    # simulation activity's rubric is its `criteria`.
    config = models.JSONField(default=dict, blank=True)
    # Per language: the main text as authored and as rendered (`body`,
    # `body_html`) and a quiz's words by question slug (`questions`).
    body_translations = models.JSONField(default=dict, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["module__stage__order", "module__order", "order"]
        verbose_name_plural = _("activities")
        constraints = [
            models.UniqueConstraint(fields=["module", "slug"], name="activity_slug_unique"),
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=[
                        "reading",
                        "quiz",
                        "resources",
                        "listening_log",
                        "practice",
                        "simulation",
                        "reflection",
                        "checkin",
                        "discussion",
                    ]
                ),
                name="activity_kind_known",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "progress:activity", args=[self.module.stage.slug, self.module.slug, self.slug]
        )

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    def localise_more(self, language: str, texts: dict) -> set[str]:
        missing = set()
        if "body_translations" not in self.__dict__:
            return missing  # the long text was not read: none of it is shown
        texts = (self.body_translations or {}).get(language) or {}
        if "body" in self.__dict__ and "body_html" in self.__dict__:
            if texts.get("body"):
                self.body, self.body_html = texts["body"], texts.get("body_html", "")
            elif self.body:
                missing.add("body")
        if "config" in self.__dict__ and self.config.get("questions"):
            questions, complete = translated_questions(
                self.config["questions"], texts.get("questions") or {}
            )
            self.config = {**self.config, "questions": questions}
            if not complete:
                missing.add("questions")
        return missing

    @property
    def pass_mark(self) -> int:
        return int(self.config.get("pass_mark", 80))

    @property
    def questions(self) -> list[dict]:
        return self.config.get("questions", [])

    @property
    def draw(self) -> int | None:
        """How many questions each attempt draws from the bank; None: all."""
        draw = self.config.get("draw")
        return int(draw) if draw is not None else None

    @property
    def questions_shown(self) -> int:
        return min(self.draw or len(self.questions), len(self.questions))

    @property
    def retake_policy(self) -> RetakePolicy:
        return RetakePolicy(**self.config.get("retakes", {}))

    @property
    def required(self) -> int:
        return int(self.config.get("required", 1))

    @property
    def required_days(self) -> int:
        return int(self.config.get("required_days", 1))

    @property
    def required_weeks(self) -> int:
        return int(self.config.get("required_weeks", 1))

    @cached_property
    def rubric(self) -> list["Criterion"]:
        """The live criteria of a practice activity's rubric, in order (from
        `prefetch_related("criteria")` when the caller prefetched them)."""
        return [item for item in self.criteria.all() if item.retired_at is None]

    @property
    def scenario_slug(self) -> str:
        return self.config.get("scenario", "")

    @property
    def min_words(self) -> int:
        return int(self.config.get("min_words", 30))

    @property
    def peer_review(self) -> dict | None:
        """A practice activity's peer review, when its content asks for one:
        {"reviewers": K, "anonymous": bool}."""
        return self.config.get("peer_review")

    @property
    def discussed_reading(self) -> str:
        """A discussion activity's reading: its slug, in the same module."""
        return self.config.get("reading", "")


def translated_questions(questions: list[dict], texts: dict) -> tuple[list[dict], bool]:
    """A quiz's questions with their prompts, choices and feedback in the
    translation `texts` (by question slug) where it has them; and whether it
    had them all. Order, count and correctness are the source's."""
    complete = True
    shown = []
    for question in questions:
        text = texts.get(question.get("slug")) or {}
        choices = text.get("choices") or []
        whole = bool(text.get("prompt")) and len(choices) == len(question["choices"])
        shown_choices = []
        for position, choice in enumerate(question["choices"]):
            words = choices[position] if position < len(choices) else {}
            whole = whole and bool(words.get("text") and words.get("feedback"))
            shown_choices.append(
                {
                    **choice,
                    "text": words.get("text") or choice["text"],
                    "feedback": words.get("feedback") or choice["feedback"],
                }
            )
        shown.append(
            {
                **question,
                "prompt": text.get("prompt") or question["prompt"],
                "choices": shown_choices,
                # Some of this question's words are the source's.
                "untranslated": not whole,
            }
        )
        complete = complete and whole
    return shown, complete


# The kinds whose work a trainer reviews against a rubric: hand-in practice
# work, and a simulation run submitted from the practice sandbox.
REVIEWED_KINDS = frozenset({Activity.Kind.PRACTICE, Activity.Kind.SIMULATION})


class Resource(TranslatableModel):
    """A core resource a learner can follow (a guide, an account, a blog...)."""

    TRANSLATED = ("title", "description")

    class Category(models.TextChoices):
        GUIDE = "guide", _("Guide")
        ACCOUNT = "account", _("Account")
        BLOG = "blog", _("Blog")
        ORGANISATION = "organisation", _("Organisation")
        WIKI = "wiki", _("Wiki")
        OTHER = "other", _("Other")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="resources")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    author = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    category = models.CharField(max_length=16, choices=Category.choices)
    url = models.URLField(blank=True)
    description = models.TextField()
    order = models.PositiveSmallIntegerField()
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["activity", "order"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "slug"], name="resource_slug_unique"),
        ]

    def __str__(self):
        return self.title


class RubricLevel(models.TextChoices):
    """How far practice work goes on one rubric criterion, lowest first."""

    NOT_YET = "not_yet", _("Not yet")
    MEETS = "meets", _("Meets")
    EXCEEDS = "exceeds", _("Exceeds")


# A trainer accepts practice work only when every criterion is at one of these.
ACCEPTING_LEVELS = frozenset({RubricLevel.MEETS, RubricLevel.EXCEEDS})


class Criterion(TranslatableModel):
    """One criterion of a practice activity's rubric, with a one-line descriptor
    per level and an example of meeting it. Trainers mark submissions against it."""

    TRANSLATED = ("name", "description", "not_yet", "meets", "exceeds", "example")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="criteria")
    # From the criterion's name in the content file: renaming one starts a new
    # criterion and retires the old, so earlier marks keep their meaning.
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=200)
    description = models.TextField()
    not_yet = models.CharField(max_length=300)
    meets = models.CharField(max_length=300)
    exceeds = models.CharField(max_length=300)
    example = models.TextField()
    order = models.PositiveSmallIntegerField()
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["activity", "order"]
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["activity", "slug"], name="criterion_slug_unique"),
        ]

    def __str__(self):
        return self.name

    def descriptor(self, level: str) -> str:
        """The one-line descriptor of `level` (a `RubricLevel` code)."""
        return getattr(self, RubricLevel(level).value)

    @property
    def levels(self) -> list[tuple[str, str, str]]:
        """(code, label, descriptor) for each level, lowest first."""
        return [(level.value, level.label, self.descriptor(level)) for level in RubricLevel]
