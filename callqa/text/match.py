"""Fuzzy phrase and name matching over token windows, tolerant of ASR errors.

Tolerance (documented in docs/checks-language.md): a phrase matches a window of its token count
-1..+1 when the normalized Levenshtein similarity of the window's joined text to the phrase's is at
least `min_similarity` (zh also compares pinyin, so homophone errors match); phrases shorter than
`min_fuzzy_chars` must match exactly (zh: or have the same pinyin, similarity 0.95). Names compare Latin keys (pinyin / transliteration) and a
phonetic key, taking the better of the two.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rapidfuzz.distance import Levenshtein

from callqa.text.tokens import Token, tokenize_text
from callqa.text.translit import latin_key, phonetic_key
from callqa.types import PhraseMatch


def similarity(a: str, b: str) -> float:
    """Normalized Levenshtein similarity in 0..1 (1 - distance / longer length)."""
    if a == b:
        return 1.0
    return float(Levenshtein.normalized_similarity(a, b))


def _joiner(language: str) -> str:
    return "" if language == "zh" else " "


def _window_text(window: Sequence[Token], language: str) -> str:
    return _joiner(language).join(t.text for t in window)


def find_phrases(
    utterance_tokens: Iterable[Sequence[Token]],
    phrases: Sequence[str],
    *,
    language: str,
    min_similarity: float = 0.8,
    min_fuzzy_chars: int = 6,
    min_word_similarity: float = 0.6,
) -> list[PhraseMatch]:
    """Every non-overlapping occurrence of any of `phrases` in the tokens, best match per span.

    Parameters
    ----------
    utterance_tokens : one token list per utterance (windows never cross utterances)
    phrases : phrases as written in the lexicon (normalized here)
    min_similarity : least normalized Levenshtein similarity over the joined window (spaces removed)
    min_fuzzy_chars : phrases with fewer characters (spaces removed) must match exactly
    min_word_similarity : en/ru, window of the phrase's length: every word must be at least this
        similar to the phrase word in its place (one wrong content word sinks the match)
    """
    prepared = []
    for phrase in phrases:
        ptoks = tokenize_text(phrase, language=language)
        if ptoks:
            key = "".join(ptoks)
            prepared.append((phrase, ptoks, key, latin_key(key) if language == "zh" else ""))
    found: list[PhraseMatch] = []
    for tokens in utterance_tokens:
        tokens = list(tokens)
        if not tokens:
            continue
        cands: list[PhraseMatch] = []
        texts = [t.text for t in tokens]
        for phrase, ptoks, key, pkey in prepared:
            n = len(ptoks)
            fuzzy = len(key) >= min_fuzzy_chars
            lengths = (n - 1, n, n + 1) if fuzzy else (n,)
            for i in range(len(tokens)):
                for length in lengths:
                    if length < 1 or i + length > len(tokens):
                        continue
                    wkey = "".join(texts[i : i + length])
                    if wkey == key:
                        sim = 1.0
                    elif not fuzzy:
                        if not pkey or len(wkey) != len(key) or latin_key(wkey) != pkey:
                            continue
                        sim = 0.95  # a homophone (same pinyin, other characters)
                    else:
                        if abs(len(wkey) - len(key)) > len(key) * (1 - min_similarity) + 1:
                            continue
                        sim = similarity(wkey, key)
                        if pkey and sim < min_similarity:
                            sim = max(sim, similarity(latin_key(wkey), pkey))
                        if length == n and language != "zh" and sim >= min_similarity:
                            # word by word too: "thank you for holding" is not "... for calling"
                            worst = min(
                                similarity(a, b) for a, b in zip(texts[i : i + n], ptoks, strict=True)
                            )
                            if worst < min_word_similarity:
                                continue
                    if sim >= min_similarity:
                        cands.append(_window_match(phrase, tokens, i, length, sim, language))
        found.extend(_best_non_overlapping(cands))
    return sorted(found, key=lambda m: (m.start_s, m.utterance, m.first_token))


def _window_match(phrase: str, tokens, i: int, length: int, sim: float, language: str) -> PhraseMatch:
    """The match of `phrase` on tokens[i : i + length] of one utterance."""
    w = tokens[i : i + length]
    return PhraseMatch(
        phrase,
        _window_text(w, language),
        w[0].start_s,
        w[-1].end_s,
        round(sim, 3),
        w[0].utterance,
        i,
        i + length - 1,
    )


def _best_non_overlapping(cands: list[PhraseMatch]) -> list[PhraseMatch]:
    chosen: list[PhraseMatch] = []
    taken: set[int] = set()
    # best similarity first, then the longer phrase ("thank you for calling" over "thank you")
    for m in sorted(cands, key=lambda m: (-m.similarity, -(m.last_token - m.first_token), m.first_token)):
        span = set(range(m.first_token, m.last_token + 1))
        if span & taken:
            continue
        taken |= span
        chosen.append(m)
    return chosen


def name_variants(name: str, *, language: str) -> list[str]:
    """The full name and its parts an agent might say: "John Smith" -> John Smith, John, Smith;
    a 3-character Chinese name 王小丽 -> 王小丽, 小丽. Parts shorter than 2 letters are dropped.
    """
    name = name.strip()
    if not name:
        return []
    out = [name]
    parts = name.split()
    if len(parts) > 1:
        out.extend(p for p in parts if len(p) >= 2)
    elif language == "zh" and len(name) == 3 and all("\u4e00" <= c <= "\u9fff" for c in name):
        out.append(name[1:])
    return list(dict.fromkeys(out))


def name_similarity(heard: str, name: str, *, phonetic: bool = True) -> float:
    """Best of Latin-key and phonetic-key similarity between what was heard and a name.

    The phonetic key (vowels dropped) is used only when it keeps at least 3 letters and `phonetic`
    is true; for zh the pinyin Latin key alone is compared (pinyin without vowels says too little).
    """
    a, b = latin_key(heard), latin_key(name)
    if not a or not b:
        return 0.0
    sim = similarity(a, b)
    if not phonetic:
        return sim
    pa, pb = phonetic_key(a), phonetic_key(b)
    if len(pb) >= 3 and pa:
        sim = max(sim, similarity(pa, pb))
    return sim


def find_name(
    utterance_tokens: Iterable[Sequence[Token]],
    name: str,
    *,
    language: str,
    min_similarity: float = 0.75,
    min_fuzzy_chars: int = 4,
) -> list[PhraseMatch]:
    """Occurrences of a name (or company) or its parts, matched by sound across token windows.

    Windows of 1..(tokens in the name + 1) tokens for en/ru ("Acme" heard as "at me"), and the
    name's character count -1..+1 for zh (compared in pinyin). Names whose Latin key is shorter
    than `min_fuzzy_chars` must match that key exactly.
    """
    variants = name_variants(name, language=language)
    prepared = []
    for v in variants:
        key = latin_key(v)
        if key:
            n = len(tokenize_text(v, language=language))
            prepared.append((v, key, n))
    found: list[PhraseMatch] = []
    for tokens in utterance_tokens:
        tokens = list(tokens)
        cands = []
        keys = [latin_key(t.text) for t in tokens]
        for v, key, n in prepared:
            fuzzy = len(key) >= min_fuzzy_chars
            lengths = range(max(1, n - 1), n + 2) if language == "zh" else range(1, n + 2)
            for i in range(len(tokens)):
                for length in lengths:
                    if i + length > len(tokens):
                        continue
                    wkey = "".join(keys[i : i + length])
                    if not wkey:
                        continue
                    if wkey == key:
                        sim = 1.0
                    elif not fuzzy or abs(len(wkey) - len(key)) > max(2, len(key) // 2):
                        continue
                    else:
                        sim = name_similarity(wkey, key, phonetic=language != "zh")
                    if sim >= min_similarity:
                        cands.append(_window_match(v, tokens, i, length, sim, language))
        found.extend(_best_non_overlapping(cands))
    return sorted(found, key=lambda m: (m.start_s, m.utterance, m.first_token))
