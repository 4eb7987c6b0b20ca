"""The `sentiment` check: per utterance −5..5, per party and quarter, and whether the customer ended worse.

Advisory (in no shipped scorecard): `fail` = the customer ended negative AND worse than they started — the
call a supervisor should hear; `na` with too few customer words to judge; else `pass`. The rules engine
reads the published values (`agent_mean`, `customer_mean`, `customer_start`, `customer_end`,
`customer_trend`, `quarters`, `utterances`). See docs/sentiment.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from callqa.checks.language import call_language
from callqa.checks.registry import register_check
from callqa.dataconf import ConfigError
from callqa.sentiment.call import CallSentiment, score_utterances, summarize
from callqa.sentiment.scorers import SCORERS, load_scorer
from callqa.types import Call, CheckResult, CheckValues, Evidence


@dataclass(frozen=True)
class SentimentParams:
    min_customer_words: int = (
        8  # fewer customer words (zh: twice as many characters): na, too little to judge
    )
    edge_share: float = (
        0.25  # customer_start / customer_end: the customer's first / last quarter of utterances
    )
    min_shift: float = 1.0  # customer_end − customer_start this large: "improved" / "worsened"
    ended_negative_below: float = -1.0  # customer_end at or below this is "ended negative" (the neutral band)
    evidence_lines: int = 3  # the most negative customer lines shown as evidence
    # a company's own terms per language, VADER units −4..4: {en: {"port-out": -1.0}, zh: {"携号转网": -1.5}}
    extra_terms: dict[str, dict[str, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for lang, terms in self.extra_terms.items():
            where = f"checks.sentiment.extra_terms.{lang}"
            if lang not in SCORERS:
                raise ConfigError(
                    f"{where}: no sentiment scorer for this language (have: {', '.join(SCORERS)})"
                )
            if not isinstance(terms, dict):
                raise ConfigError(f"{where}: must be a mapping of phrase -> valence")
            for term, v in terms.items():
                if isinstance(v, bool) or not isinstance(v, (int, float)) or not -4.0 <= v <= 4.0:
                    raise ConfigError(f"{where}.{term}: valence {v!r} must be a number in -4..4")


@dataclass(frozen=True)
class QuarterValues(CheckValues):
    agent: float | None
    customer: float | None


@dataclass(frozen=True)
class UtteranceValues(CheckValues):
    start_s: float
    end_s: float
    role: str
    score: float


@dataclass(frozen=True)
class SentimentValues(CheckValues):
    agent_mean: float | None  # −5..5, mean over the party's utterances
    customer_mean: float | None
    customer_start: float | None
    customer_end: float | None
    customer_trend: str | None  # improved | worsened | steady | None (no customer words)
    quarters: tuple[QuarterValues, ...] = field(default_factory=tuple)  # 4 x {agent, customer}
    utterances: tuple[UtteranceValues, ...] = field(default_factory=tuple)


def sentiment_values(s: CallSentiment) -> SentimentValues:
    return SentimentValues(
        s.agent_mean, s.customer_mean, s.customer_start, s.customer_end, s.customer_trend,
        tuple(QuarterValues(q.agent, q.customer) for q in s.quarters),
        tuple(UtteranceValues(round(u.start_s, 3), round(u.end_s, 3), u.role, u.score) for u in s.utterances),
    )  # fmt: skip


def judge(s: CallSentiment, params: SentimentParams, *, min_words: int) -> CheckResult:
    """The check's verdict on a summarised call (pure; the scorer has already run)."""
    values = sentiment_values(s)
    worst = sorted((u for u in s.utterances if u.role == "customer" and u.score < 0), key=lambda u: u.score)
    evidence = tuple(
        Evidence(u.start_s, u.end_s, "customer", u.text, f"sentiment {u.score:+.1f}" +
                 (f" ({', '.join(u.terms)})" if u.terms else ""))
        for u in sorted(worst[: params.evidence_lines], key=lambda u: u.start_s)
    )  # fmt: skip
    if s.customer_words < min_words:
        reason = f"too few customer words to judge ({s.customer_words} < {min_words})"
        return CheckResult("sentiment", "na", reason, values, evidence)
    end, start = s.customer_end, s.customer_start
    if (
        s.customer_trend == "worsened"
        and end is not None
        and start is not None
        and end <= params.ended_negative_below
    ):
        reason = f"customer ended negative ({end:+.1f}) and worse than they started ({start:+.1f})"
        return CheckResult("sentiment", "fail", reason, values, evidence)
    return CheckResult("sentiment", "pass", None, values, evidence)


@register_check("sentiment", params=SentimentParams, uses_text=("agent", "customer"))
def check_sentiment(call: Call, params: SentimentParams) -> CheckResult:
    """Sentiment per utterance (−5..5), party and quarter; fails when the customer ended negative and worse."""
    language = call_language(call)
    if language not in SCORERS:
        empty = SentimentValues(None, None, None, None, None)  # the same names, for the rules engine
        return CheckResult("sentiment", "na", f"no sentiment scorer for language {language!r}", empty)
    extra = tuple(sorted((str(k), float(v)) for k, v in params.extra_terms.get(language, {}).items()))
    scorer = load_scorer(language, extra)  # lexicons and models inside packages, cached per process
    s = summarize(score_utterances(call, scorer), duration_s=call.duration_s,
                  edge_share=params.edge_share, min_shift=params.min_shift)  # fmt: skip
    # Han characters carry about half a word each: the same threshold in zh needs twice as many
    min_words = params.min_customer_words * (2 if language == "zh" else 1)
    return judge(s, params, min_words=min_words)
