"""Trust a transcript only where it is trustworthy: text checks become `na` for a party whose words the
recognizer was unsure of (mean Whisper word probability below a configured threshold).

A check that fails an agent on words the recognizer invented is worse than no check. Measured on real
clips (benchmarks/measure_asr_trust.py, docs/fillers-asr.md): transcripts that came out right have a mean
word probability of 0.86-0.97; hallucinated or garbled ones 0.50-0.65. Imported transcripts without word
probabilities (human transcripts) are trusted. Signal checks are never gated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from callqa.records import TranscriptConfidence
from callqa.types import Call, CheckResult, Evidence

__all__ = ["TrustConfig", "gate", "party_confidence", "transcript_confidence", "untrusted_reason"]


@dataclass(frozen=True)
class TrustConfig:
    """Text checks are `na` for a party whose transcript is unreliable (callqa/checks/trust.py)."""

    enabled: bool = True
    min_mean_word_probability: float = 0.7  # a party's mean Whisper word probability below this: not trusted
    by_language: dict[str, float] = field(default_factory=dict)  # per-language thresholds, e.g. {ru: 0.75}
    min_words: int = 3  # fewer words with a probability: too few to judge, trusted
    low_confidence: float = 0.7  # a pass/fail less sure than this is marked for review (checks/confidence.py)


@dataclass(frozen=True)
class PartyConfidence:
    role: str
    words: int  # words with a probability
    mean_word_probability: float | None  # None: no probabilities (imported text): trusted


def party_confidence(call: Call, role: str) -> PartyConfidence:
    probs = [
        w.probability for u in call.utterances if u.role == role for w in u.words if w.probability is not None
    ]
    mean = round(sum(probs) / len(probs), 3) if probs else None
    return PartyConfidence(role, len(probs), mean)


def transcript_confidence(call: Call) -> TranscriptConfidence:
    """Mean word probability per party (what `callqa show` and calls.parquet report); None without any."""
    agent, customer = party_confidence(call, "agent"), party_confidence(call, "customer")
    return TranscriptConfidence(
        agent.mean_word_probability, agent.words, customer.mean_word_probability, customer.words
    )


def threshold_for(call: Call, config: TrustConfig) -> float:
    lang = call.transcript.language or call.meta.language
    return float(config.by_language.get(lang, config.min_mean_word_probability))


def untrusted_reason(
    call: Call, roles: Iterable[str], config: TrustConfig
) -> tuple[str, dict[str, Any]] | None:
    """(reason, values) when any of `roles` has an unreliable transcript, else None."""
    if not config.enabled:
        return None
    limit = threshold_for(call, config)
    bad = []
    values: dict[str, Any] = {"transcript_min_probability": limit}
    for role in roles:
        pc = party_confidence(call, role)
        values[f"transcript_probability_{role}"] = pc.mean_word_probability
        if pc.mean_word_probability is None or pc.words < config.min_words:
            continue
        if pc.mean_word_probability < limit:
            bad.append(f"{role} mean word probability {pc.mean_word_probability:.2f} < {limit:.2f}")
    if not bad:
        return None
    return "transcript unreliable: " + "; ".join(bad), values


def gate(
    call: Call,
    name: str,
    roles: Iterable[str],
    run: Callable[[], CheckResult],
    config: TrustConfig,
    *,
    keep: Iterable[str] = (),
) -> CheckResult | None:
    """`na` with the reason when the parties' transcript is unreliable, else None (run the check).

    `keep`: values of the check that come from the signal (e.g. closing's hang-up party): the check is
    run and only those values are kept.
    """
    found = untrusted_reason(call, roles, config)
    if found is None:
        return None
    reason, values = found
    kept: dict[str, Any] = {}
    evidence: tuple[Evidence, ...] = ()
    keep = tuple(keep)
    if keep:
        res = run()
        vals = res.values if isinstance(res.values, dict) else getattr(res.values, "__dict__", {})
        kept = {k: vals.get(k) for k in keep if k in vals}
        evidence = tuple(e for e in res.evidence if e.text is None)  # signal evidence only, never words
    return CheckResult(name, "na", reason=reason, values={**kept, **values, "transcript_trusted": False},
                       evidence=evidence + (Evidence(note=reason),))  # fmt: skip


def check_roles(params: Any, declared: tuple[str, ...]) -> tuple[str, ...]:
    """The parties whose words a check reads: its `roles` parameter when it has one, else as declared."""
    roles = getattr(params, "roles", None)
    if isinstance(roles, (list, tuple)) and roles:
        return tuple(str(r) for r in roles)
    return declared
