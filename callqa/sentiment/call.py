"""A call's sentiment from its utterances' scores: per party, per quarter of the call, and the customer's trend.

Pure: scores come from a `SentimentScorer`; nothing here reads files or models.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from callqa.redact.transcript import PLACEHOLDER_RE
from callqa.sentiment.rules import tokenize
from callqa.sentiment.scorers import ZH_NUMERALS, SentimentScorer
from callqa.types import Call

Trend = Literal["improved", "worsened", "steady"]
PARTIES = ("agent", "customer")


def is_number(token: str) -> bool:
    """Digits, or a run of Chinese numerals: numbers carry no sentiment and must not weigh (a card number
    read out, or its `[CARD]` placeholder after redaction, weighs the same: nothing)."""
    return token.isdigit() or all(ch in ZH_NUMERALS for ch in token)


@dataclass(frozen=True)
class UtteranceSentiment:
    start_s: float
    end_s: float
    role: str
    score: float  # −5..5
    n_words: int  # words (en, ru) or Han characters (zh), numbers left out: for the "too few words" threshold
    text: str
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuarterSentiment:
    agent: float | None  # mean score of the party's utterances in the quarter, None if silent
    customer: float | None


@dataclass(frozen=True)
class CallSentiment:
    utterances: tuple[UtteranceSentiment, ...]
    agent_mean: float | None
    customer_mean: float | None
    customer_start: float | None  # mean of the customer's first `edge_share` of utterances (at least one)
    customer_end: float | None  # ... and last
    customer_trend: Trend | None
    quarters: tuple[QuarterSentiment, ...]
    customer_words: int


def score_utterances(call: Call, scorer: SentimentScorer) -> tuple[UtteranceSentiment, ...]:
    """Every agent and customer utterance with words, scored (utterances of unknown role are skipped)."""
    out = []
    for u in call.utterances:
        text = PLACEHOLDER_RE.sub(" ", u.text)  # redacted personal data: no sentiment, no weight
        if u.role not in PARTIES or not text.strip():
            continue
        n = sum(not is_number(t.text) for t in tokenize(text, language=scorer.language))
        if n == 0:
            continue
        s = scorer.score(text)
        out.append(UtteranceSentiment(u.start_s, u.end_s, u.role, s.score, n, u.text, s.terms))
    return tuple(out)


def mean_score(items: Sequence[UtteranceSentiment]) -> float | None:
    """Mean over utterances, each counted once: not weighted by length, so that redacting a card number read
    out in words (`[CARD]`) leaves every value unchanged (tests/redact)."""
    return round(sum(u.score for u in items) / len(items), 2) if items else None


def edge(items: Sequence[UtteranceSentiment], share: float, *, from_end: bool) -> list[UtteranceSentiment]:
    """The first (or last) `share` of the utterances, at least one (rounded up: 5 utterances, 0.25 -> 2)."""
    n = max(1, math.ceil(share * len(items)))
    return list(items[-n:][::-1]) if from_end else list(items[:n])


def quarter_of(u: UtteranceSentiment, duration_s: float) -> int:
    mid = (u.start_s + u.end_s) / 2
    return min(3, max(0, int(4 * mid / duration_s))) if duration_s > 0 else 0


def summarize(
    utterances: Sequence[UtteranceSentiment],
    *,
    duration_s: float,
    edge_share: float = 0.25,
    min_shift: float = 1.0,
) -> CallSentiment:
    """Means per party, per quarter (of `duration_s`, by utterance midpoint), the customer's start, end and
    trend ("improved" when end − start ≥ `min_shift`, "worsened" when ≤ −`min_shift`, else "steady")."""
    by_role = {r: [u for u in utterances if u.role == r] for r in PARTIES}
    cust = by_role["customer"]
    duration_s = max([duration_s] + [u.end_s for u in utterances])
    start = mean_score(edge(cust, edge_share, from_end=False)) if cust else None
    end = mean_score(edge(cust, edge_share, from_end=True)) if cust else None
    trend: Trend | None = None
    if start is not None and end is not None:
        shift = end - start
        trend = "improved" if shift >= min_shift else "worsened" if shift <= -min_shift else "steady"
    quarters = tuple(
        QuarterSentiment(
            *(mean_score([u for u in by_role[r] if quarter_of(u, duration_s) == q]) for r in PARTIES)
        )
        for q in range(4)
    )
    return CallSentiment(
        utterances=tuple(utterances),
        agent_mean=mean_score(by_role["agent"]),
        customer_mean=mean_score(cust),
        customer_start=start,
        customer_end=end,
        customer_trend=trend,
        quarters=quarters,
        customer_words=sum(u.n_words for u in cust),
    )
