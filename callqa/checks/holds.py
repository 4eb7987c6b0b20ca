"""The `holds` check: hold stretches (music and/or silence), agent check-ins, unattended time, etiquette."""

from __future__ import annotations

from dataclasses import dataclass, fields

from callqa.checks.registry import register_check
from callqa.features.holds import HoldDetection
from callqa.intervals import gaps, intersect_intervals
from callqa.types import Call, CheckResult, CheckValues, Evidence, na

__all__ = ["HoldRow", "HoldsParams", "HoldsValues", "check_holds", "hold_detection"]


@dataclass(frozen=True)
class HoldRow:
    start_s: float
    end_s: float
    music: bool
    checkins: int
    longest_unattended_s: float
    violation: bool
    asked_permission: bool
    thanked: bool


@dataclass(frozen=True)
class HoldsValues(CheckValues):
    count: int
    total_hold_s: float
    violations: int
    holds: tuple[HoldRow, ...]
    max_unattended_s: float


@dataclass(frozen=True)
class HoldsParams(HoldDetection):
    """`checks.holds`: the hold detection every hold-reading check shares (`HoldDetection`, handed to the
    `features` step) and the `holds` check's own pass/fail rules below."""

    max_unattended_s: float = 30.0  # a hold fails when the agent stays away longer than this
    require_permission: bool = False  # also fail a hold that was not asked for
    require_thanks: bool = False  # also fail a hold not followed by thanks


def hold_detection(params: HoldsParams | None) -> HoldDetection:
    """The detection part of the configured `checks.holds` (defaults when the config does not name it)."""
    if params is None:
        return HoldDetection()
    return HoldDetection(**{f.name: getattr(params, f.name) for f in fields(HoldDetection)})


@register_check("holds", params=HoldsParams)
def check_holds(call: Call, params: HoldsParams) -> CheckResult:
    """Holds: music/silence stretches, check-ins, longest unattended stretch, asked first, thanked after."""
    if call.signal is None:
        return na("holds", "no signal analysis for this call")
    holds = call.features.holds  # detected with the configured `checks.holds` (the same holds nontalk uses)
    if not holds:
        return na("holds", "no hold found (no music-on-hold and no long silence)", count=0)
    agent = call.features.speech_of("agent")
    rows, evidence, failed = [], [], False
    for hold in holds:
        s, e, music = hold.start_s, hold.end_s, hold.music
        inside = intersect_intervals(agent, [(s, e)])
        checkins = [(a, b) for a, b in inside if a > s]  # not the request running into the hold
        longest = max((b - a for a, b in gaps(inside, s, e)), default=0.0)
        asked = call.utterances[hold.request.utterance] if hold.request else None
        thanked = call.utterances[hold.thanks.utterance] if hold.thanks else None
        longest = float(longest)
        violation = bool(longest > params.max_unattended_s)
        failed |= (
            violation or (params.require_permission and not asked) or (params.require_thanks and not thanked)
        )
        rows.append(
            HoldRow(
                start_s=round(s, 3),
                end_s=round(e, 3),
                music=music,
                checkins=len(checkins),
                longest_unattended_s=round(longest, 3),
                violation=violation,
                asked_permission=asked is not None,
                thanked=thanked is not None,
            )
        )
        note = (
            f"hold {e - s:.0f} s, {'music' if music else 'silence'}, {len(checkins)} check-in(s), "
            f"longest unattended {longest:.0f} s"
        )
        evidence.append(Evidence(s, e, note=note))
        evidence += [Evidence(u.start_s, u.end_s, role="agent", text=u.text) for u in (asked, thanked) if u]
    values = HoldsValues(
        count=len(rows),
        total_hold_s=round(sum(r.end_s - r.start_s for r in rows), 3),
        violations=sum(r.violation for r in rows),
        holds=tuple(rows),
        max_unattended_s=params.max_unattended_s,
    )
    return CheckResult("holds", "fail" if failed else "pass", values=values, evidence=tuple(evidence))
