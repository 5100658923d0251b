"""Markdown to safe HTML: authored content is still sanitised before it reaches a page."""

import pytest

from curriculum.rendering import render_markdown

REL = 'rel="noopener noreferrer nofollow"'


def test_headings_render_from_level_two():
    html = render_markdown("## Why listen\n\n### First\n\n#### Detail\n")

    assert "<h2>Why listen</h2>" in html
    assert "<h3>First</h3>" in html
    assert "<h4>Detail</h4>" in html


def test_a_level_one_heading_is_reduced_to_its_text():
    # The page owns the h1; a body starts at level 2.
    html = render_markdown("# Title\n")

    assert "<h1" not in html
    assert "Title" in html


def test_lists_emphasis_and_quotes_render():
    html = render_markdown(
        "- **bold** item\n- *light* item\n\n1. first\n2. second\n\n> A quoted line.\n"
    )

    assert "<ul>\n<li><strong>bold</strong> item</li>\n<li><em>light</em> item</li>\n</ul>" in html
    assert "<ol>\n<li>first</li>\n<li>second</li>\n</ol>" in html
    assert "<blockquote>" in html


def test_tables_and_code_render():
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\nRun `load_curriculum`.\n")

    assert "<table>" in html and "<th>a</th>" in html and "<td>2</td>" in html
    assert "<code>load_curriculum</code>" in html


@pytest.mark.parametrize(
    ("markdown", "href"),
    [
        ("[Twitter for Diplomats](https://example.org/guide)", "https://example.org/guide"),
        ("<https://example.org/auto>", "https://example.org/auto"),
        ("[write](mailto:trainer@example.org)", "mailto:trainer@example.org"),
    ],
)
def test_links_render_with_noopener(markdown, href):
    html = render_markdown(markdown)

    assert f'<a href="{href}" {REL}>' in html


@pytest.mark.parametrize(
    "markdown",
    [
        "[click](javascript:alert(1))",
        "[click](JavaScript:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '<a href="javascript:alert(1)">click</a>',
    ],
)
def test_links_to_scripts_lose_their_address(markdown):
    html = render_markdown(markdown).lower()

    assert "javascript:" not in html
    assert "data:" not in html
    assert "href" not in html
    assert "click" in html


@pytest.mark.parametrize(
    ("markdown", "forbidden"),
    [
        ("<script>alert(1)</script>", ("<script", "alert(")),
        ('<img src="x.png" onerror="alert(1)">', ("<img", "onerror", "alert(")),
        ('<iframe src="https://evil.example/"></iframe>', ("<iframe", "evil.example")),
        ('<p onclick="alert(1)">Text</p>', ("onclick", "alert(")),
        ("<style>body { display: none }</style>", ("<style", "display")),
        ('<a href="https://example.org" onmouseover="alert(1)">x</a>', ("onmouseover",)),
        ('<form action="https://evil.example/"><input name="q"></form>', ("<form", "<input")),
    ],
)
def test_raw_html_is_stripped(markdown, forbidden):
    html = render_markdown(f"Before.\n\n{markdown}\n\nAfter.\n").lower()

    for fragment in forbidden:
        assert fragment not in html
    assert "<p>before.</p>" in html and "<p>after.</p>" in html


def test_a_raw_link_keeps_only_its_safe_attributes():
    html = render_markdown('<a href="https://example.org" target="_blank" style="x">x</a>')

    assert html == f'<p><a href="https://example.org" {REL}>x</a></p>'


def test_empty_text_renders_empty():
    assert render_markdown("") == ""
