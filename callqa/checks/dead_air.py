"""The `dead_air` check: silences inside the conversation (not holds) longer than a limit, unexplained."""

from __future__ import annotations

from dataclasses import dataclass

from callqa.checks.language import match_evidence, match_list, phrasebook_for, role_tokens
from callqa.checks.registry import register_check
from callqa.checks.timing import Interval, gaps, merge_intervals, speech_intervals
from callqa.text.match import PhraseMatch
from callqa.types import Call, CheckResult, Evidence, Role, na


@dataclass(frozen=True)
class DeadAirParams:
    max_silence_s: float = 10.0  # silences longer than this (10 s: the common contact-center limit) ...
    narration_before_s: float = 20.0  # ... need a "let me check" this long before they start
    max_count: int = 0  # fail when more unexplained dead-air stretches than this
    phrases_path: str | None = None


@dataclass(frozen=True)
class DeadAirValues:
    count: int  # silences longer than max_silence_s, holds excluded
    unexplained: int
    longest_s: float
    total_s: float
    items: tuple[dict, ...]  # start_s, end_s, duration_s, explained, by (agent | customer | None)


def holds_of(call: Call) -> list[Interval]:
    """The call's holds: the ones `holds`, `nontalk` and `hold_etiquette` see (`call.features`, checks.holds)."""
    return merge_intervals(h.span for h in call.features.holds)


def _speech(call: Call) -> list[Interval]:
    """Where anyone speaks: the transcript's speech and, with audio, the signal's voice activity."""
    said = [iv for role in ("agent", "customer", "unknown") for iv in speech_intervals(call, role)]
    heard = list(call.features.signal_speech) if call.signal is not None and call.signal.channels else []
    return merge_intervals(said + heard)


@register_check("dead_air", params=DeadAirParams)
def check_dead_air(call: Call, params: DeadAirParams) -> CheckResult:
    """Silences (not holds) longer than `max_silence_s` without the agent saying what they are doing."""
    speech = _speech(call)
    if not speech:
        return na("dead_air", "no speech found")
    holds = holds_of(call)
    silent = [p for g in gaps(speech, speech[0][0], speech[-1][1]) for p in gaps(holds, *g)]
    long = [(s, e) for s, e in silent if e - s > params.max_silence_s]
    book = phrasebook_for(call, path=params.phrases_path)
    said: list[tuple[Role, PhraseMatch]] = []
    for role in ("agent", "customer"):
        toks = role_tokens(call, role, book=book)
        said += [
            (role, m) for name in ("dead_air_narration", "hold_request") for m in match_list(toks, book, name)
        ]
    items, evidence = [], []
    for s, e in long:
        s, e = float(s), float(e)
        before = [
            (r, m) for r, m in said if s - params.narration_before_s <= m.end_s and m.start_s <= s + 0.5
        ]
        by = before[-1][0] if before else None
        items.append({"start_s": round(s, 3), "end_s": round(e, 3), "duration_s": round(e - s, 3),
                      "explained": bool(before), "by": by})  # fmt: skip
        evidence.append(Evidence(round(s, 3), round(e, 3), note=f"{e - s:.1f} s of dead air"
                                 + ("" if before else ", nobody said what was happening")))  # fmt: skip
        if before:
            evidence.append(match_evidence(before[-1][1], role=before[-1][0], note="said before the silence"))
    bad = [i for i in items if not i["explained"]]
    ok = len(bad) <= params.max_count
    values = DeadAirValues(
        count=len(items),
        unexplained=len(bad),
        longest_s=round(float(max((e - s for s, e in silent), default=0.0)), 3),
        total_s=round(float(sum(e - s for s, e in long)), 3),
        items=tuple(items),
    )
    reason = None if ok else f"{len(bad)} silences over {params.max_silence_s:g} s with no explanation"
    return CheckResult("dead_air", "pass" if ok else "fail", reason, values, tuple(evidence))
