"""Typed value objects passed between pipeline stages.

Time is always float seconds from the start of the recording. Units go in names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

Role = Literal["agent", "customer", "unknown"]
Status = Literal["pass", "fail", "na"]
ChannelLayout = Literal["mono", "stereo_agent_left", "stereo_agent_right"]
HangupParty = Literal["agent", "customer", "unknown"]
HangupSource = Literal["manifest", "busy_tone", "dead_line", "inferred", "none"]
LANGUAGES = ("en", "zh", "ru")
Interval = tuple[float, float]  # (start_s, end_s)


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


def layout_roles(layout: str, n_channels: int = 2) -> dict[int, Role]:
    """Role recorded on each channel of a stereo `channel_layout` ({} for mono, an unknown layout, or a
    recording with fewer than two channels). The one channel -> role mapping; `role_channels` inverts it."""
    if n_channels < 2:
        return {}
    if layout == "stereo_agent_left":
        return {0: "agent", 1: "customer"}
    if layout == "stereo_agent_right":
        return {0: "customer", 1: "agent"}
    return {}


def role_channels(layout: str, n_channels: int = 2) -> dict[Role, int]:
    """The channel carrying each role of a stereo layout ({} for mono)."""
    return {role: ch for ch, role in layout_roles(layout, n_channels).items()}


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


# speech: speech the guard found in a stretch ASR would skip (callqa/asr/guard.py), always transcribed
EventKind = Literal["ring", "busy_tone", "music", "silence", "dead_line", "hold", "answer", "speech"]


@dataclass(frozen=True)
class SignalEvent:
    """Something found in the signal. `hold` (a hold marked upstream, e.g. by the telephony platform) and
    `answer` are taken as given; the signal layer finds the others (callqa/signal/analyze.py)."""

    kind: EventKind
    start_s: float
    end_s: float
    channel: int | None = None  # None: every channel (a silence: no channel active)
    profile: str | None = None  # ring / busy_tone: the cadence profile it matched (signal.rings/busy)
    sequence: int | None = None  # ring: which ringback sequence (0: the first, before the answer)
    complete: bool | None = None  # ring: a whole cycle (False: cut by the answer or the recording start)
    cycles: int | None = None  # busy_tone: on/off cycles heard


@dataclass(frozen=True, eq=False)
class PitchTrack:
    """F0 of one channel (callqa.signal.pitch), frame k centred at k * hop_s."""

    channel: int
    hop_s: float
    f0_hz: np.ndarray  # per frame; NaN where unvoiced
    aperiodicity: np.ndarray  # YIN dip depth per frame (0 = perfectly periodic); 1 where not tracked

    def times_s(self) -> np.ndarray:
        return np.arange(len(self.f0_hz)) * self.hop_s


@dataclass(frozen=True, eq=False)
class ChannelLevels:
    """Frame-level loudness of one channel of the original recording (no model)."""

    channel: int
    frame_hop_s: float
    level_dbfs: np.ndarray  # per-frame RMS level, dBFS (full-scale sine = 0 dB)
    peak_dbfs: np.ndarray  # per-frame absolute peak, dBFS
    clipped: np.ndarray  # per-frame count of samples at/near full scale
    active: np.ndarray  # per-frame bool: signal-energy activity (speech or tone)


class CheckValues:
    """Base of a check's typed values: subclass it as a frozen dataclass, one field per published value
    (nested records and tuples of them as needed); the codec publishes its fields as the check's JSON."""


@dataclass(frozen=True)
class SignalSummary:
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
        PitchTrack, ...
    ] = ()  # one per channel, when a configured check needs it (`needs=("pitch",)`)


@dataclass(frozen=True, eq=False)
class SignalReport:
    """Everything the signal layer measured on the original audio."""

    sample_rate: int
    duration_s: float
    n_channels: int
    channels: tuple[ChannelLevels, ...]
    events: tuple[SignalEvent, ...] = ()
    extras: SignalSummary = field(default_factory=SignalSummary)


@dataclass(frozen=True)
class Evidence:
    start_s: float | None = None
    end_s: float | None = None
    role: Role | None = None
    text: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class HangupDecision:
    """Who hung up first, how that was decided, and the evidence (callqa.signal.hangup)."""

    party: HangupParty
    evidence: Evidence | None = None
    source: HangupSource = "none"


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


@dataclass(frozen=True)
class Redaction:
    """What `redact` replaced in a transcript: the kinds it looked for, how many of each it found."""

    kinds: tuple[str, ...]
    found: Mapping[str, int]


