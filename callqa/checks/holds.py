"""The `holds` check: hold stretches (music and/or silence), agent check-ins, unattended time, etiquette."""

from __future__ import annotations

from dataclasses import dataclass

from callqa.checks.language import match_list, phrasebook_for, role_tokens
from callqa.checks.registry import register_check
from callqa.checks.timing import (
    Interval,
    gaps,
    intersect_intervals,
    merge_intervals,
    speech_intervals,
    total_s,
)
from callqa.types import Call, CheckResult, Evidence, Utterance, na


@dataclass(frozen=True)
class HoldsParams:
    max_unattended_s: float = 30.0  # a hold fails when the agent stays away longer than this
    min_silent_hold_s: float = 20.0  # silence on all sides alone counts as a hold when this long
    min_silent_hold_after_request_s: float = 5.0  # ... or this long right after a hold request
    merge_gap_s: float = 30.0  # hold stretches this close, joined by agent check-ins, are one hold
    max_customer_talk_in_gap_s: float = 3.0  # more customer talk between stretches: two holds
    phrase_window_s: float = 30.0  # request looked for before the hold, thanks after it
    require_permission: bool = False  # also fail a hold that was not asked for
    require_thanks: bool = False  # also fail a hold not followed by thanks
    phrases_path: str | None = None  # phrase book (hold_request / hold_thanks); default configs/phrases/<lang>.yaml


def _phrase_at(call: Call, list_name: str, lo: float, hi: float, params: HoldsParams) -> Utterance | None:
    """The first agent utterance in [lo, hi] that says a phrase of `list_name` (configs/phrases, fuzzy)."""
    book = phrasebook_for(call, path=params.phrases_path)
    for m in match_list(role_tokens(call, "agent", book=book, after_s=lo), book, list_name):
        u = call.utterances[m.utterance]
        if u.end_s >= lo and u.start_s <= hi:
            return u
    return None


def find_holds(call: Call, params: HoldsParams) -> list[tuple[Interval, bool]]:
    """Hold spans and whether music played: music, long silences, silences after a request; joined
    across agent check-ins."""
    music = merge_intervals((e.start_s, e.end_s) for e in call.events("music"))
    pieces: list[Interval] = list(music)
    for ev in call.events("silence"):
        dur = ev.end_s - ev.start_s
        asked = _phrase_at(call, "hold_request", ev.start_s - params.phrase_window_s, ev.start_s, params)
        if dur >= params.min_silent_hold_s or (asked and dur >= params.min_silent_hold_after_request_s):
            pieces.append((ev.start_s, ev.end_s))
    customer = speech_intervals(call, "customer")
    holds: list[list[float]] = []
    for s, e in merge_intervals(pieces):
        gap = [(holds[-1][1], s)] if holds else []
        if (
            gap
            and s - gap[0][0] <= params.merge_gap_s
            and total_s(intersect_intervals(gap, customer)) <= params.max_customer_talk_in_gap_s
        ):
            holds[-1][1] = e
        else:
            holds.append([s, e])
    return [((s, e), bool(intersect_intervals([(s, e)], music))) for s, e in holds]


@register_check("holds", params=HoldsParams)
def check_holds(call: Call, params: HoldsParams) -> CheckResult:
    """Holds: music/silence stretches, check-ins, longest unattended stretch, asked first, thanked after."""
    if call.signal is None:
        return na("holds", "no signal analysis for this call")
    holds = find_holds(call, params)
    if not holds:
        return na("holds", "no hold found (no music-on-hold and no long silence)", count=0)
    agent = speech_intervals(call, "agent")
    rows, evidence, failed = [], [], False
    for (s, e), music in holds:
        inside = intersect_intervals(agent, [(s, e)])
        checkins = [(a, b) for a, b in inside if a > s]  # not the request running into the hold
        longest = max((b - a for a, b in gaps(inside, s, e)), default=0.0)
        asked = _phrase_at(call, "hold_request", s - params.phrase_window_s, s + 2.0, params)
        thanked = _phrase_at(call, "hold_thanks", e - 2.0, e + params.phrase_window_s, params)
        longest = float(longest)
        violation = bool(longest > params.max_unattended_s)
        failed |= (
            violation or (params.require_permission and not asked) or (params.require_thanks and not thanked)
        )
        rows.append(
            {
                "start_s": round(s, 3),
                "end_s": round(e, 3),
                "music": music,
                "checkins": len(checkins),
                "longest_unattended_s": round(longest, 3),
                "violation": violation,
                "asked_permission": asked is not None,
                "thanked": thanked is not None,
            }
        )
        note = (
            f"hold {e - s:.0f} s, {'music' if music else 'silence'}, {len(checkins)} check-in(s), "
            f"longest unattended {longest:.0f} s"
        )
        evidence.append(Evidence(s, e, note=note))
        evidence += [Evidence(u.start_s, u.end_s, role="agent", text=u.text) for u in (asked, thanked) if u]
    values = {
        "count": len(rows),
        "total_hold_s": round(sum(r["end_s"] - r["start_s"] for r in rows), 3),
        "violations": sum(r["violation"] for r in rows),
        "holds": rows,
        "max_unattended_s": params.max_unattended_s,
    }
    return CheckResult("holds", "fail" if failed else "pass", values=values, evidence=tuple(evidence))
