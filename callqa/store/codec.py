"""Versioned JSON codec for what callqa stores: per-call results and cached transcripts.

The only place that knows the files' keys. `stored_result` turns a pipeline `CallResult` into the typed
published record `StoredResult`; `result_to_json` writes it (`SCHEMA_VERSION`, documented in README) and
`result_from_json` / `result_from_dict` read it back, typed. Transcripts in the cache carry `codec`: an entry
written by another codec version is not trusted (`CodecError`; the cache then treats it as a miss).
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any, TypeVar

from callqa.records import AudioRedaction, BlankSpan, CallResult, Fingerprint, Score, TranscriptConfidence
from callqa.types import (
    CallMeta,
    CallTranscript,
    CheckResult,
    Evidence,
    Redaction,
    SpeakerTurn,
    TimingFigures,
    TranscriptProvenance,
    Utterance,
    Word,
)

SCHEMA_VERSION = 1  # the per-call result JSON (README "What lands in --out")
TRANSCRIPT_CODEC = 2  # cached transcripts; 1 (no `codec` key): stereo turns were not stored
MISSION_CHECKS = ("rings", "greeting", "speaking_rate", "volume", "holds", "fillers", "closing")
DISABLED_REASON = "check disabled in config"

R = TypeVar("R")


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


def evidence_to_dict(e: Evidence) -> dict[str, Any]:
    return {f.name: getattr(e, f.name) for f in fields(e) if getattr(e, f.name) is not None}


def evidence_from_dict(d: Mapping[str, Any]) -> Evidence:
    return Evidence(**{f.name: d.get(f.name) for f in fields(Evidence)})


def evidence_from_json(text: str | None) -> tuple[Evidence, ...]:
    """The `evidence` column of checks.parquet (a JSON list) as typed evidence."""
    return tuple(evidence_from_dict(e) for e in (json.loads(text) if text else []))


def values_from_json(text: str | None) -> dict[str, Any]:
    """The `values` column of checks.parquet (a JSON object): a check's published values."""
    values = json.loads(text) if text else {}
    return values if isinstance(values, dict) else {}


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


