"""Built-in measures a rule can compare (`measure: talk_ratio`), from the call's derived features.

Each is a number over a window of the call, or None with the reason when the call cannot say (no speech,
no audio analysed). Speech comes from `call.features` (diarization/channel turns), holds from the holds
the `holds` check reports (configured `checks.holds`), non-talk from the signal's speech activity with
tones and music masked — a hold therefore counts as non-talk, as Contact Lens counts it.
"""

from __future__ import annotations

from dataclasses import dataclass

from callqa.intervals import Interval, gaps, intersect_intervals, merge_intervals, total_s
from callqa.types import Call


@dataclass(frozen=True)
class Measured:
    value: float | None
    span: Interval | None = None  # where it was measured (the longest non-talk: that stretch)
    reason: str = ""  # why `value` is None


def _clip(intervals: list[Interval], window: Interval) -> list[Interval]:
    return intersect_intervals(merge_intervals(intervals), [window])


def measure(call: Call, name: str, window: Interval) -> Measured:
    """The measure `name` (callqa.rules.load.MEASURES) of `call` inside `window` (seconds)."""
    f = call.features
    if name == "duration_s":
        return Measured(round(call.duration_s, 3))
    if name in ("hold_count", "hold_s"):
        if call.signal is None:
            return Measured(None, reason="holds need the audio (no signal analysis for this call)")
        holds = [(h.start_s, h.end_s) for h in f.holds]
        inside = _clip(holds, window)
        if name == "hold_count":
            return Measured(float(len(inside)))
        return Measured(round(total_s(inside), 3))
    agent, customer = _clip(f.speech_of("agent"), window), _clip(f.speech_of("customer"), window)
    if name == "agent_talk_s":
        return Measured(round(total_s(agent), 3))
    if name == "customer_talk_s":
        return Measured(round(total_s(customer), 3))
    if name == "talk_ratio":
        both = total_s(agent) + total_s(customer)
        if both <= 0:
            return Measured(None, reason="no agent or customer speech in the window")
        return Measured(round(total_s(agent) / both, 4))
    if name == "overtalk_s":
        return Measured(round(total_s(intersect_intervals(agent, customer)), 3))
    if name == "nontalk_longest_s":
        speech = merge_intervals(list(f.signal_speech))
        if not speech:
            return Measured(None, reason="no speech found")
        lo, hi = max(window[0], speech[0][0]), min(window[1], speech[-1][1])  # between first and last speech
        silent = gaps(_clip(speech, (lo, hi)), lo, hi) if hi > lo else []
        if not silent:
            return Measured(0.0)
        longest = max(silent, key=lambda g: g[1] - g[0])
        return Measured(round(longest[1] - longest[0], 3), longest)
    raise ValueError(f"unknown measure {name!r}")
