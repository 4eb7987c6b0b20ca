"""Syllable counts per language, so speaking rates compare across en / zh / ru."""

from __future__ import annotations

import re

from callqa.text.normalize import is_han

_RU_VOWELS = set("аеёиоуыэюя")
_EN_VOWEL_GROUP = re.compile(r"[aeiouy]+")


def _en_word_syllables(word: str) -> int:
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 0
    n = len(_EN_VOWEL_GROUP.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and n > 1:
        n -= 1  # silent final e: "make", "name"
    elif w.endswith(("es", "ed")) and n > 1 and not re.search(r"(?:[cgsxz]es|[td]ed)$", w):
        n -= 1  # "named", "comes" but not "wanted", "boxes"
    return max(1, n)


def count_syllables(text: str, *, language: str) -> int:
    """Syllables in `text`: en by vowel-group heuristic, ru by vowel letters, zh one per character.

    Latin words inside zh text are counted with the en heuristic; Cyrillic inside en with the ru rule.

    >>> count_syllables("hello there", language="en")
    3
    >>> count_syllables("здравствуйте", language="ru")
    3
    >>> count_syllables("您好", language="zh")
    2
    """
    total = 0
    for word in text.lower().split():
        han = sum(1 for c in word if is_han(c))
        total += han
        ru = sum(1 for c in word if c in _RU_VOWELS)
        total += ru
        latin = re.sub(r"[^a-z]", " ", word)
        total += sum(_en_word_syllables(w) for w in latin.split())
    return total
