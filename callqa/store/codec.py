"""Versioned JSON codec for what callqa stores: per-call results and cached transcripts.

`result_to_dict` writes the published per-call schema (`SCHEMA_VERSION`, documented in README);
`StoredResult.from_dict` reads it back typed. Transcripts in the cache carry `codec`: an entry written by
another codec version is not trusted (`CodecError`; the cache then treats it as a miss).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any

from callqa.types import CallMeta, CallTranscript, CheckResult, SpeakerTurn, Utterance, Word

if TYPE_CHECKING:
    from callqa.pipeline import CallResult

SCHEMA_VERSION = 1  # the per-call result JSON (README "What lands in --out")
TRANSCRIPT_CODEC = 2  # cached transcripts; 1 (no `codec` key): stereo turns were not stored
MISSION_CHECKS = ("rings", "greeting", "speaking_rate", "volume", "holds", "fillers", "closing")


class CodecError(ValueError):
    """Stored data this codec cannot read (wrong version or shape)."""


# ----------------------------------------------------------------------------------------- pieces
def word_to_dict(w: Word) -> dict[str, Any]:
    return {"text": w.text, "start_s": w.start_s, "end_s": w.end_s, "probability": w.probability}


def word_from_dict(d: Mapping[str, Any]) -> Word:
    return Word(d["text"], d["start_s"], d["end_s"], d.get("probability"))


def utterance_to_dict(u: Utterance) -> dict[str, Any]:
    return {
        "speaker": u.speaker,
        "role": u.role,
        "start_s": u.start_s,
        "end_s": u.end_s,
        "text": u.text,
        "channel": u.channel,
        "words": [word_to_dict(w) for w in u.words],
    }


def utterance_from_dict(d: Mapping[str, Any]) -> Utterance:
    return Utterance(
        speaker=d["speaker"],
        role=d["role"],
        start_s=d["start_s"],
        end_s=d["end_s"],
        text=d["text"],
        channel=d.get("channel"),
        words=tuple(word_from_dict(w) for w in d.get("words", [])),
    )


# every published check has these (confidence and its basis on pass/fail); the rest are its values
CHECK_FRAME = ("status", "reason", "confidence", "confidence_basis", "low_confidence", "evidence")


def check_to_dict(res: CheckResult) -> dict[str, Any]:
    """`{status, reason?, <values...>, evidence}`: the published shape of one check."""
    return res.to_dict()


def published_values(check: Mapping[str, Any]) -> dict[str, Any]:
    """The values of a published check (its dict without status, reason and evidence)."""
    return {k: v for k, v in check.items() if k not in CHECK_FRAME}


# ----------------------------------------------------------------------------------------- transcripts
def transcript_to_dict(t: CallTranscript) -> dict[str, Any]:
    return {
        "codec": TRANSCRIPT_CODEC,
        "language": t.language,
        "duration_s": t.duration_s,
        "source": t.source,
        "info": dict(t.info),
        "roles": dict(t.roles),
        "turns": [asdict(x) for x in t.turns],
        "utterances": [utterance_to_dict(u) for u in t.utterances],
    }


def transcript_from_dict(d: Mapping[str, Any]) -> CallTranscript:
    """A cached transcript; `CodecError` when it was written by another codec version."""
    version = d.get("codec", 1)
    if version != TRANSCRIPT_CODEC and not (version == 1 and not _stereo_by_channels(d)):
        # codec 1 left stereo turns out (they were derived again after the cache): not the same transcript
        raise CodecError(f"transcript codec {version} (this callqa reads {TRANSCRIPT_CODEC})")
    return CallTranscript(
        language=d["language"],
        duration_s=d["duration_s"],
        source=d.get("source", "asr"),
        info=d.get("info", {}),
        roles=d.get("roles", {}),
        turns=tuple(SpeakerTurn(**x) for x in d.get("turns", [])),
        utterances=tuple(utterance_from_dict(u) for u in d.get("utterances", [])),
    )


def _stereo_by_channels(d: Mapping[str, Any]) -> bool:
    return (d.get("info") or {}).get("diarization") == "channels"


# ----------------------------------------------------------------------------------------- results
def result_to_dict(result: CallResult) -> dict[str, Any]:
    """The published per-call JSON (README); checks turned off in the config still appear, as `na`."""
    from callqa.checks.timing import summarize_timing
    from callqa.checks.trust import transcript_confidence

    call, meta = result.call, result.meta
    checks = {name: check_to_dict(res) for name, res in result.checks.items()}
    for name in MISSION_CHECKS:
        checks.setdefault(name, {"status": "na", "reason": "check disabled in config", "evidence": []})
    roles = call.transcript.roles
    return {
        "schema_version": SCHEMA_VERSION,
        "call_id": meta.call_id,
        "audio_path": meta.audio_path,
        "duration_s": round(call.duration_s, 3),
        "language": meta.language,
        "agent_id": meta.agent_id,
        "agent_name": meta.agent_name,
        "company": meta.company,
        "channel_layout": meta.channel_layout,
        "score": result.score.get("score"),
        "scorecard": result.score,
        "checks": checks,
        "utterances": [utterance_to_dict(u) for u in call.utterances],
        "turns": [asdict(t) | {"role": roles.get(t.speaker, "unknown")} for t in call.transcript.turns],
        "timing": summarize_timing(call).to_dict(),
        "meta": asdict(meta),
        "transcript_info": dict(call.transcript.info),
        "transcript_confidence": transcript_confidence(call),  # mean word probability per party
        "stage_seconds": {k: round(v, 3) for k, v in result.timings_s.items()},
        "cache_key": result.cache_key,
        "versions": result.versions,
        # redact.audio: where the redacted copy is and the spans blanked in it (times only); None when off
        "audio_redaction": result.audio_redaction.to_dict() if result.audio_redaction else None,
    }


@dataclass(frozen=True)
class StoredResult:
    """A per-call result read back from its JSON: typed meta and transcript, checks as published."""

    call_id: str
    audio_path: str | None
    duration_s: float
    language: str
    agent_id: str | None
    agent_name: str | None
    company: str | None
    channel_layout: str
    score: float | None
    scorecard: Mapping[str, Any]
    checks: Mapping[str, Mapping[str, Any]]
    utterances: tuple[Utterance, ...]
    turns: tuple[tuple[SpeakerTurn, str], ...]  # with each turn's role
    timing: Mapping[str, Any]
    meta: CallMeta
    transcript_info: Mapping[str, Any] = field(default_factory=dict)
    transcript_confidence: Mapping[str, Any] = field(default_factory=dict)
    stage_seconds: Mapping[str, float] = field(default_factory=dict)
    cache_key: str | None = None
    versions: Mapping[str, str] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION
    audio_redaction: Mapping[str, Any] | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> StoredResult:
        version = d.get("schema_version")
        if version != SCHEMA_VERSION:
            raise CodecError(f"result schema_version {version!r} (this callqa reads {SCHEMA_VERSION})")
        meta_fields = {f.name for f in fields(CallMeta)}
        kwargs: dict[str, Any] = {k: d[k] for k in (f.name for f in fields(cls)) if k in d}
        kwargs["meta"] = CallMeta(**{k: v for k, v in (d.get("meta") or {}).items() if k in meta_fields})
        kwargs["utterances"] = tuple(utterance_from_dict(u) for u in d.get("utterances", []))
        kwargs["turns"] = tuple(
            (SpeakerTurn(t["speaker"], t["start_s"], t["end_s"]), t.get("role", "unknown"))
            for t in d.get("turns", [])
        )
        return cls(**kwargs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "call_id": self.call_id,
            "audio_path": self.audio_path,
            "duration_s": self.duration_s,
            "language": self.language,
            "agent_id": self.agent_id,
            "agent_name": self.agent_name,
            "company": self.company,
            "channel_layout": self.channel_layout,
            "score": self.score,
            "scorecard": dict(self.scorecard),
            "checks": {k: dict(v) for k, v in self.checks.items()},
            "utterances": [utterance_to_dict(u) for u in self.utterances],
            "turns": [asdict(t) | {"role": role} for t, role in self.turns],
            "timing": dict(self.timing),
            "meta": asdict(self.meta),
            "transcript_info": dict(self.transcript_info),
            "transcript_confidence": dict(self.transcript_confidence),
            "stage_seconds": dict(self.stage_seconds),
            "cache_key": self.cache_key,
            "versions": dict(self.versions),
            "audio_redaction": dict(self.audio_redaction) if self.audio_redaction else None,
        }
