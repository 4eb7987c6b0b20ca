"""Phrase patterns of the rules: exact phrases, wildcards, numbers, alternatives and word proximity.

A pattern is compiled once per language (en/ru: words, zh: one token per character, as everywhere in
callqa.text) and matched over the timed tokens of each utterance; a match never crosses utterances.

Syntax (docs/rules.md "Patterns")::

    refund*                 a word starting with "refund" (refunds, refunded); ru: записыва* (inflection)
    *                       any one word (zh: any one character)
    [num]                   a number: digits or number words ("30", "thirty", "тридцати", "三十")
    [manager|supervisor]    one of the alternatives (each may be several words and use * and [num])
    refund NEAR/5 policy    both, at most 5 words apart, in either order, in one utterance
    credit* NOT NEAR/1 card*  "credit..." with no "card..." within 1 word

>>> p = compile_pattern("[num] day* NEAR/3 refund*", language="en")
>>> [m.text for m in find_pattern([tokenize_words("you get a refund within 30 days")], p, language="en")]
['refund within 30 days']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from callqa.text.match import PhraseMatch
from callqa.text.normalize import has_han
from callqa.text.tokens import Token, tokenize_text


class PatternError(ValueError):
    """A pattern that cannot be compiled; the message says what is wrong with it."""


@dataclass(frozen=True)
class Lit:
    text: str


@dataclass(frozen=True)
class Prefix:
    stem: str


@dataclass(frozen=True)
class AnyWord:
    pass


@dataclass(frozen=True)
class Number:
    pass


@dataclass(frozen=True)
class Alt:
    options: tuple[tuple[Elem, ...], ...]


Elem = Lit | Prefix | AnyWord | Number | Alt


@dataclass(frozen=True)
class Pattern:
    """A compiled pattern: `left`, or `left` NEAR/`within` `right` (`apart`: NOT NEAR)."""

    text: str  # as written in the rule file
    left: tuple[Elem, ...]
    right: tuple[Elem, ...] | None = None
    within: int = 0
    apart: bool = False


SYNTAX_CHARS = "*[]|"
_NEAR_RE = re.compile(r"\s+(NOT\s+)?NEAR/(\d+)\s+")
_PIECE_RE = re.compile(r"\[([^\[\]]*)\]|([^\[\]]+)")

# Words that are numbers, as normalized tokens (lower case, ё -> е, hyphens inside a word removed: so
# "twenty-five" is "twentyfive"). ru: the cases a number takes after a preposition ("в течение тридцати
# дней", "до пяти"), but not the instrumental in -ью ("семью" is also "family").
_EN_UNITS = "one two three four five six seven eight nine".split()
_EN_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_EN_WORDS = {
    "zero", *_EN_UNITS, *"ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split(),
    *_EN_TENS, "hundred", "thousand", "million", "billion", "half",
    *(t + u for t in _EN_TENS for u in _EN_UNITS),
}  # fmt: skip
_RU_WORDS = set(
    """ноль нуль нуля нулю один одна одно одни одного одной одному одним одном одну два две двух двум двумя
    три трех трем тремя четыре четырех четырем четырьмя пять пяти шесть шести семь семи восемь восьми
    девять девяти десять десяти одиннадцать одиннадцати двенадцать двенадцати тринадцать тринадцати
    четырнадцать четырнадцати пятнадцать пятнадцати шестнадцать шестнадцати семнадцать семнадцати
    восемнадцать восемнадцати девятнадцать девятнадцати двадцать двадцати тридцать тридцати сорок сорока
    пятьдесят пятидесяти шестьдесят шестидесяти семьдесят семидесяти восемьдесят восьмидесяти девяносто
    девяноста сто ста двести двухсот триста трехсот четыреста четырехсот пятьсот пятисот шестьсот шестисот
    семьсот семисот восемьсот восьмисот девятьсот девятисот тысяча тысячи тысяч тысячу тысячей миллион
    миллиона миллионов полтора полторы""".split()
)
_ZH_CHARS = set("零〇一二两三四五六七八九十百千万亿幺")
_DIGITS_RE = re.compile(r"\d+(?:st|nd|rd|th|й|я|е|го|х)?")


def is_number_token(text: str) -> bool:
    """True for a normalized token that is (part of) a number: digits, or an en/ru/zh number word."""
    return bool(_DIGITS_RE.fullmatch(text)) or text in _EN_WORDS or text in _RU_WORDS or text in _ZH_CHARS


def has_syntax(text: str) -> bool:
    """True when `text` uses pattern syntax (a wildcard, brackets, or NEAR)."""
    return any(c in text for c in SYNTAX_CHARS) or bool(_NEAR_RE.search(f" {text} "))


def compile_pattern(text: str, *, language: str) -> Pattern:
    """Compile `text` for calls in `language`; `PatternError` says what is wrong."""
    parts = _NEAR_RE.split(f" {text.strip()} ")
    if len(parts) == 1:
        return Pattern(text, _compile_seq(text, language))
    if len(parts) != 4:
        raise PatternError(f"pattern {text!r}: one NEAR/N at most")
    left, negated, within, right = parts
    return Pattern(
        text, _compile_seq(left, language), _compile_seq(right, language), int(within), bool(negated)
    )


def compile_exact(text: str, *, language: str) -> Pattern:
    """An exact phrase (no pattern syntax): its normalized tokens in order."""
    if has_syntax(text):
        raise PatternError(
            f"phrase {text!r} uses pattern syntax (* [ ] | NEAR/N): give it with mode: pattern"
        )
    elems = tuple(Lit(t) for t in tokenize_text(text, language=language))
    if not elems:
        raise PatternError(f"phrase {text!r} has no words")
    return Pattern(text, elems)


def _compile_seq(text: str, language: str) -> tuple[Elem, ...]:
    if text.count("[") != text.count("]"):
        raise PatternError(f"pattern {text.strip()!r}: unbalanced [ ]")
    out: list[Elem] = []
    for m in _PIECE_RE.finditer(text):
        bracket, plain = m.group(1), m.group(2)
        if bracket is not None:
            out.append(_compile_bracket(bracket, text, language))
        elif plain is not None:
            if "|" in plain:
                raise PatternError(
                    f"pattern {text.strip()!r}: '|' only inside [ ], e.g. [manager|supervisor]"
                )
            out.extend(_compile_words(plain, text, language))
    if not out:
        raise PatternError(f"pattern {text.strip()!r} has no words")
    return tuple(out)


def _compile_bracket(inner: str, text: str, language: str) -> Elem:
    if inner.strip().lower() == "num":
        return Number()
    options = [o.strip() for o in inner.split("|")]
    if len(options) < 2 or not all(options):
        raise PatternError(f"pattern {text.strip()!r}: [{inner}] must be [num] or alternatives [a|b]")
    return Alt(tuple(_compile_seq(o, language) for o in options))


def _compile_words(plain: str, text: str, language: str) -> list[Elem]:
    out: list[Elem] = []
    for chunk in plain.split():
        if chunk == "*":
            out.append(AnyWord())
        elif "*" in chunk and (language == "zh" or has_han(chunk)):
            # zh tokens are characters: a * glued to characters is one more character ("本次*录音")
            for i, piece in enumerate(chunk.split("*")):
                if i:
                    out.append(AnyWord())
                out.extend(Lit(t) for t in tokenize_text(piece, language=language))
        elif "*" in chunk:
            if chunk.count("*") > 1 or not chunk.endswith("*"):
                raise PatternError(
                    f"pattern {text.strip()!r}: a * goes at the end of a word (refund*) or alone (*)"
                )
            toks = tokenize_text(chunk[:-1], language=language)
            if not toks:
                raise PatternError(f"pattern {text.strip()!r}: nothing before the * in {chunk!r}")
            out.extend(Lit(t) for t in toks[:-1])
            out.append(Prefix(toks[-1]))
        else:
            out.extend(Lit(t) for t in tokenize_text(chunk, language=language))
    return out


# ------------------------------------------------------------------------------------------ matching
def _elem_ends(el: Elem, texts: Sequence[str], i: int) -> set[int]:
    if isinstance(el, Alt):
        return set().union(*(_seq_ends(opt, texts, i) for opt in el.options))
    if i >= len(texts):
        return set()
    if isinstance(el, Lit):
        return {i + 1} if texts[i] == el.text else set()
    if isinstance(el, Prefix):
        return {i + 1} if texts[i].startswith(el.stem) else set()
    if isinstance(el, AnyWord):
        return {i + 1}
    j = i  # Number: a run of number tokens, any length ("twenty five", "五十八")
    while j < len(texts) and is_number_token(texts[j]):
        j += 1
    return set(range(i + 1, j + 1))


def _seq_ends(seq: Sequence[Elem], texts: Sequence[str], i: int) -> set[int]:
    """Every end (exclusive token index) at which `seq` matches when it starts at token `i`."""
    ends = {i}
    for el in seq:
        ends = set().union(*(_elem_ends(el, texts, j) for j in ends)) if ends else set()
        if not ends:
            return set()
    return ends


def _spans(seq: Sequence[Elem], texts: Sequence[str]) -> list[tuple[int, int]]:
    """(first, end) of the longest match starting at each token where `seq` matches."""
    out = []
    for i in range(len(texts)):
        ends = _seq_ends(seq, texts, i)
        if ends:
            out.append((i, max(ends)))
    return out


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int | None:
    """Words between two spans; None when they overlap."""
    if b[0] >= a[1]:
        return b[0] - a[1]
    if a[0] >= b[1]:
        return a[0] - b[1]
    return None


def _non_overlapping(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    chosen: list[tuple[int, int]] = []
    for s in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if not chosen or s[0] >= chosen[-1][1]:
            chosen.append(s)
    return chosen


def find_pattern(
    utterance_tokens: Iterable[Sequence[Token]], pattern: Pattern, *, language: str
) -> list[PhraseMatch]:
    """Every non-overlapping match of `pattern`, one utterance at a time."""
    joiner = "" if language == "zh" else " "
    found: list[PhraseMatch] = []
    for tokens in utterance_tokens:
        texts = [t.text for t in tokens]
        left = _spans(pattern.left, texts)
        if pattern.right is None:
            spans = left
        else:
            right = _spans(pattern.right, texts)
            if pattern.apart:  # overlapping counts as near
                spans = [
                    lt
                    for lt in left
                    if not any((g := _gap(lt, r)) is None or g <= pattern.within for r in right)
                ]
            else:
                spans = [
                    (min(lt[0], r[0]), max(lt[1], r[1]))
                    for lt in left
                    for r in right
                    if (g := _gap(lt, r)) is not None and g <= pattern.within
                ]
        for first, end in _non_overlapping(spans):
            w = tokens[first:end]
            found.append(
                PhraseMatch(
                    pattern.text,
                    joiner.join(texts[first:end]),
                    w[0].start_s,
                    w[-1].end_s,
                    1.0,
                    w[0].utterance,
                    first,
                    end - 1,
                )  # fmt: skip
            )
    return sorted(found, key=lambda m: (m.start_s, m.utterance, m.first_token))


def tokenize_words(text: str, *, language: str = "en", start_s: float = 0.0) -> list[Token]:
    """Tokens of a plain text with one second per token (doctests and quick checks)."""
    return [
        Token(t, start_s + i, start_s + i + 1.0) for i, t in enumerate(tokenize_text(text, language=language))
    ]
