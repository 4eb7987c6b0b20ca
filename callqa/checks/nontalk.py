"""The `nontalk` check: non-talk time from the signal, with and without hold, as Contact Lens/NICE/Google count it."""

from __future__ import annotations

from dataclasses import dataclass

from callqa.checks.registry import register_check
from callqa.intervals import Interval, gaps, intersect_intervals, merge_intervals, total_s
from callqa.types import Call, CheckResult, CheckValues, Evidence, na

# preset -> (min silence s, hold counts as non-talk, threshold inclusive)
PRESETS = {
    "contact_lens": (3.0, True, False),  # Amazon Contact Lens: silences > 3 s, hold included
    "nice": (3.0, False, True),  # NICE: silences >= 3 s, hold excluded
    "google": (5.0, True, False),  # Google CCAI Insights: silences > 5 s
}


@dataclass(frozen=True)
class NonTalkParams:
    preset: str = "contact_lens"  # contact_lens | nice | google | custom
    min_silence_s: float = 3.0  # custom preset only
    include_hold: bool = True  # custom preset only
    inclusive: bool = False  # custom preset only: >= rather than >
    max_nontalk_share: float = 0.25  # fail above this share of the call between first and last speech


@dataclass(frozen=True)
class NonTalkValues(CheckValues):
    preset: str
    min_silence_s: float
    include_hold: bool
    nontalk_s: float
    count: int
    share: float
    nontalk_incl_hold_s: float
    nontalk_excl_hold_s: float
    hold_s: float


@register_check("nontalk", params=NonTalkParams)
def check_nontalk(call: Call, params: NonTalkParams) -> CheckResult:
    """Non-talk time (silence and, per preset, hold) between the first and last speech."""
    min_s, include_hold, inclusive = PRESETS.get(
        params.preset, (params.min_silence_s, params.include_hold, params.inclusive)
    )
    speech = list(call.features.signal_speech)
    if not speech:
        return na("nontalk", "no speech found")
    span = (speech[0][0], speech[-1][1])
    holds = merge_intervals(h.span for h in call.features.holds)  # the holds the `holds` check reports

    def long_enough(iv: Interval) -> bool:
        return iv[1] - iv[0] >= min_s if inclusive else iv[1] - iv[0] > min_s

    silent = gaps(speech, *span)
    with_hold = [g for g in silent if long_enough(g)]
    without_hold = [g for g in (p for s in silent for p in gaps(holds, *s)) if long_enough(g)]
    chosen = with_hold if include_hold else without_hold
    share = total_s(chosen) / max(span[1] - span[0], 1e-9)
    values = NonTalkValues(
        preset=params.preset,
        min_silence_s=min_s,
        include_hold=include_hold,
        nontalk_s=round(total_s(chosen), 3),
        count=len(chosen),
        share=round(share, 4),
        nontalk_incl_hold_s=round(total_s(with_hold), 3),
        nontalk_excl_hold_s=round(total_s(without_hold), 3),
        hold_s=round(total_s(intersect_intervals(holds, [span])), 3),
    )
    return CheckResult(
        "nontalk",
        "pass" if share <= params.max_nontalk_share else "fail",
        values=values,
        evidence=tuple(Evidence(s, e, note=f"{e - s:.1f} s non-talk") for s, e in chosen),
    )
