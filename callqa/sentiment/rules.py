"""A small rule engine for call-center sentiment: phrase lexicons with negation, intensifiers, "but" and
complaint-dominates, shared by the three languages (the English and Mandarin scorers add a base model).

Valences are in VADER's units (−4..4 per word); `scale.to_scale` maps their sum to −5..5.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from callqa.text.normalize import PUNCT_CHARS, is_han, to_simplified

N_SCALAR = -0.74  # VADER's negation factor: "not good" is about −0.74 × "good"
CONTRAST_BEFORE = 0.5  # VADER's "but" rule: what precedes "but" counts half ...
CONTRAST_AFTER = 1.5  # ... and what follows it one and a half
COMPLAINT_CUE = -1.5  # a term this negative or worse is a complaint ("charged twice", 投诉, безобразие)
COMPLAINT_POSITIVE_SHARE = 0.25  # positives beside a complaint (no "but"): sarcasm or politeness, mostly


@dataclass(frozen=True)
class Token:
    text: str  # normalised (lower case, ё->е, simplified Chinese), stemmed for Russian
    clause: int  # index of the clause (punctuation-separated): negation does not cross a clause


@dataclass(frozen=True)
class Hit:
    term: str  # the lexicon entry as written
    start: int  # token index
    end: int  # exclusive
    valence: float  # after negation and intensifiers
    negated: bool = False


@dataclass(frozen=True)
class Lexicon:
    """One language's call-center lexicon: phrases (token tuples) -> valence, negators, intensifiers."""

    language: str
    terms: Mapping[tuple[str, ...], tuple[str, float]]  # tokens -> (as written, valence)
    negators: frozenset[str] = frozenset()
    negation_window: int = 3  # tokens before a term in which a negator flips it
    boosters: Mapping[str, float] = field(default_factory=dict)  # token -> factor (1.3 = "very")
    contrast: frozenset[tuple[str, ...]] = frozenset()  # "but", 但是, но (as token sequences)
    max_len: int = 1
    refusals: frozenset[str] = (
        frozenset()
    )  # terms (as written) of a polite refusal ("不用了", "no thanks") ...
    thanks: frozenset[str] = frozenset()  # ... next to which thanks are politeness, not satisfaction


def tokenize(text: str, *, language: str, stem: Callable[[str], str] | None = None) -> list[Token]:
    """Tokens with clause numbers: words (en, ru) or single Han characters (zh; Latin runs stay whole).

    >>> [t.text for t in tokenize("没问题，谢谢", language="zh")]
    ['没', '问', '题', '谢', '谢']
    """
    text = text.lower().replace("’", "'").replace("ё", "е")
    if language == "zh":
        text = to_simplified(text)
    out: list[Token] = []
    clause = 0
    for piece in re.findall(r"[^\W\d_]+(?:['-][^\W\d_]+)*|\d+|\S", text):
        if piece in PUNCT_CHARS or not any(ch.isalnum() for ch in piece):
            clause += 1
            continue
        if language == "zh" and any(is_han(ch) for ch in piece):
            out.extend(Token(ch, clause) for ch in piece if is_han(ch))
            continue
        out.append(Token(stem(piece) if stem else piece, clause))
    return out


def build_lexicon(
    language: str,
    terms: Mapping[str, float],
    *,
    negators: Sequence[str] = (),
    negation_window: int = 3,
    boosters: Mapping[str, float] | None = None,
    contrast: Sequence[str] = (),
    stem: Callable[[str], str] | None = None,
    refusals: Sequence[str] = (),
    thanks: Sequence[str] = (),
) -> Lexicon:
    """A `Lexicon` from written phrases ("not working": −2.0), tokenised like the text will be."""

    def toks(phrase: str) -> tuple[str, ...]:
        return tuple(t.text for t in tokenize(phrase, language=language, stem=stem))

    table: dict[tuple[str, ...], tuple[str, float]] = {}
    for phrase, valence in terms.items():
        key = toks(phrase)
        if not key:
            raise ValueError(f"sentiment lexicon {language}: empty term {phrase!r}")
        table[key] = (phrase, float(valence))
    return Lexicon(
        language=language,
        terms=table,
        negators=frozenset(t for n in negators for t in toks(n)),
        negation_window=negation_window,
        boosters={k: v for b, v in (boosters or {}).items() for k in toks(b)},
        contrast=frozenset(toks(c) for c in contrast),
        max_len=max((len(k) for k in table), default=1),
        refusals=frozenset(refusals),
        thanks=frozenset(thanks),
    )


def find_terms(tokens: Sequence[Token], lexicon: Lexicon) -> list[Hit]:
    """Lexicon terms in the tokens, longest first, left to right, without overlap; each negated when a
    negator of the same clause stands within `negation_window` tokens before it (and is not itself inside
    an earlier term: "no problem" is a term, its "no" negates nothing after it)."""
    hits: list[Hit] = []
    used_until = 0
    i = 0
    words = [t.text for t in tokens]
    while i < len(tokens):
        for n in range(min(lexicon.max_len, len(tokens) - i), 0, -1):
            key = tuple(words[i : i + n])
            entry = lexicon.terms.get(key)
            if entry is None:  # a phrase may span punctuation ("no, thank you"); negation may not
                continue
            term, valence = entry
            negated = False
            factor = 1.0
            for j in range(max(used_until, i - lexicon.negation_window), i):
                if tokens[j].clause != tokens[i].clause:
                    continue
                if words[j] in lexicon.negators:
                    negated = not negated
                factor *= lexicon.boosters.get(words[j], 1.0)
            valence *= factor
            if negated:
                valence *= N_SCALAR
            hits.append(Hit(term, i, i + n, valence, negated))
            used_until = i + n
            i += n
            break
        else:
            i += 1
    if lexicon.refusals and any(h.term in lexicon.refusals for h in hits):
        # "这个套餐我先不办了，谢谢" / "I'd rather not, thanks": a refusal said politely is neutral
        hits = [Hit(h.term, h.start, h.end, 0.0, h.negated) if h.term in lexicon.thanks else h for h in hits]
    return hits


def contrast_at(tokens: Sequence[Token], lexicon: Lexicon) -> int | None:
    """Token index of the last contrast word ("but", 但是, но), or None."""
    words = [t.text for t in tokens]
    found = [
        i
        for c in lexicon.contrast
        for i in range(len(words) - len(c) + 1)
        if tuple(words[i : i + len(c)]) == c
    ]
    return max(found, default=None)


def combine(
    valences: Sequence[tuple[int | None, float]], tokens: Sequence[Token], lexicon: Lexicon
) -> tuple[float, bool]:
    """Sum valences (token position, valence) with the call-center rules; returns (sum, complaint_dominated).
    A position of None (a base model's valence, already "but"-weighted or for the whole text) is not weighted.

    - "but" (VADER's rule): before the last contrast word ×0.5, after it ×1.5;
    - complaint dominates: with no contrast word, positives next to a complaint cue (≤ −1.5) count a quarter
      ("Oh great, another hour on hold" / 真是太好了，又让我等三天 / "Отличный сервис, ничего не скажешь").
    """
    cut = contrast_at(tokens, lexicon)
    if cut is not None:
        return sum(
            v if i is None else v * (CONTRAST_BEFORE if i < cut else CONTRAST_AFTER) for i, v in valences
        ), False
    if any(v <= COMPLAINT_CUE for _, v in valences) and any(v > 0 for _, v in valences):
        return sum(v * COMPLAINT_POSITIVE_SHARE if v > 0 else v for _, v in valences), True
    return sum(v for _, v in valences), False
