"""The `rings` check: rings before the answer, from the ringback in the audio or the manifest's ring_s."""

from __future__ import annotations

import math
from dataclasses import dataclass

from callqa.checks.registry import register_check
from callqa.types import Call, CheckResult, CheckValues, Evidence, na


@dataclass(frozen=True)
class RingsParams:
    max_rings: int = 3  # etiquette: answer within three rings
    default_profile: str = "na"  # cadence that turns a manifest ring_s into rings, unless the call names one


@dataclass(frozen=True)
class RingsValues(CheckValues):
    count: int
    answer_time_s: float | None
    ring_s: float
    profile: str
    source: str  # audio | metadata
    max_rings: int


def _answer_after(call: Call, after_s: float) -> float | None:
    """First agent speech after `after_s` (transcript turns), else the signal's first activity."""
    starts = [s for s, e in call.features.speech_of("agent") if e > after_s]
    if starts:
        return max(starts[0], after_s)
    return call.features.signal_answer_s


@register_check("rings", params=RingsParams)
def check_rings(call: Call, params: RingsParams) -> CheckResult:
    """Rings before the agent answered: ringback counted in the audio, else the manifest's ring_s."""
    rings = [e for e in call.events("ring") if not e.sequence]  # the first ringback (None: given as one)
    if rings:
        first, last = rings[0], rings[-1]
        answer_s = _answer_after(call, last.start_s)
        count, profile, source = len(rings), str(first.profile), "audio"
        ring_s = (answer_s if answer_s is not None else last.end_s) - first.start_s
        evidence = tuple(
            Evidence(
                e.start_s,
                e.end_s,
                note=f"ring {i + 1} ({profile}{'' if e.complete else ', cut'})",
            )
            for i, e in enumerate(rings)
        )
    elif call.meta.ring_s is not None:
        periods = call.features.ring_periods_s  # the configured signal.rings profiles
        named = call.meta.ring_profile
        profile = named if named is not None and named in periods else params.default_profile
        if profile not in periods:
            return na("rings", f"unknown ring profile {profile!r}", source="none")
        period_s = periods[profile]
        ring_s, answer_s, source = float(call.meta.ring_s), None, "metadata"
        count = math.ceil(ring_s / period_s) if ring_s > 0 else 0
        evidence = (
            Evidence(note=f"manifest ring_s={ring_s:g} s over the {profile} cadence of {period_s:g} s"),
        )
    else:
        return na(
            "rings",
            "no ringback in the audio (recording starts at answer) and no ring_s in the manifest",
            source="none",
        )
    values = RingsValues(
        count=count,
        answer_time_s=None if answer_s is None else round(answer_s, 3),
        ring_s=round(ring_s, 3),
        profile=str(profile),
        source=source,
        max_rings=params.max_rings,
    )
    return CheckResult(
        "rings", "pass" if count <= params.max_rings else "fail", values=values, evidence=evidence
    )
