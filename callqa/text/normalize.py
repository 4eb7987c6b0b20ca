"""Text normalization for matching: case, punctuation, Traditional->Simplified Chinese, ё->е."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Sentence and clause punctuation, Latin and CJK; a token next to one of these sits at a boundary.
PUNCT_CHARS = ',.!?;:…，。！？、；："“”‘«»()[]{}（）【】《》「」『』—–~·'
_PUNCT_RE = re.compile(r"[^\w\s'\-]", re.UNICODE)
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def is_han(ch: str) -> bool:
    """True for a CJK ideograph (one Chinese character)."""
    return bool(_HAN_RE.fullmatch(ch))


def has_han(text: str) -> bool:
    return bool(_HAN_RE.search(text))


def to_simplified(text: str) -> str:
    """Traditional -> Simplified Chinese (OpenCC t2s); text without Han characters is returned as is.

    >>> to_simplified("謝謝您的來電")
    '谢谢您的来电'
    """
    if not has_han(text):
        return text
    return _t2s().convert(text)


def normalize_text(text: str, *, language: str) -> str:
    """Lowercase, unify apostrophes, drop punctuation, collapse spaces; zh to Simplified, ru ё->е.

    Hyphens inside a word are removed ("э-э" -> "ээ", "e-mail" -> "email") so that ASR spellings
    with and without hyphens match. Apostrophes stay ("i'd", "don't").

    >>> normalize_text("Hello, I'd like — THIS!", language="en")
    "hello i'd like this"
    >>> normalize_text("您好，歡迎致電", language="zh")
    '您好 欢迎致电'
    """
    text = unicodedata.normalize("NFKC", text)
    if language == "zh" or has_han(text):
        text = to_simplified(text)
    text = text.lower().replace("’", "'").replace("ʼ", "'").replace("`", "'")
    if language == "ru":
        text = text.replace("ё", "е")
    text = re.sub(r"(?<=\w)-(?=\w)", "", text)
    text = _PUNCT_RE.sub(" ", text)
    text = text.replace("-", " ").replace("_", " ")
    text = re.sub(r"(^|\s)'+|'+(?=\s|$)", " ", text)
    return re.sub(r"\s+", " ", text).strip()
