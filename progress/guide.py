"""The trainer's guide, written in Markdown in the repository (docs/trainer-guide.md,
and docs/trainer-guide.<lang>.md for each translation) and served as a page to
trainers, through the same sanitiser as the programme."""

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.html import escape
from django.utils.text import slugify

from curriculum.rendering import ALLOWED_ATTRIBUTES, render_markdown
from ediplomacy.lib.translations import CONTENT_LANGUAGES

GUIDE_FILE = Path(settings.BASE_DIR) / "docs" / "trainer-guide.md"
HEADING = re.compile(r"<(h[23])( id=\"[^\"]*\")?>(.*?)</\1>", re.DOTALL)
ANCHOR = re.compile(r'<h[23] id="([^"]*)">')
# Only the guide's own headings may carry an id: the translations name their
# sections' anchors themselves ("## 3. Évaluer au regard des grilles {#marking-the-rubrics}").
GUIDE_ATTRIBUTES = {**ALLOWED_ATTRIBUTES, "h2": {"id"}, "h3": {"id"}}


@dataclass(frozen=True)
class TrainerGuide:
    html: str
    # The fields shown in English for lack of a translation, as content rows
    # list them, so the page flags them with the programme's own note.
    untranslated: tuple[str, ...] = ()

    @property
    def anchors(self) -> list[str]:
        return ANCHOR.findall(self.html)


def guide_file(language: str | None) -> Path:
    """The guide's file in `language` (a content language code), or the English one."""
    if language is None:
        return GUIDE_FILE
    if language not in CONTENT_LANGUAGES:
        raise ValueError(f"No guide language {language!r}")
    return GUIDE_FILE.with_name(f"{GUIDE_FILE.stem}.{language}{GUIDE_FILE.suffix}")


def _anchor(match: re.Match) -> str:
    # The anchors are the English guide's, in every language, so that a link
    # from a page (…#marking-the-rubrics) lands on its section whatever the
    # reader's language. The English headings make theirs from their own words
    # without their number; a translation writes each one after its heading in
    # braces, and tests/progress/test_trainer_guide.py holds every translation
    # to the English list, in order. An explicit anchor per heading, rather
    # than one taken from the English heading of the same rank, lets a missing
    # or extra section be seen where it is, and never moves a link silently.
    tag, explicit, inner = match.groups()
    if explicit:
        return match.group(0)
    words = re.sub(r"<[^>]+>", "", inner)
    anchor = slugify(re.sub(r"^\d+\.\s*", "", words))
    return f'<{tag} id="{escape(anchor)}">{inner}</{tag}>'


def _render(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\A# .*\n", "", text)
    return HEADING.sub(_anchor, render_markdown(text, attributes=GUIDE_ATTRIBUTES))


@functools.lru_cache(maxsize=len(CONTENT_LANGUAGES) + 1)
def trainer_guide_in(language: str | None = None) -> TrainerGuide:
    """The guide as safe HTML in `language` (None for English), without its
    top-level title (the page has its own); in English, flagged untranslated,
    when the language has no translation yet. Kept once per language."""
    path = guide_file(language)
    if language is not None and not path.exists():
        return TrainerGuide(html=trainer_guide_in(None).html, untranslated=("html",))
    return TrainerGuide(html=_render(path))
