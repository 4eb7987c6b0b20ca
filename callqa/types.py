"""Typed value objects passed between pipeline stages.

Time is always float seconds from the start of the recording. Units go in names.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, fields, is_dataclass
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


def layout_roles(layout: str) -> dict[int, Role]:
    """Role recorded on each channel of a stereo `channel_layout` ({} for mono or an unknown layout)."""
    if layout == "stereo_agent_left":
        return {0: "agent", 1: "customer"}
    if layout == "stereo_agent_right":
        return {0: "customer", 1: "agent"}
    return {}


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


class RecordMapping:
    """A frozen dataclass that also reads like a read-only mapping of its fields (`rec["name"]`, `dict(rec)`),
    so code written against the older string-keyed dicts keeps working while new code uses attributes.

    (Not a `collections.abc.Mapping` subclass: its `items`/`values` methods would shadow fields of those
    names; it is registered as a virtual Mapping instead.)
    """

    def __getitem__(self, key: str) -> Any:
        if key in self.keys():
            return getattr(self, key)
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())

    def __contains__(self, key: object) -> bool:
        return key in self.keys()

    def keys(self) -> tuple[str, ...]:
        return tuple(f.name for f in fields(self))  # type: ignore[arg-type]

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key) if key in self.keys() else default

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]


Mapping.register(RecordMapping)


class CheckValues(RecordMapping):
    """Base of a check's typed values: subclass it as a frozen dataclass, one field per published value.
    `to_dict` (nested dataclasses become dicts) is the published JSON of the check."""


@dataclass(frozen=True)
class SignalSummary(RecordMapping):
    """Call-level facts the signal layer found (typed; `report.extras.answer_s`)."""

    ring_count: int = 0
    ring_profile: str | None = None
    ring_channel: int | None = None
    first_ring_s: float | None = None
    last_ring_end_s: float | None = None  # end of the first ringback sequence
    answer_s: float | None = None  # first non-tone activity after the ringback
    first_speech_s: float | None = None
    last_speech_s: float | None = None
    hangup_party: HangupParty = "unknown"  # from the signal alone (the checks use `call.features.hangup`)
    hangup_reason: str | None = None
    ring_periods_s: Mapping[str, float] = field(default_factory=dict)  # cadence period per ring profile
    pitch: tuple[
        Any, ...
    ] = ()  # one `callqa.signal.pitch.PitchTrack` per channel (when signal.pitch.enabled)


@dataclass(frozen=True, eq=False)
class SignalReport:
    """Everything the signal layer measured on the original audio."""

    sample_rate: int
    duration_s: float
    n_channels: int
    channels: tuple[ChannelLevels, ...]
    events: tuple[SignalEvent, ...] = ()
    extras: SignalSummary = field(default_factory=SignalSummary)

    def __post_init__(self) -> None:
        if not isinstance(
            self.extras, SignalSummary
        ):  # a plain mapping (tests, older callers): typed strictly
            object.__setattr__(self, "extras", SignalSummary(**dict(self.extras)))

    @property
    def summary(self) -> SignalSummary:
        return self.extras


@dataclass(frozen=True)
class Evidence:
    start_s: float | None = None
    end_s: float | None = None
    role: Role | None = None
    text: str | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def values_to_dict(values: Any) -> dict[str, Any]:
    """A check's values as plain JSON-able data: a dataclass (built-in checks) or a Mapping (plugin checks)."""
    if is_dataclass(values) and not isinstance(values, type):
        return asdict(values)
    return {k: _plain(v) for k, v in dict(values).items()}


def _plain(v: Any) -> Any:
    if is_dataclass(v) and not isinstance(v, type):
        return asdict(v)
    if isinstance(v, Mapping):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


@dataclass(frozen=True)
class CheckResult:
    """One check's verdict. `values`: a `CheckValues` dataclass (built-in checks) or any Mapping (plugins)."""

    name: str
    status: Status
    reason: str | None = None
    values: Any = field(
        default_factory=dict
    )  # a `CheckValues` (or any frozen dataclass), or a Mapping (plugins)
    evidence: tuple[Evidence, ...] = ()
    # how sure the pass/fail is, in [0, 1], and what that rests on (callqa/checks/confidence.py); None for na
    confidence: float | None = None
    confidence_basis: tuple[str, ...] = ()
    low_confidence: bool = False  # a fail less sure than `trust.low_confidence`: listen before grading

    def to_dict(self) -> dict[str, Any]:
        """`{status, reason?, <values...>, confidence?, confidence_basis?, evidence}`: one published check."""
        out: dict[str, Any] = {"status": self.status}
        if self.reason is not None:
            out["reason"] = self.reason
        out.update(values_to_dict(self.values))
        if self.confidence is not None:
            out["confidence"] = self.confidence
            out["confidence_basis"] = list(self.confidence_basis)
        if self.low_confidence:
            out["low_confidence"] = True
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
