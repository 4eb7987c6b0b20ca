"""Talk time per role, silences and overtalk, from the speech of each party — once per call, with the
thresholds of the configured `silence` and `overtalk` checks (so the published `timing` and those checks agree)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from callqa.intervals import gaps, intersect_intervals, merge_intervals, total_s
from callqa.types import Interval, Role, TimingSummary

MIN_SILENCE_S = 3.0  # a gap this long with nobody speaking counts as silence
MIN_OVERTALK_S = 0.3  # overlaps shorter than this are backchannel, not overtalk


@dataclass(frozen=True)
class TimingParams:
    """The thresholds the timing is measured with: `checks.silence.min_silence_s`, `checks.overtalk.min_overtalk_s`."""

    min_silence_s: float = MIN_SILENCE_S
    min_overtalk_s: float = MIN_OVERTALK_S


def summarize_speech(speech: Mapping[Role, tuple[Interval, ...]], params: TimingParams) -> TimingSummary:
    agent = list(speech.get("agent", ()))
    customer = list(speech.get("customer", ()))
    unknown = list(speech.get("unknown", ()))
    talk = {"agent": total_s(agent), "customer": total_s(customer)}
    if unknown:
        talk["unknown"] = total_s(unknown)
    both = talk["agent"] + talk["customer"]
    anyone = merge_intervals(agent + customer + unknown)
    silences: list[Interval] = []
    if anyone:
        silences = [
            g for g in gaps(anyone, anyone[0][0], anyone[-1][1]) if g[1] - g[0] >= params.min_silence_s
        ]
    overtalks = [o for o in intersect_intervals(agent, customer) if o[1] - o[0] >= params.min_overtalk_s]
    return TimingSummary(
        talk_s=talk,
        talk_ratio=talk["agent"] / both if both > 0 else None,
        silence_s=total_s(silences),
        silences=tuple(silences),
        overtalk_s=total_s(overtalks),
        overtalks=tuple(overtalks),
        min_silence_s=params.min_silence_s,
        min_overtalk_s=params.min_overtalk_s,
    )
