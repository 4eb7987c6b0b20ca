"""The `volume` check: active speech level (P.56-style), peak and clipping per party, level per utterance."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from callqa.checks.registry import register_check
from callqa.checks.timing import speech_intervals
from callqa.intervals import Interval, spans_mask, without_events
from callqa.signal.levels import active_speech_level_dbfs
from callqa.types import Call, ChannelLevels, CheckResult, CheckValues, Evidence, Role, na, role_channels


@dataclass(frozen=True)
class VolumeParams:
    # Telephone speech sits near −20 dBFS active level (G.711 nominal −26 dBov ≈ −23 dBFS; the
    # aws-lca call legs measure −21…−19 dBFS).
    min_agent_level_dbfs: float = -35.0  # quieter: the customer strains to hear
    max_agent_level_dbfs: float = -9.0  # louder: shouting or hot gain, distortion on the line
    max_clipping_ratio: float = 0.001  # share of speech samples clipped
    max_agent_over_customer_db: float = 10.0  # agent this much louder than the customer: shouting ...
    # ... when the agent is also loud itself: an agent at a normal level over a faint customer line (a mobile
    # caller at -36 dBFS) is the customer's line, not a loud agent (issue 17: such an agent failed "too loud")
    min_loud_agent_dbfs: float = -18.0
    margin_db: float = 15.9  # P.56 margin between active level and activity threshold
    hangover_s: float = 0.2


@dataclass(frozen=True)
class UtteranceLevel:
    start_s: float
    end_s: float
    level_dbfs: float


@dataclass(frozen=True)
class PartyLevel:
    active_level_dbfs: float
    activity: float
    peak_dbfs: float
    clipping_ratio: float
    utterance_levels: tuple[UtteranceLevel, ...]


@dataclass(frozen=True)
class VolumeValues(CheckValues):
    agent: PartyLevel
    customer: PartyLevel | None
    agent_minus_customer_db: float | None


def _frames(levels: ChannelLevels, spans: list[Interval], call: Call) -> np.ndarray:
    """Frame mask of `spans`, minus tones and music on that channel."""
    hop = levels.frame_hop_s
    mask = spans_mask(spans, n_frames=len(levels.level_dbfs), hop_s=hop)
    return without_events(mask, call.signal.events if call.signal else (), channel=levels.channel, hop_s=hop)


def party_level(call: Call, role: Role, params: VolumeParams) -> PartyLevel | None:
    """Active level, peak, clipping ratio and per-utterance levels of one party, or None if silent."""
    sig = call.signal
    assert sig is not None
    by_role = role_channels(call.meta.channel_layout, sig.n_channels)
    stereo = role in by_role
    levels = sig.channels[by_role[role]] if stereo else sig.channels[0]
    spans = [(0.0, sig.duration_s)] if stereo else speech_intervals(call, role)
    mask = _frames(levels, spans, call)
    kw = {"hop_s": levels.frame_hop_s, "margin_db": params.margin_db, "hangover_s": params.hangover_s}
    found = active_speech_level_dbfs(levels.level_dbfs[mask], **kw) if mask.any() else None
    if found is None:
        return None
    speech = mask & levels.active
    hop_n = round(levels.frame_hop_s * sig.sample_rate)
    series = []
    for u in call.utterances_of(role):
        lv = active_speech_level_dbfs(levels.level_dbfs[_frames(levels, [(u.start_s, u.end_s)], call)], **kw)
        if lv is not None:
            series.append(UtteranceLevel(u.start_s, u.end_s, round(lv[0], 1)))
    return PartyLevel(
        active_level_dbfs=round(found[0], 2),
        activity=round(found[1], 3),
        peak_dbfs=round(float(levels.peak_dbfs[mask].max()), 2),
        clipping_ratio=float(levels.clipped[speech].sum() / max(1, speech.sum() * hop_n)),
        utterance_levels=tuple(series),
    )


@register_check("volume", params=VolumeParams)
def check_volume(call: Call, params: VolumeParams) -> CheckResult:
    """Agent level: too quiet, too loud, clipping, or much louder than the customer."""
    if call.signal is None:
        return na("volume", "no signal analysis for this call")
    agent, customer = party_level(call, "agent", params), party_level(call, "customer", params)
    if agent is None:
        return na("volume", "no agent speech found to measure")
    problems = []
    if agent.active_level_dbfs < params.min_agent_level_dbfs:
        problems.append(f"agent too quiet ({agent.active_level_dbfs:.1f} dBFS)")
    if agent.active_level_dbfs > params.max_agent_level_dbfs:
        problems.append(f"agent too loud ({agent.active_level_dbfs:.1f} dBFS)")
    if agent.clipping_ratio > params.max_clipping_ratio:
        problems.append(f"agent clipping ({agent.clipping_ratio:.2%} of speech samples)")
    diff = None if customer is None else agent.active_level_dbfs - customer.active_level_dbfs
    if (
        diff is not None
        and diff > params.max_agent_over_customer_db
        and agent.active_level_dbfs >= params.min_loud_agent_dbfs
    ):
        problems.append(f"agent {diff:.1f} dB louder than the customer")
    values = VolumeValues(agent, customer, None if diff is None else round(diff, 2))
    notes = problems or [f"agent active level {agent.active_level_dbfs:.1f} dBFS"]
    return CheckResult(
        "volume",
        "fail" if problems else "pass",
        reason="; ".join(problems) or None,
        values=values,
        evidence=tuple(Evidence(role="agent", note=n) for n in notes),
    )
