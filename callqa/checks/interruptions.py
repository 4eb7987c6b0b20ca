"""The `interruptions` check: who started talking over whom, and the overtalk each party caused."""

from __future__ import annotations

from dataclasses import dataclass

from callqa.checks.registry import register_check
from callqa.checks.timing import Interval, merge_intervals, speech_intervals
from callqa.types import Call, CheckResult, CheckValues, Evidence, Role, na


@dataclass(frozen=True)
class InterruptionParams:
    min_overlap_s: float = 0.5  # shorter overlaps are backchannels ("mm-hmm"), not interruptions
    join_gap_s: float = 0.3  # pauses shorter than this inside a party's speech do not end its turn
    max_agent_interruptions: int = 2  # fail when the agent interrupts the customer more often


@dataclass(frozen=True)
class InterruptionValues(CheckValues):
    by_agent: int
    by_customer: int
    overtalk_by_agent_s: float
    overtalk_by_customer_s: float


def find_interruptions(by: list[Interval], other: list[Interval], *, min_overlap_s: float) -> list[Interval]:
    """Overlaps where `by` starts while `other` is already talking, lasting at least `min_overlap_s`."""
    out: list[Interval] = []
    for s, e in by:
        for os_, oe in other:
            if os_ < s < oe and min(e, oe) - s >= min_overlap_s:
                out.append((s, min(e, oe)))
                break
    return out


@register_check("interruptions", params=InterruptionParams)
def check_interruptions(call: Call, params: InterruptionParams) -> CheckResult:
    """Interruptions by the agent and by the customer, with the overtalk time each started."""
    speech = {
        r: merge_intervals(speech_intervals(call, r), gap_s=params.join_gap_s) for r in ("agent", "customer")
    }
    if not speech["agent"] or not speech["customer"]:
        return na("interruptions", "needs speech from both agent and customer")
    found: dict[Role, list[Interval]] = {
        "agent": find_interruptions(speech["agent"], speech["customer"], min_overlap_s=params.min_overlap_s),
        "customer": find_interruptions(
            speech["customer"], speech["agent"], min_overlap_s=params.min_overlap_s
        ),
    }
    values = InterruptionValues(
        by_agent=len(found["agent"]),
        by_customer=len(found["customer"]),
        overtalk_by_agent_s=round(sum(e - s for s, e in found["agent"]), 3),
        overtalk_by_customer_s=round(sum(e - s for s, e in found["customer"]), 3),
    )
    evidence = tuple(
        Evidence(s, e, role=r, note=f"{r} interrupted")
        for r in ("agent", "customer")
        for s, e in found[r]  # type: ignore[arg-type]
    )
    ok = values.by_agent <= params.max_agent_interruptions
    return CheckResult("interruptions", "pass" if ok else "fail", values=values, evidence=evidence)
