"""How many words a post has: kept on the post (``Post.word_count``) so the engagement
report sums them over a million posts without reading one body."""

import re

# A word: letters or digits, with the joiners that hold one word together (the Persian
# zero-width non-joiner, an apostrophe, a hyphen) inside it. Punctuation, markdown marks and
# spaces of any script separate words.
_WORD = re.compile("\\w+(?:[\u200c'\u2019\\-]\\w+)*")


def count_words(text: str) -> int:
    return sum(1 for _ in _WORD.finditer(text))
