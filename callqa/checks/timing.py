"""Basic timing metrics: talk time per role, talk ratio, silences, overtalk."""

from __future__ import annotations

from dataclasses import dataclass

from callqa.checks.registry import register_check
from callqa.features.timing import MIN_OVERTALK_S, MIN_SILENCE_S, TimingParams, summarize_speech
from callqa.intervals import Interval, gaps, intersect_intervals, merge_intervals, total_s
from callqa.types import Call, CheckResult, CheckValues, Evidence, Role, TimingSummary

__all__ = ["Interval", "gaps", "intersect_intervals", "merge_intervals", "speech_intervals", "total_s"]


def speech_intervals(call: Call, role: Role) -> list[Interval]:
    """Where `role` speaks: diarization/channel turns when present, else utterance spans (`call.features`)."""
    return call.features.speech_of(role)


def summarize_timing(
    call: Call, *, min_silence_s: float = MIN_SILENCE_S, min_overtalk_s: float = MIN_OVERTALK_S
) -> TimingSummary:
    """The call's timing with these thresholds: the one the `features` step measured when they are the
    configured ones (always, in the pipeline), else measured again from the same speech."""
    done = call.features.timing
    if (done.min_silence_s, done.min_overtalk_s) == (min_silence_s, min_overtalk_s):
        return done
    return summarize_speech(call.features.speech, TimingParams(min_silence_s, min_overtalk_s))


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
    t = call.features.timing
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
    min_silence_s: float = MIN_SILENCE_S  # a gap this long with nobody speaking counts as silence
    max_silence_share: float = 0.25  # fail when silences make up more of the call than this


@register_check("silence", params=SilenceParams)
def check_silence(call: Call, params: SilenceParams) -> CheckResult:
    """Stretches with nobody speaking (non-talk time), between first and last speech."""
    done = call.features.timing
    t = summarize_timing(call, min_silence_s=params.min_silence_s, min_overtalk_s=done.min_overtalk_s)
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
    min_overtalk_s: float = MIN_OVERTALK_S  # overlaps shorter than this are backchannel, not overtalk
    max_overtalk_share: float = 0.1  # fail when overtalk exceeds this share of talk time


@register_check("overtalk", params=OvertalkParams)
def check_overtalk(call: Call, params: OvertalkParams) -> CheckResult:
    """Agent and customer speaking at once."""
    done = call.features.timing
    t = summarize_timing(call, min_silence_s=done.min_silence_s, min_overtalk_s=params.min_overtalk_s)
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
