"""The programme's content in the reader's language, falling back to English.

Content rows (programme, stages, modules, activities, resources, rubric
criteria, competences and outcomes) keep their English source text in their
own columns and every translation in one `translations` field:
``{"fr": {"title": "...", "summary": "..."}}``, written by `load_curriculum`
from the language overlays. A row read from the database while a language
other than English is active shows that language's text field by field; a
field with no translation keeps its English text and is listed in the row's
`untranslated`, so pages can flag it for editors and mark it `lang="en"`.

Only text changes: slugs, kinds, numbers, quiz correctness and unlock rules
come from the source alone, so grading, progress and reports never depend on
the language a page was read in. A row shown in a translation refuses to be
saved (it would write the translation over the source); code that writes
content reads it inside `source_text()`.
"""

import contextlib
import contextvars

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy

SOURCE_LANGUAGE = "en"
# The languages a content overlay may be written in: the UN's six, less the
# source. The file suffix is the code, e.g. `01-listening-foundations.fr.yaml`.
CONTENT_LANGUAGES = ("ar", "es", "fr", "ru", "zh-hans")

_source_only = contextvars.ContextVar("source_only", default=False)


@contextlib.contextmanager
def source_text():
    """Within this block, content rows are read in their English source text."""
    token = _source_only.set(True)
    try:
        yield
    finally:
        _source_only.reset(token)


def content_language() -> str | None:
    """The content language for the active language, or None for the source."""
    if _source_only.get():
        return None
    code = (translation.get_language() or SOURCE_LANGUAGE).lower()
    if code in CONTENT_LANGUAGES:
        return code
    base = code.split("-")[0]
    if base == SOURCE_LANGUAGE:
        return None
    # A regional variant (fr-ca, es-419) reads its language's overlay.
    return base if base in CONTENT_LANGUAGES else None


class TranslatableModel(models.Model):
    """A content row whose `TRANSLATED` text fields may carry translations."""

    TRANSLATED: tuple[str, ...] = ()

    translations = models.JSONField(
        default=dict,
        blank=True,
        help_text=gettext_lazy(
            "Text per language code, from the content overlays; English is the source."
        ),
    )

    # Set on rows read in a translation: the fields shown in English for lack
    # of a translation, and the language the others are in.
    untranslated: frozenset[str] = frozenset()
    shown_language: str = SOURCE_LANGUAGE

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.shown_language != SOURCE_LANGUAGE:
            raise ValueError(
                f"{self._meta.label} {self.pk} is shown in {self.shown_language!r}; "
                "read it inside source_text() to save it"
            )
        super().save(*args, **kwargs)

    def refresh_from_db(self, *args, **kwargs):
        # Reload the source, then show it as this row was shown: a row made in
        # English is never filled with a translation it could then save.
        with source_text():
            super().refresh_from_db(*args, **kwargs)
        if self.shown_language != SOURCE_LANGUAGE:
            self.localise(self.shown_language)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        language = content_language()
        if language and "translations" in instance.__dict__:
            instance.localise(language)
        return instance

    def localise(self, language: str) -> None:
        """Shows this row in `language`, field by field, keeping English where
        there is no translation."""
        texts = (self.translations or {}).get(language) or {}
        missing = set()
        for name in self.TRANSLATED:
            if name not in self.__dict__:
                continue  # deferred: not shown
            if texts.get(name):
                setattr(self, name, texts[name])
            elif getattr(self, name):
                missing.add(name)
        missing |= self.localise_more(language, texts)
        self.untranslated = frozenset(missing)
        self.shown_language = language

    def localise_more(self, language: str, texts: dict) -> set[str]:
        """A model's translated text beyond its `TRANSLATED` fields (`texts` is
        this row's `translations[language]`); returns the names shown in English."""
        return set()

    def is_untranslated(self, name: str) -> bool:
        return name in self.untranslated


class SourceTextAdmin:
    """A `ModelAdmin` mixin for content models: their admin pages read and save
    the English source whatever the interface language, rendering inside
    `source_text()` so lazily read rows (inlines) are English too."""

    def _in_source_text(self, view, *args, **kwargs):
        with source_text():
            response = view(*args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        return response

    def changeform_view(self, *args, **kwargs):
        return self._in_source_text(super().changeform_view, *args, **kwargs)

    def changelist_view(self, *args, **kwargs):
        return self._in_source_text(super().changelist_view, *args, **kwargs)

    def delete_view(self, *args, **kwargs):
        return self._in_source_text(super().delete_view, *args, **kwargs)
