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


def match_list(tokens: Sequence[Sequence[Token]], book: PhraseBook, list_name: str) -> list[PhraseMatch]:
    """Matches of phrase list `list_name` of the book, with the book's tolerance."""
    return find_phrases(
        tokens,
        book.get(list_name),
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
