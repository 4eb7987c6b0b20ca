"""Typed value objects passed between pipeline stages.

Time is always float seconds from the start of the recording. Units go in names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

if TYPE_CHECKING:
    from callqa.features import CallFeatures, CallSettings

Role = Literal["agent", "customer", "unknown"]
Status = Literal["pass", "fail", "na"]
ChannelLayout = Literal["mono", "stereo_agent_left", "stereo_agent_right"]
HangupParty = Literal["agent", "customer", "unknown"]
LANGUAGES = ("en", "zh", "ru")


@dataclass(frozen=True)
class CallMeta:
    """What is known about a call before any audio is analysed (manifest + config defaults)."""

    call_id: str
    audio_path: str | None
    language: str = "en"
    agent_id: str | None = None
    agent_name: str | None = None
    company: str | None = None
    channel_layout: ChannelLayout = "mono"
    direction: str | None = None
    started_at: str | None = None
    ring_s: float | None = None
    hangup_party: HangupParty | None = None
    ring_profile: str | None = None
    transcript_path: str | None = None
    customer_name: str | None = None


@dataclass(frozen=True)
class Word:
    text: str
    start_s: float
    end_s: float
    probability: float | None = None


@dataclass(frozen=True)
class SpeakerTurn:
    """A stretch of time where one speaker talks (from diarization or a channel)."""

    speaker: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class Utterance:
    speaker: str
    role: Role
    start_s: float
    end_s: float
    text: str
    words: tuple[Word, ...] = ()
    channel: int | None = None


@dataclass(frozen=True)
class SignalEvent:
    """Something found in the signal: ring, busy_tone, music, silence, hold, dead_line ..."""

    kind: str
    start_s: float
    end_s: float
    channel: int | None = None
    attrs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class ChannelLevels:
    """Frame-level loudness of one channel of the original recording (no model)."""

    channel: int
    frame_hop_s: float
    level_dbfs: np.ndarray  # per-frame RMS level, dBFS (full-scale sine = 0 dB)
    peak_dbfs: np.ndarray  # per-frame absolute peak, dBFS
    clipped: np.ndarray  # per-frame count of samples at/near full scale
    active: np.ndarray  # per-frame bool: signal-energy activity (speech or tone)


@dataclass(frozen=True, eq=False)
class SignalReport:
    """Everything the signal layer measured on the original audio."""

    sample_rate: int
    duration_s: float
    n_channels: int
    channels: tuple[ChannelLevels, ...]
    events: tuple[SignalEvent, ...] = ()
    extras: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Evidence:
    start_s: float | None = None
    end_s: float | None = None
    role: Role | None = None
    text: str | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: Status
    reason: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
    evidence: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status}
        if self.reason is not None:
            out["reason"] = self.reason
        out.update(self.values)
        out["evidence"] = [e.to_dict() for e in self.evidence]
        return out


@dataclass(frozen=True)
class CallTranscript:
    """What the models produced for one call: words on speakers, with roles."""

    language: str
    duration_s: float
    utterances: tuple[Utterance, ...]
    turns: tuple[SpeakerTurn, ...] = ()
    roles: Mapping[str, Role] = field(default_factory=dict)
    source: str = "asr"  # asr | imported
    info: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Call:
    """The typed call object every check reads. Checks never do I/O.

    `settings` are the config's resolved settings (phrase books, hold and hang-up parameters); the pipeline
    sets them, a hand-built call (tests) gets the defaults. `features` are derived from the call with them,
    once, on first use.
    """

    meta: CallMeta
    transcript: CallTranscript
    signal: SignalReport | None = None
    settings: CallSettings | None = None

    @cached_property
    def features(self) -> CallFeatures:
        from callqa.features import default_settings, derive_features

        return derive_features(self, self.settings or default_settings())

    @property
    def duration_s(self) -> float:
        if self.signal is not None:
            return self.signal.duration_s
        return self.transcript.duration_s

    @property
    def utterances(self) -> tuple[Utterance, ...]:
        return self.transcript.utterances

    def utterances_of(self, role: Role) -> tuple[Utterance, ...]:
        return tuple(u for u in self.transcript.utterances if u.role == role)

    def events(self, kind: str) -> tuple[SignalEvent, ...]:
        if self.signal is None:
            return ()
        return tuple(e for e in self.signal.events if e.kind == kind)


def na(name: str, reason: str, **values: Any) -> CheckResult:
    """A check result that does not apply, with the reason why."""
    return CheckResult(name=name, status="na", reason=reason, values=values)
