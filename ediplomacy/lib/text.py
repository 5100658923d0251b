"""Counting the words of what a learner writes, in any of the programme's languages."""

import re

# Chinese (and Japanese) run their words together: each ideograph or kana
# counts as one word, as word processors count East Asian text; every other
# script is counted by the spaces between its words.
_EAST_ASIAN = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_TOKEN = re.compile(rf"[{_EAST_ASIAN}]|[^\s{_EAST_ASIAN}]+")


def word_count(text: str) -> int:
    """The words in `text`: punctuation standing alone is not a word."""
    return sum(1 for token in _TOKEN.findall(text) if any(ch.isalnum() for ch in token))
