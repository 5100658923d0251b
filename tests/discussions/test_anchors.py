"""Paragraph anchors: stable over rewrapping, changed by rewording, never
re-pinned to a different paragraph."""

from curriculum.rendering import reading_blocks, render_markdown

READING = """## Listening first

Listening comes before speaking: a diplomat follows the core resources.

- lists
- of things

---

A closing paragraph.
"""


def test_each_top_level_block_is_one_anchor_and_together_they_are_the_reading():
    html = render_markdown(READING)
    blocks = reading_blocks(html)

    assert [block.tag for block in blocks] == ["h2", "p", "ul", "hr", "p"]
    assert [block.anchor[0] for block in blocks] == ["h", "p", "l", "r", "p"]
    assert "".join(block.html for block in blocks).replace("\n", "") == html.replace("\n", "")
    assert blocks[1].text == (
        "Listening comes before speaking: a diplomat follows the core resources."
    )


def test_rewrapping_a_paragraph_keeps_its_anchor_and_rewording_changes_it():
    before = reading_blocks(render_markdown(READING))
    rewrapped = reading_blocks(
        render_markdown(READING.replace("speaking: a diplomat", "speaking:\na diplomat"))
    )
    reworded = reading_blocks(render_markdown(READING.replace("core resources", "news")))

    assert rewrapped[1].anchor == before[1].anchor
    assert reworded[1].anchor != before[1].anchor
    assert reworded[0].anchor == before[0].anchor


def test_a_paragraph_inserted_above_moves_the_index_but_keeps_the_digest():
    before = reading_blocks(render_markdown(READING))
    after = reading_blocks(render_markdown("A new opening.\n\n" + READING))

    assert after[2].text == before[1].text
    assert after[2].digest == before[1].digest
    assert after[2].anchor != before[1].anchor
