"""Basic timing metrics: talk time per role, talk ratio, silences, overtalk."""

from __future__ import annotations

from dataclasses import dataclass

from callqa.checks.registry import register_check
from callqa.intervals import Interval, gaps, intersect_intervals, merge_intervals, total_s
from callqa.records import TimingFigures
from callqa.types import Call, CheckResult, CheckValues, Evidence, Role

__all__ = ["Interval", "gaps", "intersect_intervals", "merge_intervals", "speech_intervals", "total_s"]


def speech_intervals(call: Call, role: Role) -> list[Interval]:
    """Where `role` speaks: diarization/channel turns when present, else utterance spans (`call.features`)."""
    return call.features.speech_of(role)


@dataclass(frozen=True)
class TimingSummary:
    talk_s: dict[str, float]
    talk_ratio: float | None  # agent share of talk time
    silence_s: float  # total of silences >= min_silence_s between first and last speech
    silences: list[Interval]
    overtalk_s: float
    overtalks: list[Interval]

    def figures(self) -> TimingFigures:
        """Rounded as published (`timing` of a call, talk_time's values)."""
        return TimingFigures(
            talk_s={k: round(v, 3) for k, v in self.talk_s.items()},
            talk_ratio=None if self.talk_ratio is None else round(self.talk_ratio, 4),
            silence_s=round(self.silence_s, 3),
            overtalk_s=round(self.overtalk_s, 3),
        )


def summarize_timing(call: Call, *, min_silence_s: float = 3.0, min_overtalk_s: float = 0.0) -> TimingSummary:
    agent = speech_intervals(call, "agent")
    customer = speech_intervals(call, "customer")
    unknown = speech_intervals(call, "unknown")
    talk = {"agent": total_s(agent), "customer": total_s(customer)}
    if unknown:
        talk["unknown"] = total_s(unknown)
    both = talk["agent"] + talk["customer"]
    anyone = merge_intervals(agent + customer + unknown)
    silences: list[Interval] = []
    if anyone:
        silences = [g for g in gaps(anyone, anyone[0][0], anyone[-1][1]) if g[1] - g[0] >= min_silence_s]
    overtalks = [o for o in intersect_intervals(agent, customer) if o[1] - o[0] >= min_overtalk_s]
    return TimingSummary(
        talk_s=talk,
        talk_ratio=talk["agent"] / both if both > 0 else None,
        silence_s=total_s(silences),
        silences=silences,
        overtalk_s=total_s(overtalks),
        overtalks=overtalks,
    )


@dataclass(frozen=True)
class TalkTimeValues(CheckValues):
    talk_s: dict[str, float]
    talk_ratio: float | None


@dataclass(frozen=True)
class SilenceValues(CheckValues):
    silence_s: float
    count: int
    share: float


@dataclass(frozen=True)
class OvertalkValues(CheckValues):
    overtalk_s: float
    count: int
    share: float


@dataclass(frozen=True)
class TalkTimeParams:
    max_agent_share: float = 0.8  # agent monologue: more than this share of talk time fails
    min_agent_share: float = 0.1


@register_check("talk_time", params=TalkTimeParams)
def check_talk_time(call: Call, params: TalkTimeParams) -> CheckResult:
    """Talk time per role and the agent's share of it."""
    t = summarize_timing(call)
    if t.talk_ratio is None:
        return CheckResult("talk_time", "na", reason="no agent or customer speech", values=t.figures())
    ok = params.min_agent_share <= t.talk_ratio <= params.max_agent_share
    return CheckResult(
        "talk_time",
        "pass" if ok else "fail",
        values=TalkTimeValues(dict(t.figures().talk_s), t.figures().talk_ratio),
        evidence=(Evidence(note=f"agent share {t.talk_ratio:.0%} of talk time"),),
    )


@dataclass(frozen=True)
class SilenceParams:
    min_silence_s: float = 3.0  # a gap this long with nobody speaking counts as silence
    max_silence_share: float = 0.25  # fail when silences make up more of the call than this


@register_check("silence", params=SilenceParams)
def check_silence(call: Call, params: SilenceParams) -> CheckResult:
    """Stretches with nobody speaking (non-talk time), between first and last speech."""
    t = summarize_timing(call, min_silence_s=params.min_silence_s)
    if not t.talk_s.get("agent") and not t.talk_s.get("customer"):
        return CheckResult("silence", "na", reason="no speech")
    span = call.duration_s or 1.0
    share = t.silence_s / span
    return CheckResult(
        "silence",
        "pass" if share <= params.max_silence_share else "fail",
        values=SilenceValues(round(t.silence_s, 3), len(t.silences), round(share, 4)),
        evidence=tuple(Evidence(s, e, note=f"{e - s:.1f} s silence") for s, e in t.silences),
    )


@dataclass(frozen=True)
class OvertalkParams:
    min_overtalk_s: float = 0.3  # overlaps shorter than this are backchannel, not overtalk
    max_overtalk_share: float = 0.1  # fail when overtalk exceeds this share of talk time


@register_check("overtalk", params=OvertalkParams)
def check_overtalk(call: Call, params: OvertalkParams) -> CheckResult:
    """Agent and customer speaking at once."""
    t = summarize_timing(call, min_overtalk_s=params.min_overtalk_s)
    talk = t.talk_s.get("agent", 0.0) + t.talk_s.get("customer", 0.0)
    if not t.talk_s.get("agent") or not t.talk_s.get("customer"):
        return CheckResult("overtalk", "na", reason="needs speech from both agent and customer")
    share = t.overtalk_s / talk
    return CheckResult(
        "overtalk",
        "pass" if share <= params.max_overtalk_share else "fail",
        values=OvertalkValues(round(t.overtalk_s, 3), len(t.overtalks), round(share, 4)),
        evidence=tuple(Evidence(s, e, note="both talking") for s, e in t.overtalks),
    )
