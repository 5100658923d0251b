"""The trainer's guide, written in Markdown in the repository (docs/trainer-guide.md)
and served as a page to trainers, through the same sanitiser as the programme."""

import functools
import re
from pathlib import Path

from django.conf import settings
from django.utils.html import escape
from django.utils.text import slugify

from curriculum.rendering import render_markdown

GUIDE_FILE = Path(settings.BASE_DIR) / "docs" / "trainer-guide.md"
HEADING = re.compile(r"<(h[23])>(.*?)</\1>", re.DOTALL)


def _anchor(match: re.Match) -> str:
    # The sanitiser drops ids, so the section links (…#marking-the-rubrics) are
    # added after it, from the heading's own words without its number.
    tag, inner = match.group(1), match.group(2)
    words = re.sub(r"<[^>]+>", "", inner)
    anchor = slugify(re.sub(r"^\d+\.\s*", "", words))
    return f'<{tag} id="{escape(anchor)}">{inner}</{tag}>'


@functools.lru_cache(maxsize=1)
def trainer_guide_html() -> str:
    """The guide as safe HTML, without its top-level title (the page has its own)."""
    text = GUIDE_FILE.read_text(encoding="utf-8")
    text = re.sub(r"\A# .*\n", "", text)
    return HEADING.sub(_anchor, render_markdown(text))