# ----------------------------------------------------------------------------------------- typed records
def decode_record(cls: type[R], data: Any, *, where: str = "") -> R:
    """`data` (a mapping read from JSON) as the frozen dataclass `cls`, nested records and tuples included.

    A missing field without a default or a key `cls` does not have is a `CodecError` naming the field: a
    renamed field fails loudly instead of reading as None."""
    name = where or cls.__name__
    if not isinstance(data, Mapping):
        raise CodecError(f"{name}: expected an object, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
    unknown = set(data) - set(known)
    if unknown:
        raise CodecError(f"{name}: unknown field {sorted(unknown)[0]!r}")
    kwargs = {}
    for fname, f in known.items():
        if fname in data:
            kwargs[fname] = _decode_value(hints[fname], data[fname], f"{name}.{fname}")
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise CodecError(f"{name}: missing field {fname!r}")
    return cls(**kwargs)


def _decode_value(hint: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        records = [a for a in options if is_dataclass(a)]
        if records and isinstance(value, Mapping):
            return _decode_value(records[0], value, where)
        return _decode_value(options[0], value, where) if len(options) == 1 else value
    if is_dataclass(hint) and isinstance(hint, type):
        return decode_record(hint, value, where=where)
    if origin is tuple and isinstance(value, (list, tuple)):
        args = typing.get_args(hint)
        item = args[0] if len(args) == 2 and args[1] is Ellipsis else None
        return tuple(_decode_value(item, v, f"{where}[]") if item is not None else v for v in value)
    if origin is list and isinstance(value, (list, tuple)):
        (item,) = typing.get_args(hint) or (Any,)
        return [_decode_value(item, v, f"{where}[]") for v in value]
    return value


# ----------------------------------------------------------------------------------------- transcripts
def provenance_to_dict(p: TranscriptProvenance) -> dict[str, Any]:
    """Only the fields that are set, in field order (`transcript_info` of a call, `info` of a cached one)."""
    out: dict[str, Any] = {}
    for f in fields(p):
        v = getattr(p, f.name)
        if v is None:
            continue
        if isinstance(v, Redaction):
            v = {"kinds": list(v.kinds), "found": dict(v.found)}
        elif isinstance(v, tuple):
            v = list(v)
        elif isinstance(v, Mapping):
            v = dict(v)
        out[f.name] = v
    return out


def provenance_from_dict(d: Mapping[str, Any]) -> TranscriptProvenance:
    return decode_record(TranscriptProvenance, d, where="transcript_info")


def transcript_to_dict(t: CallTranscript) -> dict[str, Any]:
    return {
        "codec": TRANSCRIPT_CODEC,
        "language": t.language,
        "duration_s": t.duration_s,
        "source": t.source,
        "info": provenance_to_dict(t.provenance),
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
        provenance=provenance_from_dict(d.get("info") or {}),
        roles=d.get("roles", {}),
        turns=tuple(SpeakerTurn(**x) for x in d.get("turns", [])),
        utterances=tuple(utterance_from_dict(u) for u in d.get("utterances", [])),
    )


def _stereo_by_channels(d: Mapping[str, Any]) -> bool:
    return (d.get("info") or {}).get("diarization") == "channels"


# ----------------------------------------------------------------------------------------- results
def audio_redaction_to_dict(a: AudioRedaction) -> dict[str, Any]:
    return {
        "path": a.path,
        "mode": a.mode,
        "format": a.format,
        "subtype": a.subtype,
        "replaced_original": a.replaced_original,
        "blanked_s": a.blanked_s,
        "spans": [
            {"start_s": s.start_s, "end_s": s.end_s, "channel": s.channel, "kind": s.kind} for s in a.spans
        ],
    }


def audio_redaction_from_dict(d: Mapping[str, Any] | None) -> AudioRedaction | None:
    """A call's `audio_redaction` read back (`blanked_s` is derived from the spans)."""
    if not d:
        return None
    return AudioRedaction(
        path=str(d["path"]),
        mode=str(d["mode"]),
        format=str(d["format"]),
        subtype=str(d["subtype"]),
        spans=tuple(
            BlankSpan(float(s["start_s"]), float(s["end_s"]), s.get("channel"), str(s.get("kind", "")))
            for s in d.get("spans") or ()
        ),
        replaced_original=bool(d.get("replaced_original", False)),
    )


@dataclass(frozen=True)
class StoredCheck:
    """One published check: status, reason, its values (plain JSON data, as published), evidence, and how sure
    a pass/fail is (callqa/checks/confidence.py; None for na)."""

    status: str  # pass | fail | na
    reason: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
    evidence: tuple[Evidence, ...] = ()
    confidence: float | None = None
    confidence_basis: tuple[str, ...] = ()
    low_confidence: bool = False  # a fail less sure than `trust.low_confidence`: listen before grading

    def typed(self, cls: type[R]) -> R | None:
        """The values as the check's typed record (`HoldsValues` ...); None when they do not have its shape
        (an `na` result carries only some values)."""
        try:
            return decode_record(cls, self.values)
        except CodecError:
            return None

    def value(self, cls: type, name: str) -> Any:
        """One value by the name of a field of the check's record `cls` (None when this result lacks it).
        A name `cls` does not have is a `KeyError` at once, present in the data or not."""
        if name not in {f.name for f in fields(cls)}:
            raise KeyError(f"{cls.__name__} has no field {name!r}")
        return self.values.get(name)


@dataclass(frozen=True)
class StoredTurn:
    """A diarization (mono) or channel (stereo) turn with the role of its speaker."""

    speaker: str
    start_s: float
    end_s: float
    role: str


@dataclass(frozen=True)
class StoredResult:
    """A per-call result as published: what the store writes and every reader (tables, report, eval) reads."""

    call_id: str
    audio_path: str | None
    duration_s: float
    language: str
    agent_id: str | None
    agent_name: str | None
    company: str | None
    channel_layout: str
    score: float | None
    scorecard: Score
    checks: Mapping[str, StoredCheck]
    utterances: tuple[Utterance, ...]
    turns: tuple[StoredTurn, ...]
    timing: TimingFigures
    meta: CallMeta
    transcript_info: TranscriptProvenance = field(default_factory=TranscriptProvenance)
    transcript_confidence: TranscriptConfidence | None = None
    stage_seconds: Mapping[str, float] = field(default_factory=dict)
    cache_key: str | None = None
    versions: Mapping[str, str] = field(default_factory=dict)
    night: str | None = None  # YYYY-MM-DD: the partition the call is filed under (set by the store)
    fingerprint: Fingerprint | None = None  # what it was computed from (set by `callqa score`)
    schema_version: int = SCHEMA_VERSION
    audio_redaction: AudioRedaction | None = None  # redact.audio: the redacted copy (None when off)

    def check(self, name: str) -> StoredCheck | None:
        return self.checks.get(name)


def stored_check(res: CheckResult) -> StoredCheck:
    return StoredCheck(
        res.status,
        res.reason,
        values_to_dict(res.values),
        tuple(res.evidence),
        res.confidence,
        tuple(res.confidence_basis),
        res.low_confidence,
    )


def stored_result(result: CallResult) -> StoredResult:
    """The published record of a pipeline result; checks turned off in the config still appear, as `na`."""
    call, meta = result.call, result.meta
    checks = {name: stored_check(res) for name, res in result.checks.items()}
    for name in MISSION_CHECKS:
        checks.setdefault(name, StoredCheck("na", DISABLED_REASON))
    roles = call.transcript.roles
    return StoredResult(
        call_id=meta.call_id,
        audio_path=meta.audio_path,
        duration_s=round(call.duration_s, 3),
        language=meta.language,
        agent_id=meta.agent_id,
        agent_name=meta.agent_name,
        company=meta.company,
        channel_layout=meta.channel_layout,
        score=result.score.score,
        scorecard=result.score,
        checks=checks,
        utterances=call.utterances,
        turns=tuple(
            StoredTurn(t.speaker, t.start_s, t.end_s, roles.get(t.speaker, "unknown"))
            for t in call.transcript.turns
        ),
        timing=result.timing,
        meta=meta,
        transcript_info=call.transcript.provenance,
        transcript_confidence=result.confidence,
        stage_seconds=_stage_seconds(result),
        cache_key=result.cache_key,
        versions=dict(result.versions),
        audio_redaction=result.audio_redaction,
    )


def _stage_seconds(result: CallResult) -> dict[str, float]:
    """Seconds per step; a cache hit is published among them as `cache_hit: 1.0`, where the transcript
    step would be (before `features`)."""
    out: dict[str, float] = {}
    for name, seconds in result.timings_s.items():
        if name == "features" and result.cache_hit:
            out["cache_hit"] = 1.0
        out[name] = round(seconds, 3)
    if result.cache_hit:
        out.setdefault("cache_hit", 1.0)
    return out


def check_to_dict(check: StoredCheck | CheckResult) -> dict[str, Any]:
    """`{status, reason?, <values...>, confidence?, confidence_basis?, low_confidence?, evidence}`: the
    published shape of one check."""
    if isinstance(check, CheckResult):
        check = stored_check(check)
    out: dict[str, Any] = {"status": check.status}
    if check.reason is not None:
        out["reason"] = check.reason
    out.update(check.values)
    if check.confidence is not None:
        out["confidence"] = check.confidence
        out["confidence_basis"] = list(check.confidence_basis)
    if check.low_confidence:
        out["low_confidence"] = True
    out["evidence"] = [evidence_to_dict(e) for e in check.evidence]
    return out


# every published check has these (confidence and its basis on pass/fail); the rest are its values
CHECK_FRAME = ("status", "reason", "confidence", "confidence_basis", "low_confidence", "evidence")


def check_from_dict(d: Mapping[str, Any]) -> StoredCheck:
    return StoredCheck(
        status=d.get("status", "na"),
        reason=d.get("reason"),
        values={k: v for k, v in d.items() if k not in CHECK_FRAME},
        evidence=tuple(evidence_from_dict(e) for e in d.get("evidence") or []),
        confidence=d.get("confidence"),
        confidence_basis=tuple(d.get("confidence_basis") or ()),
        low_confidence=bool(d.get("low_confidence", False)),
    )


def result_to_dict(r: StoredResult) -> dict[str, Any]:
    """The per-call JSON object (README "What lands in --out")."""
    out: dict[str, Any] = {
        "schema_version": r.schema_version,
        "call_id": r.call_id,
        "audio_path": r.audio_path,
        "duration_s": r.duration_s,
        "language": r.language,
        "agent_id": r.agent_id,
        "agent_name": r.agent_name,
        "company": r.company,
        "channel_layout": r.channel_layout,
        "score": r.score,
        "scorecard": {
            "score": r.scorecard.score,
            "passed": r.scorecard.passed,
            "counted": list(r.scorecard.counted),
            "excluded": list(r.scorecard.excluded),
            "scorecard": r.scorecard.scorecard,
        },
        "checks": {name: check_to_dict(c) for name, c in r.checks.items()},
        "utterances": [utterance_to_dict(u) for u in r.utterances],
        "turns": [asdict(t) for t in r.turns],
        "timing": {
            "talk_s": dict(r.timing.talk_s),
            "talk_ratio": r.timing.talk_ratio,
            "silence_s": r.timing.silence_s,
            "overtalk_s": r.timing.overtalk_s,
        },
        "meta": asdict(r.meta),
        "transcript_info": provenance_to_dict(r.transcript_info),
    }
    if r.transcript_confidence is not None:
        out["transcript_confidence"] = asdict(r.transcript_confidence)
    out["stage_seconds"] = dict(r.stage_seconds)
    out["cache_key"] = r.cache_key
    out["versions"] = dict(r.versions)
    # redact.audio: where the redacted copy is and the spans blanked in it (times only); None when off
    out["audio_redaction"] = None if r.audio_redaction is None else audio_redaction_to_dict(r.audio_redaction)
    if r.night is not None:
        out["night"] = r.night
    if r.fingerprint is not None:
        out["fingerprint"] = asdict(r.fingerprint)
    return out


def result_to_json(r: StoredResult, *, indent: int | None = 1) -> str:
    # default=str: a numpy scalar a check left in its values is written as text, never a crash
    return json.dumps(result_to_dict(r), ensure_ascii=False, indent=indent, default=str)


def result_from_dict(d: Mapping[str, Any]) -> StoredResult:
    """A stored per-call result; `CodecError` when it is not one this codec reads."""
    if not isinstance(d, Mapping):
        raise CodecError(f"a call result is a JSON object, got {type(d).__name__}")
    version = d.get("schema_version")
    if version != SCHEMA_VERSION:
        raise CodecError(f"result schema_version {version!r} (this callqa reads {SCHEMA_VERSION})")
    try:
        card = d.get("scorecard") or {}
        timing = d.get("timing") or {}
        meta_fields = {f.name for f in fields(CallMeta)}
        conf = d.get("transcript_confidence")
        fp = d.get("fingerprint")
        return StoredResult(
            call_id=str(d["call_id"]),
            audio_path=d.get("audio_path"),
            duration_s=d.get("duration_s") or 0.0,
            language=d.get("language") or "",
            agent_id=d.get("agent_id"),
            agent_name=d.get("agent_name"),
            company=d.get("company"),
            channel_layout=d.get("channel_layout") or "mono",
            score=d.get("score"),
            scorecard=Score(
                card.get("score"),
                card.get("passed"),
                tuple(card.get("counted") or ()),
                tuple(card.get("excluded") or ()),
                card.get("scorecard") or "",
            ),
            checks={name: check_from_dict(c) for name, c in (d.get("checks") or {}).items()},
            utterances=tuple(utterance_from_dict(u) for u in d.get("utterances") or []),
            turns=tuple(
                StoredTurn(t["speaker"], t["start_s"], t["end_s"], t.get("role", "unknown"))
                for t in d.get("turns") or []
            ),
            timing=TimingFigures(
                talk_s=dict(timing.get("talk_s") or {}),
                talk_ratio=timing.get("talk_ratio"),
                silence_s=timing.get("silence_s") or 0.0,
                overtalk_s=timing.get("overtalk_s") or 0.0,
            ),
            meta=CallMeta(**{k: v for k, v in (d.get("meta") or {}).items() if k in meta_fields}),
            transcript_info=provenance_from_dict(d.get("transcript_info") or {}),
            transcript_confidence=None if conf is None else decode_record(TranscriptConfidence, conf),
            stage_seconds=dict(d.get("stage_seconds") or {}),
            cache_key=d.get("cache_key"),
            versions=dict(d.get("versions") or {}),
            night=d.get("night"),
            fingerprint=None if not isinstance(fp, Mapping) else decode_record(Fingerprint, fp),
            audio_redaction=audio_redaction_from_dict(d.get("audio_redaction")),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise CodecError(f"not a call result: {type(exc).__name__}: {exc}") from None


def result_from_json(text: str) -> StoredResult:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise CodecError(f"not JSON: {exc}") from None
    return result_from_dict(data)


# ----------------------------------------------------------------------------------------- error log
@dataclass(frozen=True)
class ErrorRow:
    """One row of `errors.jsonl` (and errors.parquet): what could not be analysed, where, and when."""

    call_id: str | None
    file: str | None
    stage: str | None
    message: str | None
    at: str | None = None  # local time it was recorded, YYYY-MM-DDTHH:MM:SS
    night: str | None = None
    run_id: str | None = None


def error_to_dict(e: ErrorRow) -> dict[str, Any]:
    return asdict(e)


def error_from_dict(d: Mapping[str, Any]) -> ErrorRow:
    return ErrorRow(**{f.name: d.get(f.name) for f in fields(ErrorRow)})
