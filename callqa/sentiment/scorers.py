"""Sentiment scorers per language behind one Protocol: text -> −5..5, from what ships inside packages.

- en: VADER (`vaderSentiment`, MIT; its lexicon is inside the wheel) + call-center phrases (`lexicon_en`);
- zh: SnowNLP's naive Bayes sentiment model (`snownlp`, MIT; trained on product reviews, inside the sdist)
  + call-center terms (`lexicon_zh`);
- ru: call-center terms on Snowball stems (`lexicon_ru`, `snowballstemmer`, BSD-3): no offline Russian
  sentiment model ships in a package (dostoevsky downloads its model at run time).

None of them reads the network; `load_scorer` caches one per language and process.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from callqa.sentiment import lexicon_en, lexicon_ru, lexicon_zh
from callqa.sentiment.rules import Hit, Lexicon, Token, build_lexicon, combine, find_terms, tokenize
from callqa.sentiment.scale import from_probability, to_scale
from callqa.text.normalize import has_han

ZH_NUMERALS = frozenset("零〇一二三四五六七八九十幺两百千万")

# SnowNLP's P(positive) weighs like one word of this valence (alone it cannot leave the neutral band; it tips
# the terms). Grid on the dev half of data/sentiment: weight 0 / 0.5 / 0.75 / 1.0 / 1.5 -> accuracy
# .95 / .98 / .98 / .93 / .83 (band 1.0, negation window 3): the model, trained on shop reviews, calls
# plain questions negative ("请问维修师傅什么时候上门？" P=0.07).
SNOWNLP_WEIGHT = 0.5


@dataclass(frozen=True)
class SentimentScore:
    score: float  # −5..5 (Contact Lens' scale), see callqa/sentiment/scale.py
    terms: tuple[str, ...] = ()  # lexicon terms that moved it (negated ones as "not:term")


class SentimentScorer(Protocol):
    language: str

    def score(self, text: str) -> SentimentScore: ...


def _terms(hits: list[Hit]) -> tuple[str, ...]:
    return tuple(("not:" if h.negated else "") + h.term for h in hits if h.valence != 0.0)


def _score_with(
    tokens: list[Token], lexicon: Lexicon, extra: list[tuple[int | None, float]]
) -> tuple[float, list[Hit]]:
    hits = find_terms(tokens, lexicon)
    total, _ = combine([(h.start, h.valence) for h in hits] + extra, tokens, lexicon)
    return to_scale(total), hits


class LexiconScorer:
    """Lexicon terms only (the Russian scorer; also the fallback of the others in tests)."""

    def __init__(self, lexicon: Lexicon, *, stem: Callable[[str], str] | None = None) -> None:
        self.language = lexicon.language
        self.lexicon = lexicon
        self._stem = stem

    def score(self, text: str) -> SentimentScore:
        tokens = tokenize(text, language=self.language, stem=self._stem)
        score, hits = _score_with(tokens, self.lexicon, [])
        return SentimentScore(score, _terms(hits))


class VaderScorer:
    """English: call-center phrases first, VADER's valences for the rest of the words."""

    language = "en"

    def __init__(self, extra_terms: Mapping[str, float] | None = None) -> None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        class _Capturing(SentimentIntensityAnalyzer):
            """Keeps VADER's per-word valences (after its negation, booster and "but" rules)."""

            last: list[float] = []

            def score_valence(self, sentiments: list[float], text: str) -> Any:
                self.last = [float(s) for s in sentiments]
                return super().score_valence(sentiments, text)

        self._vader = _Capturing()
        self._vader.lexicon.update(lexicon_en.WORDS)
        self.lexicon = build_lexicon("en", {**lexicon_en.PHRASES, **(extra_terms or {})}, contrast=("but",),
                                     refusals=lexicon_en.REFUSALS, thanks=lexicon_en.THANKS)  # fmt: skip

    def score(self, text: str) -> SentimentScore:
        tokens = tokenize(text, language="en")
        hits = find_terms(tokens, self.lexicon)
        covered = {i for h in hits for i in range(h.start, h.end)}
        rest = " ".join(t.text for i, t in enumerate(tokens) if i not in covered)
        self._vader.polarity_scores(rest)
        vader: list[tuple[int | None, float]] = [(None, v) for v in self._vader.last if v]
        total, _ = combine([(h.start, h.valence) for h in hits] + vader, tokens, self.lexicon)
        return SentimentScore(to_scale(total), _terms(hits))


class SnowNlpScorer:
    """Mandarin: call-center terms first, SnowNLP's P(positive) on the characters they leave."""

    language = "zh"

    def __init__(
        self, extra_terms: Mapping[str, float] | None = None, *, weight: float = SNOWNLP_WEIGHT
    ) -> None:
        from snownlp import sentiment  # loads its segmenter and model from the package (~10 s, once)

        self._classify = sentiment.classify
        self.weight = weight
        self.lexicon = build_lexicon("zh", {**lexicon_zh.PHRASES, **(extra_terms or {})},
                                     negators=lexicon_zh.NEGATORS, negation_window=3,
                                     boosters=lexicon_zh.BOOSTERS, contrast=lexicon_zh.CONTRAST,
                                     refusals=lexicon_zh.REFUSALS, thanks=lexicon_zh.THANKS)  # fmt: skip

    def score(self, text: str) -> SentimentScore:
        tokens = tokenize(text, language="zh")
        hits = find_terms(tokens, self.lexicon)
        covered = {i for h in hits for i in range(h.start, h.end)}
        # Han characters but numerals only: a number (or its redaction placeholder) must not move P(positive)
        rest = "".join(t.text for i, t in enumerate(tokens)
                       if i not in covered and has_han(t.text) and t.text not in ZH_NUMERALS)  # fmt: skip
        extra: list[tuple[int | None, float]] = []
        if len(rest) >= 2 and has_han(rest):
            extra.append((None, self.weight * from_probability(self._classify(rest))))
        total, _ = combine([(h.start, h.valence) for h in hits] + extra, tokens, self.lexicon)
        return SentimentScore(to_scale(total), _terms(hits))


def russian_stemmer() -> Callable[[str], str]:
    import snowballstemmer

    stemmer = snowballstemmer.stemmer("russian")
    return lambda word: stemmer.stemWord(word)


def russian_scorer(extra_terms: Mapping[str, float] | None = None) -> LexiconScorer:
    stem = russian_stemmer()
    lexicon = build_lexicon("ru", {**lexicon_ru.PHRASES, **(extra_terms or {})}, negators=lexicon_ru.NEGATORS,
                            boosters=lexicon_ru.BOOSTERS, contrast=lexicon_ru.CONTRAST, stem=stem,
                            refusals=lexicon_ru.REFUSALS, thanks=lexicon_ru.THANKS)  # fmt: skip
    return LexiconScorer(lexicon, stem=stem)


SCORERS: dict[str, Callable[..., SentimentScorer]] = {
    "en": VaderScorer,
    "zh": SnowNlpScorer,
    "ru": russian_scorer,
}


@lru_cache(maxsize=16)
def load_scorer(language: str, extra_terms: tuple[tuple[str, float], ...] = ()) -> SentimentScorer:
    """The built-in scorer of a language (en / zh / ru) with a company's `extra_terms` (phrase, valence in
    −4..4) added to its call-center lexicon; loaded once per process and set of terms."""
    if language not in SCORERS:
        raise KeyError(f"no sentiment scorer for language {language!r} (have: {', '.join(SCORERS)})")
    return SCORERS[language](dict(extra_terms))