@dataclass(frozen=True)
class TranscriptProvenance:
    """Where a transcript came from: the models and how roles were decided, or the file it was imported from;
    published as the call's `transcript_info` (only the fields that are set)."""

    format: str | None = None  # imported: callqa | aws | azure
    path: str | None = None  # imported: the transcript file
    asr: str | None = None  # the recognizer's name
    diarization: str | None = (
        None  # the diarizer's name; "channels" for stereo, "none" when nothing was heard
    )
    role_method: str | None = None  # channel_layout | opening
    role_scores: Mapping[str, float] | None = None  # mono: agent-likeness per speaker
    role_evidence: tuple[str, ...] | None = None
    redaction: Redaction | None = None


@dataclass(frozen=True)
class CallTranscript:
    """What the models produced for one call: words on speakers, with roles."""

    language: str
    duration_s: float
    utterances: tuple[Utterance, ...]
    turns: tuple[SpeakerTurn, ...] = ()
    roles: Mapping[str, Role] = field(default_factory=dict)
    source: str = "asr"  # asr | imported
    provenance: TranscriptProvenance = field(default_factory=TranscriptProvenance)


@dataclass(frozen=True)
class PhraseMatch:
    """A phrase found in the tokens: which phrase, the words heard, where, and how close."""

    phrase: str
    text: str
    start_s: float
    end_s: float
    similarity: float
    utterance: int
    first_token: int
    last_token: int


@dataclass(frozen=True)
class Hold:
    """One hold: its span, whether music played, and the agent's request before it and thanks after it."""

    start_s: float
    end_s: float
    music: bool
    request: PhraseMatch | None = None  # the last hold request starting in [start - window, start + 2 s]
    thanks: PhraseMatch | None = None  # the first thanks starting in [end - 2 s, end + window]

    @property
    def span(self) -> Interval:
        return (self.start_s, self.end_s)


@dataclass(frozen=True)
class TimingFigures:
    """Talk time per role, the agent's share of it, silences and overtalk (seconds, rounded as published)."""

    talk_s: Mapping[str, float]
    talk_ratio: float | None
    silence_s: float
    overtalk_s: float


@dataclass(frozen=True)
class TimingSummary:
    """Talk per role, silences and overtalk of a call, with the thresholds they were measured with."""

    talk_s: Mapping[str, float]
    talk_ratio: float | None  # agent share of talk time
    silence_s: float  # total of silences >= min_silence_s between first and last speech
    silences: tuple[Interval, ...]
    overtalk_s: float  # total of agent/customer overlaps >= min_overtalk_s
    overtalks: tuple[Interval, ...]
    min_silence_s: float
    min_overtalk_s: float

    def figures(self) -> TimingFigures:
        """Rounded as published (`timing` of a call, calls.parquet, talk_time's values)."""
        return TimingFigures(
            talk_s={k: round(v, 3) for k, v in self.talk_s.items()},
            talk_ratio=None if self.talk_ratio is None else round(self.talk_ratio, 4),
            silence_s=round(self.silence_s, 3),
            overtalk_s=round(self.overtalk_s, 3),
        )


@dataclass(frozen=True, eq=False)
class CallFeatures:
    """What several checks need, derived once from the call with the configured parameters (the pipeline's
    `features` step, `callqa.features.derive_features`)."""

    holds: tuple[Hold, ...]
    hangup: HangupDecision
    answer_s: float | None  # end of the ringback, else the signal's first speech after it, else None
    signal_answer_s: float | None  # the signal layer's first non-tone activity after the ringback
    speech: Mapping[Role, tuple[Interval, ...]]  # per party: diarization/channel turns, else utterance spans
    signal_speech: tuple[
        Interval, ...
    ]  # any channel active, tones and music masked (transcript if no signal)
    ring_periods_s: Mapping[str, float]  # cadence period of each configured ring profile
    hold_phrase_window_s: float  # how far around a hold its request and thanks were looked for
    timing: TimingSummary  # with the configured `silence` and `overtalk` thresholds

    def speech_of(self, role: Role) -> list[Interval]:
        return list(self.speech.get(role, ()))


@dataclass(frozen=True, eq=False)
class Call:
    """The typed call object every check reads. Checks never do I/O.

    `features` are derived from the other fields by the pipeline's `features` step
    (`callqa.features.build_call`); a call without them (hand-built, or a `dataclasses.replace` of one,
    which drops them since they depend on every field) refuses to serve them rather than guess.
    """

    meta: CallMeta
    transcript: CallTranscript
    signal: SignalReport | None = None
    derived: CallFeatures | None = field(default=None, init=False, repr=False)

    @property
    def features(self) -> CallFeatures:
        if self.derived is None:
            raise RuntimeError(
                f"call {self.meta.call_id}: features not derived (build it with callqa.features.build_call)"
            )
        return self.derived

    def with_features(self, features: CallFeatures) -> Call:
        """This call with its derived features (a copy; the call itself stays as it was)."""
        out = replace(self)
        object.__setattr__(out, "derived", features)
        return out

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
