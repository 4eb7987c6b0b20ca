"""Transliteration (ru <-> Latin, zh -> pinyin) and a rough phonetic key, for matching mangled names."""

from __future__ import annotations

import re
from functools import lru_cache

from callqa.text.normalize import is_han, to_simplified

_RU2LAT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
_LAT2RU = [
    ("shch", "щ"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"),
    ("yu", "ю"), ("ya", "я"), ("yo", "ё"), ("ph", "ф"), ("th", "т"), ("ck", "к"), ("ee", "и"), ("oo", "у"),
    ("a", "а"), ("b", "б"), ("c", "к"), ("d", "д"), ("e", "е"), ("f", "ф"), ("g", "г"), ("h", "х"),
    ("i", "и"), ("j", "дж"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"),
    ("q", "к"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("v", "в"), ("w", "в"), ("x", "кс"),
    ("y", "й"), ("z", "з"),
]  # fmt: skip


def ru_to_latin(text: str) -> str:
    """Cyrillic -> Latin (simple GOST-like scheme); other characters are kept.

    >>> ru_to_latin("Светлана Щукина")
    'Svetlana Shchukina'
    """
    out = []
    for ch in text:
        lat = _RU2LAT.get(ch.lower())
        if lat is None:
            out.append(ch)
        else:
            out.append(lat.capitalize() if ch.isupper() else lat)
    return "".join(out)


def latin_to_ru(text: str) -> str:
    """Latin -> Cyrillic, greedy by longest digraph, lowercase out ("acme" -> "акме").

    >>> latin_to_ru("Shchukin")
    'щукин'
    """
    s, out, i = text.lower(), [], 0
    while i < len(s):
        for lat, cyr in _LAT2RU:
            if s.startswith(lat, i):
                out.append(cyr)
                i += len(lat)
                break
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


@lru_cache(maxsize=65536)
def _pinyin(ch: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(ch, style=Style.NORMAL))


@lru_cache(maxsize=4096)
def _fuzzy_pinyin(p: str) -> str:
    # Common ASR/accent confusions in Mandarin: retroflex vs dental initials, -ng vs -n finals.
    p = re.sub(r"^(z|c|s)h", r"\1", p)
    return re.sub(r"ng$", "n", p)


# pure, and fuzzy phrase matching asks for the same windows again and again: a 3-min Mandarin call made 183k
# calls; its signal + features + checks took 11.9 CPU-s without this cache, 1.5 with it
@lru_cache(maxsize=65536)
def latin_key(text: str) -> str:
    """Everything to lowercase Latin letters and digits: Han -> toneless pinyin (zh/z, ch/c, sh/s
    and -ng/-n merged), Cyrillic -> transliteration; spaces and punctuation removed.

    >>> latin_key("艾克美")
    'aikemei'
    >>> latin_key("Акме Банк")
    'akmebank'
    """
    out = []
    for ch in to_simplified(text.lower()).replace("ё", "е"):
        if is_han(ch):
            out.append(_fuzzy_pinyin(_pinyin(ch)))
        elif ch in _RU2LAT:
            out.append(_RU2LAT[ch])
        elif ch.isascii() and ch.isalnum():
            out.append(ch)
    return "".join(out)


_PHONETIC_RULES = [
    (r"ph", "f"), (r"ck", "k"), (r"q", "k"), (r"x", "ks"), (r"c(?=[eiy])", "s"), (r"c", "k"),
    (r"z", "s"), (r"gh", "g"), (r"dg", "j"), (r"wh", "w"), (r"w", "v"), (r"th", "t"), (r"kh", "h"),
    (r"ts", "s"), (r"y", "i"), (r"j", "i"),
]  # fmt: skip


def phonetic_key(latin: str) -> str:
    """A rough sound-alike key over Latin letters: merge spellings of one sound, drop non-initial
    vowels, collapse doubled letters ("Acme" -> "akm", "Akmi" -> "akm", "Stephen" -> "stfn").
    """
    s = re.sub(r"[^a-z]", "", latin.lower())
    if not s:
        return ""
    for pat, rep in _PHONETIC_RULES:
        s = re.sub(pat, rep, s)
    s = s[0] + re.sub(r"[aeiou]", "", s[1:])
    return re.sub(r"(.)\1+", r"\1", s)
