"""Tokens with times: en/ru words, zh characters, each knowing whether it sits at a pause or punctuation."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from callqa.text.normalize import PUNCT_CHARS, is_han, normalize_text
from callqa.types import Role, Utterance

# A gap between two words at least this long counts as a boundary, like a comma.
DEFAULT_PAUSE_S = 0.3
_PIECE_RE = re.compile(r"([^" + re.escape(PUNCT_CHARS) + r"]*)([" + re.escape(PUNCT_CHARS) + r"]*)")


@dataclass(frozen=True)
class Token:
    """One normalized token (an en/ru word or a zh character) with its time span and context.

    `boundary_before` / `boundary_after`: punctuation or a pause of at least `pause_s` on that side,
    or the start / end of the utterance (see `at_start` / `at_end`).
    """

    text: str
    start_s: float
    end_s: float
    role: Role = "unknown"
    utterance: int = 0  # index of the utterance in the call
    boundary_before: bool = False
    boundary_after: bool = False
    at_start: bool = False
    at_end: bool = False
    raw: str = ""  # the ASR word this token came from
    probability: float | None = None  # the ASR word's probability (None: imported text without one)


def tokenize_text(text: str, *, language: str) -> list[str]:
    """Normalized tokens: zh Han characters one by one (Latin/digit runs kept whole), en/ru words.

    >>> tokenize_text("Thank you, ACME!", language="en")
    ['thank', 'you', 'acme']
    >>> tokenize_text("感謝您的來電 ok", language="zh")
    ['感', '谢', '您', '的', '来', '电', 'ok']
    """
    norm = normalize_text(text, language=language)
    out: list[str] = []
    for word in norm.split():
        out.extend(_split_han(word))
    return out


def _split_han(word: str) -> list[str]:
    """Split a normalized word into Han characters and runs of anything else."""
    if not any(is_han(c) for c in word):
        return [word]
    parts: list[str] = []
    run = ""
    for ch in word:
        if is_han(ch):
            if run:
                parts.append(run)
                run = ""
            parts.append(ch)
        else:
            run += ch
    if run:
        parts.append(run)
    return parts


def _raw_words(utt: Utterance, language: str) -> list[tuple[str, float, float, bool, float | None]]:
    """(raw text, start_s, end_s, timed, probability) per word; words without times get times spread by length."""
    if utt.words:
        return [(w.text, float(w.start_s), float(w.end_s), True, w.probability) for w in utt.words]
    if language == "zh" or any(is_han(c) for c in utt.text):
        # keep punctuation attached to the chunk before it so boundaries survive
        pieces = [
            p
            for p in re.findall(
                r"[^\s" + re.escape(PUNCT_CHARS) + r"]+[" + re.escape(PUNCT_CHARS) + r"]*|\S", utt.text
            )
        ]
    else:
        pieces = utt.text.split()
    lengths = [max(1, len(p)) for p in pieces]
    total = float(sum(lengths)) or 1.0
    span = max(0.0, utt.end_s - utt.start_s)
    out: list[tuple[str, float, float, bool, float | None]] = []
    t = float(utt.start_s)
    for p, n in zip(pieces, lengths, strict=True):
        d = span * n / total
        out.append((p, t, t + d, False, None))
        t += d
    return out


def tokens_of_utterance(
    utt: Utterance, *, language: str, index: int = 0, pause_s: float = DEFAULT_PAUSE_S
) -> list[Token]:
    """Tokens of one utterance with times (zh: a word's span shared evenly among its characters)."""
    raw = _raw_words(utt, language)
    staged: list[dict] = []
    prev_end: float | None = None
    prev_timed = False
    for text, start_s, end_s, timed, prob in raw:
        stripped = text.strip()
        # pieces of the word between punctuation marks (a zh "word" may hold a whole clause)
        pieces = [(body, punct) for body, punct in _PIECE_RE.findall(stripped) if body or punct]
        tokenized = [(tokenize_text(body, language=language), bool(punct)) for body, punct in pieces]
        n_parts = sum(len(p) for p, _ in tokenized)
        punct_before = bool(stripped) and stripped[0] in PUNCT_CHARS
        pause_before = timed and prev_timed and prev_end is not None and start_s - prev_end >= pause_s
        if staged and (punct_before or pause_before):
            staged[-1]["boundary_after"] = True
        if n_parts == 0:  # a punctuation-only "word" (Amazon-style) marks a boundary after the last token
            continue
        step = (end_s - start_s) / n_parts
        k = 0
        for parts, punct_after in tokenized:
            for j, part in enumerate(parts):
                staged.append(
                    dict(
                        text=part,
                        start_s=start_s + k * step,
                        end_s=start_s + (k + 1) * step,
                        boundary_before=k == 0 and (punct_before or pause_before),
                        boundary_after=j == len(parts) - 1 and punct_after,
                        raw=text,
                        probability=prob,
                    )
                )
                k += 1
        prev_end, prev_timed = end_s, timed
    for k, st in enumerate(staged):
        if k > 0 and staged[k - 1]["boundary_after"]:
            st["boundary_before"] = True
        if k + 1 < len(staged) and staged[k + 1]["boundary_before"]:
            st["boundary_after"] = True
    out = []
    for k, st in enumerate(staged):
        first, last = k == 0, k == len(staged) - 1
        out.append(
            Token(
                role=utt.role,
                utterance=index,
                at_start=first,
                at_end=last,
                **{
                    **st,
                    "boundary_before": st["boundary_before"] or first,
                    "boundary_after": st["boundary_after"] or last,
                },
            )
        )
    return out


def tokens_of_utterances(
    utterances: Iterable[Utterance],
    *,
    language: str,
    pause_s: float = DEFAULT_PAUSE_S,
    indices: Sequence[int] | None = None,
) -> list[list[Token]]:
    """Tokens per utterance (a list per utterance, so phrase windows never cross utterances)."""
    utts = list(utterances)
    idx = list(indices) if indices is not None else list(range(len(utts)))
    return [
        tokens_of_utterance(u, language=language, index=i, pause_s=pause_s)
        for u, i in zip(utts, idx, strict=True)
    ]
