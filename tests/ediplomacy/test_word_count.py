"""Words are counted in every language the programme speaks: by spaces in
English, French, Spanish, Russian and Arabic; one per character in Chinese,
as word processors count East Asian text."""

import pytest

from ediplomacy.lib.text import word_count


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Listening comes first.", 3),
        ("L'écoute vient en premier : toujours.", 5),
        ("Слушание — прежде всего.", 3),
        ("الاستماع يأتي أولاً.", 3),
        ("倾听排在首位。", 6),
        ("我们在Twitter上发帖，然后倾听。", 11),  # noqa: RUF001 (Chinese punctuation)
        ("  \n\t ", 0),
        ("— … !", 0),
        ("2026 年 3 月", 4),
    ],
)
def test_words_are_counted_the_way_each_language_writes_them(text, count):
    assert word_count(text) == count
