"""Typed records of a scored call: what `analyze_call` returns, and the call-level figures published with it.

They sit one floor above `callqa.types` (they hold a `Call`) and below everything that produces or reads a
result; only `callqa.store.codec` turns them into JSON and back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from callqa.types import Call, CallMeta, CheckResult, TimingFigures


@dataclass(frozen=True)
class Score:
    """A call's score on its scorecard: 0-100 from the pass/fail of the counted checks (None: none applied)."""

    score: float | None
    passed: bool | None
    counted: tuple[str, ...]
    excluded: tuple[str, ...]
    scorecard: str


@dataclass(frozen=True)
class TranscriptConfidence:
    """Mean ASR word probability per party (None: no probabilities, e.g. an imported transcript)."""

    agent: float | None
    agent_words: int
    customer: float | None
    customer_words: int


@dataclass(frozen=True)
class Fingerprint:
    """What a stored result was computed from (callqa.runners.fingerprint); equal inputs, equal fingerprint."""

    audio_sha256: str | None
    transcript_sha256: str | None
    meta_sha256: str
    config_sha256: str


@dataclass(frozen=True)
class BlankSpan:
    """A stretch of the recording replaced by silence or a tone (padded by the margin; callqa.redact.audio)."""

    start_s: float
    end_s: float
    channel: int | None  # None: every channel
    kind: str  # card | phone | email | id


@dataclass(frozen=True)
class AudioRedaction:
    """Where the redacted copy of a call's recording is, and what was blanked in it (times only)."""

    path: str
    mode: str  # silence | tone
    format: str
    subtype: str
    spans: tuple[BlankSpan, ...] = ()
    replaced_original: bool = False

    @property
    def blanked_s(self) -> float:
        return round(sum(s.end_s - s.start_s for s in self.spans), 3)


@dataclass(frozen=True, eq=False)
class CallResult:
    """One analysed call: the typed call the checks read, their verdicts, the score and the call's figures."""

    meta: CallMeta
    call: Call
    checks: Mapping[str, CheckResult]
    score: Score
    timing: TimingFigures
    confidence: TranscriptConfidence
    timings_s: Mapping[str, float] = field(default_factory=dict)  # seconds per step (the on_step figures)
    cache_key: str | None = None
    cache_hit: bool = False  # the transcript came from the cache (no model ran)
    versions: Mapping[str, str] = field(default_factory=dict)
    audio_redaction: AudioRedaction | None = None  # the redacted copy of the recording (redact.audio)
