"""Markdown to safe HTML.

Content is authored in the repository, but it is still sanitised: nothing
that reaches a page has been trusted without nh3 cleaning it first.
"""

import hashlib
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "dl", "dt", "em", "h2", "h3", "h4",
    "hr", "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}


# What people write to each other (discussion posts, reviews): no headings or
# tables, so a post cannot dress up as the reading around it.
PEOPLE_TAGS = {
    "a", "blockquote", "br", "code", "em", "li", "ol", "p", "pre", "strong", "ul",
}  # fmt: skip


def render_markdown(
    text: str,
    *,
    tags: set[str] = ALLOWED_TAGS,
    attributes: dict[str, set[str]] = ALLOWED_ATTRIBUTES,
) -> str:
    html = markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=tags,
        attributes=attributes,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


# Paragraphs of a reading ---------------------------------------------------

# The top-level elements a reading is made of, and the letter their anchors
# start with: p3-1a2b3c is the fourth block, a paragraph whose text hashes to
# 1a2b3c.
BLOCK_LETTERS = {
    "p": "p", "h2": "h", "h3": "h", "h4": "h", "ul": "l", "ol": "l", "dl": "l",
    "blockquote": "q", "pre": "c", "table": "t", "hr": "r",
}  # fmt: skip
VOID_TAGS = {"br", "hr"}


@dataclass(frozen=True)
class Block:
    """One top-level element of a rendered reading: what readers discuss."""

    anchor: str  # stable: index plus a short hash of the block's text
    tag: str
    html: str  # sanitised already: a slice of the body's sanitised HTML
    text: str

    @property
    def digest(self) -> str:
        return self.anchor.rpartition("-")[2]

    @property
    def is_heading(self) -> bool:
        return self.tag in {"h2", "h3", "h4"}

    @property
    def excerpt(self) -> str:
        return self.text if len(self.text) <= 120 else self.text[:117].rstrip() + "…"


def text_digest(text: str) -> str:
    """Six hex digits of the block's text, whitespace and case folded, so
    rewrapping a paragraph keeps its anchor and rewording it does not."""
    folded = " ".join(text.split()).casefold()
    return hashlib.sha1(folded.encode()).hexdigest()[:6]


class _BlockSplitter(HTMLParser):
    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.source = source
        self.lines = [0]
        for line in source.splitlines(keepends=True):
            self.lines.append(self.lines[-1] + len(line))
        self.depth = 0
        self.blocks: list[tuple[str, int, int, list[str]]] = []
        self._start = 0
        self._tag = ""
        self._text: list[str] = []

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if self.depth == 0:
            self._start, self._tag, self._text = self._offset(), tag, []
        if tag in VOID_TAGS:
            if self.depth == 0:
                end = self._offset() + len(self.get_starttag_text() or "")
                self.blocks.append((tag, self._start, end, []))
            return
        self.depth += 1

    def handle_startendtag(self, tag, attrs):
        if self.depth == 0:
            start = self._offset()
            self.blocks.append((tag, start, start + len(self.get_starttag_text() or ""), []))

    def handle_endtag(self, tag):
        if tag in VOID_TAGS:
            return
        self.depth -= 1
        if self.depth == 0:
            end = self.source.index(">", self._offset()) + 1
            self.blocks.append((self._tag, self._start, end, self._text))

    def handle_data(self, data):
        if self.depth:
            self._text.append(data)


def reading_blocks(body_html: str) -> list[Block]:
    """The top-level blocks of a reading's sanitised HTML, each with its anchor."""
    splitter = _BlockSplitter(body_html)
    splitter.feed(body_html)
    splitter.close()
    blocks = []
    for index, (tag, start, end, text) in enumerate(splitter.blocks):
        plain = " ".join("".join(text).split())
        letter = BLOCK_LETTERS.get(tag, "b")
        blocks.append(
            Block(
                anchor=f"{letter}{index}-{text_digest(plain)}",
                tag=tag,
                html=body_html[start:end],
                text=plain,
            )
        )
    return blocks
