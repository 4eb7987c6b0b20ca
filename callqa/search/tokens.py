"""Search keys of a text: en/ru words stemmed (Snowball), zh characters in Simplified plus their pinyin, with offsets.

The same function reads the stored utterances (to index them) and the query, so a key means the same on both
sides: "Cancelled" and "cancel" share the key `cancel`, "карту" and "карта" share `карт`, 取消 and 取銷 share
取 + 消/銷's pinyin. Words are stemmed by their script, not by the call's language, so an English word inside a
Mandarin call is found like any English word.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# a redaction placeholder (one token, so "card" never finds a redacted [CARD]; the query "[CARD]" does), or a
# run of letters/digits joined across apostrophes and hyphens ("don't", "e-mail", "э-э")
_RUN_RE = re.compile(r"\[(?:CARD|PHONE|EMAIL|ID)\]|[^\W_]+(?:['’ʼ\-][^\W_]+)*")
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_LATIN_RE = re.compile(r"[a-z]")
PINYIN_MARK = "~"  # pinyin keys start with it, so they never collide with a word


@dataclass(frozen=True)
class SearchToken:
    """One token of a text: its search key, the normalized surface form, and where it is in the text."""

    key: str  # stem (en/ru word), Simplified character (zh), or the lowered run (digits, other scripts)
    surface: str  # normalized, not stemmed (what fuzzy and prefix matching compare)
    start: int  # character offsets in the original text
    end: int
    han: bool = False


@lru_cache(maxsize=4)
def _stemmer(language: str):
    import snowballstemmer

    return snowballstemmer.stemmer(language)


@lru_cache(maxsize=200_000)
def word_key(surface: str) -> str:
    """The stem of a normalized word: Russian Snowball for Cyrillic, English Snowball for Latin, else itself.

    >>> word_key("cancelled"), word_key("карту"), word_key("4532")
    ('cancel', 'карт', '4532')
    """
    if _CYRILLIC_RE.search(surface):
        return str(_stemmer("russian").stemWord(surface))
    if _LATIN_RE.search(surface):
        return str(_stemmer("english").stemWord(surface))
    return surface


@lru_cache(maxsize=100_000)
def normalize_word(run: str) -> str:
    """NFKC, lower case, ё -> е, apostrophes and hyphens removed ("Don't" -> "dont", "E-mail" -> "email")."""
    w = unicodedata.normalize("NFKC", run).lower().replace("ё", "е")
    return re.sub(r"['’ʼ\-]", "", w)


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65_536)
def han_key(ch: str) -> str:
    """A Chinese character in Simplified script: OpenCC t2s, the conversion `callqa.text.normalize.to_simplified`
    (and so the ASR output) uses; called directly, since `callqa.text` is slow to import for a query."""
    return str(_t2s().convert(unicodedata.normalize("NFKC", ch)))


@lru_cache(maxsize=65_536)
def pinyin_key(ch: str) -> str:
    """`~` + the toneless pinyin of a Simplified character, with the usual ASR/accent merges (zh/z, -ng/-n)."""
    from callqa.text.translit import latin_key

    return PINYIN_MARK + latin_key(ch)


def search_tokens(text: str) -> list[SearchToken]:
    """The search tokens of `text`, in order (a token's index is its position in the utterance).

    >>> [t.key for t in search_tokens("I'd like to CANCEL my e-mail")]
    ['id', 'like', 'to', 'cancel', 'my', 'email']
    >>> [t.key for t in search_tokens("我想取消訂單 ok")]
    ['我', '想', '取', '消', '订', '单', 'ok']
    >>> [t.key for t in search_tokens("my card is [CARD].")]
    ['my', 'card', 'is', '[card]']
    """
    out: list[SearchToken] = []
    for m in _RUN_RE.finditer(text):
        run, base = m.group(), m.start()
        if run[0] == "[":
            out.append(SearchToken(run.lower(), run.lower(), base, m.end()))
            continue
        if not _HAN_RE.search(run):
            surface = normalize_word(run)
            if surface:
                out.append(SearchToken(word_key(surface), surface, base, m.end()))
            continue
        piece_start = 0
        for i, ch in enumerate(run):  # Han characters one by one, the rest of the run as words
            if _HAN_RE.match(ch):
                if i > piece_start:
                    _add_word(out, run[piece_start:i], base + piece_start)
                k = han_key(ch)
                out.append(SearchToken(k, k, base + i, base + i + 1, han=True))
                piece_start = i + 1
        if piece_start < len(run):
            _add_word(out, run[piece_start:], base + piece_start)
    return out


def _add_word(out: list[SearchToken], piece: str, start: int) -> None:
    surface = normalize_word(piece.strip("'’ʼ-"))
    if surface:
        out.append(SearchToken(word_key(surface), surface, start, start + len(piece)))
