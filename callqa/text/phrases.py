"""Phrase books applied to a call: the call's book, tokens per role, phrase matches and their evidence."""

from __future__ import annotations

from collections.abc import Sequence

from callqa.text.lexicon import PhraseBook, load_phrasebook
from callqa.text.match import PhraseMatch, find_phrases
from callqa.text.tokens import Token, tokens_of_utterance
from callqa.types import Call, Evidence, Role


def call_language(call: Call) -> str:
    return call.transcript.language or call.meta.language or "en"


def phrasebook_for(call: Call, *, path: str | None = None) -> PhraseBook:
    """The phrase book of the call's language (configs/phrases/<lang>.yaml unless `path`); every book the
    config names was read and validated by `load_config` and is served from the lexicon's cache."""
    return load_phrasebook(call_language(call), path)


def role_tokens(call: Call, role: Role, *, book: PhraseBook, after_s: float = 0.0) -> list[list[Token]]:
    """Tokens of each utterance of `role` (one list per utterance), utterances ending after `after_s`."""
    lang = call_language(call)
    out = []
    for i, u in enumerate(call.utterances):
        if u.role != role or u.end_s <= after_s:
            continue
        toks = tokens_of_utterance(u, language=lang, index=i, pause_s=book.pause_s)
        if toks:
            out.append(toks)
    return out


def match_list(
    tokens: Sequence[Sequence[Token]], book: PhraseBook, list_name: str, *, unless_exactly: Sequence[str] = ()
) -> list[PhraseMatch]:
    """Matches of phrase list `list_name` of the book, with the book's tolerance.

    `unless_exactly`: other lists of the book. A fuzzy match is dropped when the words it covers are, exactly,
    a phrase of one of them: "чем могу помочь" is a help offer said right, not a misheard "ничем не могу
    помочь"; 感谢您的来电 is the closing thanks, not a misheard 感谢您的等待 (both seen on the zh/ru demo calls).
    """
    found = _find(tokens, book, book.get(list_name))
    if not unless_exactly or all(m.similarity >= 1.0 for m in found):
        return found
    exact = [m for name in unless_exactly for m in _find(tokens, book, book.get(name)) if m.similarity >= 1.0]

    def covered(m: PhraseMatch) -> bool:
        return any(e.utterance == m.utterance and e.first_token <= m.first_token and m.last_token <= e.last_token
                   for e in exact)  # fmt: skip

    return [m for m in found if m.similarity >= 1.0 or not covered(m)]


def _find(tokens: Sequence[Sequence[Token]], book: PhraseBook, phrases: Sequence[str]) -> list[PhraseMatch]:
    return find_phrases(
        tokens,
        phrases,
        language=book.language,
        min_similarity=book.matching.min_similarity,
        min_fuzzy_chars=book.matching.min_fuzzy_chars,
        min_word_similarity=book.matching.min_word_similarity,
    )


def match_evidence(m: PhraseMatch, *, role: Role, note: str) -> Evidence:
    sim = "" if m.similarity >= 1.0 else f", similarity {m.similarity:.2f}"
    return Evidence(round(m.start_s, 3), round(m.end_s, 3), role, m.text, f"{note}: '{m.phrase}'{sim}")


def clip_tokens(tokens: Sequence[Sequence[Token]], *, start_s: float, end_s: float) -> list[list[Token]]:
    """Only the tokens starting within [start_s, end_s)."""
    out = []
    for utt in tokens:
        kept = [t for t in utt if start_s <= t.start_s < end_s]
        if kept:
            out.append(kept)
    return out
