"""The `monotone` check: the agent's pitch varies enough (semitones, YIN track of the signal layer)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from callqa.checks.registry import register_check
from callqa.signal.pitch import PitchStats, pitch_variation
from callqa.types import Call, CheckResult, Evidence, PitchTrack, Role, na, role_channels

_NOT_VOICE = ("music", "ring", "busy_tone")


@dataclass(frozen=True)
class MonotoneParams:
    min_sd_st: float = 1.5  # fail below this pitch standard deviation, in semitones (see docs)
    min_voiced_s: float = 5.0  # less voiced agent speech than this: na
    utterance_pad_s: float = 0.1  # utterance spans widened by this when picking a party's frames


@dataclass(frozen=True)
class MonotoneValues:
    sd_st: float  # the agent's pitch standard deviation, semitones, octave errors removed
    range_st: float  # 5th..95th percentile span, semitones
    median_f0_hz: float
    voiced_s: float
    octave_fixed_share: float
    customer_sd_st: float | None  # the same for the customer, for comparison
    source: str  # channel (stereo leg) | utterances (mono, the party's utterance times)
    min_sd_st: float


def party_pitch(call: Call, role: Role, *, pad_s: float = 0.1) -> tuple[PitchTrack, np.ndarray, str] | None:
    """The pitch track holding `role`'s voice and the F0 of that party only (NaN elsewhere)."""
    tracks = call.signal.extras.pitch if call.signal is not None else ()
    if not tracks:
        return None
    by_role = role_channels(call.meta.channel_layout, len(tracks))
    track = tracks[by_role.get(role, 0)]
    t = track.times_s()
    own = np.zeros(len(t), dtype=bool)
    for u in call.utterances_of(role):
        own |= (t >= u.start_s - pad_s) & (t <= u.end_s + pad_s)
    if role in by_role:
        source = "channel"
        if not call.utterances_of(role):
            own[:] = True
    else:
        source = "utterances"  # one channel for both: drop where the other party talks too
        for u in call.utterances:
            if u.role != role:
                own &= ~((t >= u.start_s) & (t <= u.end_s))
    for ev in call.signal.events if call.signal is not None else ():
        if ev.kind in _NOT_VOICE and ev.channel in (None, track.channel):
            own &= ~((t >= ev.start_s) & (t <= ev.end_s))
    return track, np.where(own, track.f0_hz, np.nan), source


def _stats(call: Call, role: Role, pad_s: float) -> tuple[PitchStats | None, str]:
    picked = party_pitch(call, role, pad_s=pad_s)
    if picked is None:
        return None, ""
    track, f0, source = picked
    return pitch_variation(f0, track.hop_s), source


@register_check("monotone", params=MonotoneParams, needs=("pitch",))
def check_monotone(call: Call, params: MonotoneParams) -> CheckResult:
    """Monotone voice: the agent's pitch standard deviation (semitones) below a floor."""
    if call.signal is None or not call.signal.extras.pitch:
        return na("monotone", "no pitch track (no audio, or signal.pitch.enabled is false)")
    stats, source = _stats(call, "agent", params.utterance_pad_s)
    if stats is None or stats.voiced_s < params.min_voiced_s:
        voiced = stats.voiced_s if stats else 0.0
        return na("monotone", f"{voiced:.1f} s of voiced agent speech (< {params.min_voiced_s:g} s)")
    cust, _ = _stats(call, "customer", params.utterance_pad_s)
    ok = stats.sd_st >= params.min_sd_st
    values = MonotoneValues(stats.sd_st, stats.range_st, stats.median_f0_hz, stats.voiced_s,
                            stats.octave_fixed_share, cust.sd_st if cust else None, source,
                            params.min_sd_st)  # fmt: skip
    agent = call.utterances_of("agent")
    span = (agent[0].start_s, agent[-1].end_s) if agent else (None, None)
    note = (f"pitch SD {stats.sd_st:.2f} st, 5-95 % range {stats.range_st:.1f} st over {stats.voiced_s:.0f} s "
            f"voiced, median {stats.median_f0_hz:.0f} Hz (floor {params.min_sd_st:g} st)")  # fmt: skip
    reason = None if ok else f"monotone: pitch SD {stats.sd_st:.2f} st < {params.min_sd_st:g} st"
    return CheckResult("monotone", "pass" if ok else "fail", reason, values,
                       (Evidence(span[0], span[1], "agent", note=note),))  # fmt: skip
