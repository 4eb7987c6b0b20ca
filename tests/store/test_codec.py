"""The store codec: cached transcripts and per-call results survive a JSON round trip, field for field."""

from __future__ import annotations

import dataclasses
import json

import pytest

from callqa.pipeline import CallResult
from callqa.redact.audio import AudioRedaction, BlankSpan
from callqa.store.codec import (
    SCHEMA_VERSION,
    TRANSCRIPT_CODEC,
    CodecError,
    StoredResult,
    transcript_from_dict,
    transcript_to_dict,
)
from callqa.types import (
    Call,
    CallMeta,
    CallTranscript,
    CheckResult,
    CheckValues,
    Evidence,
    SpeakerTurn,
    Utterance,
    Word,
)


def _all_fields_set(obj, defaults_ok=()) -> None:
    """Every field differs from its default: a field added later without codec support fails the test."""
    for f in dataclasses.fields(obj):
        if f.name in defaults_ok:
            continue
        default = (
            f.default
            if f.default is not dataclasses.MISSING
            else (
                f.default_factory() if f.default_factory is not dataclasses.MISSING else dataclasses.MISSING
            )
        )
        assert getattr(obj, f.name) != default, f"{type(obj).__name__}.{f.name} is left at its default"


def _transcript() -> CallTranscript:
    w1, w2 = Word("hello", 0.5, 0.9, 0.93), Word("你好", 1.0, 1.4, 0.5)
    utts = (
        Utterance("ch0", "agent", 0.5, 0.9, "hello", (w1,), channel=0),
        Utterance("ch1", "customer", 1.0, 1.4, "你好", (w2,), channel=1),
    )
    return CallTranscript(
        language="zh",
        duration_s=12.5,
        utterances=utts,
        turns=(SpeakerTurn("ch0", 0.4, 1.0), SpeakerTurn("ch1", 0.95, 1.5)),
        roles={"ch0": "agent", "ch1": "customer"},
        source="imported",
        info={"asr": "fake", "diarization": "channels", "role_evidence": ["layout"], "scores": {"a": 1.5}},
    )


def test_transcript_round_trip_keeps_every_field() -> None:
    t = _transcript()
    _all_fields_set(t)
    for u in t.utterances:
        _all_fields_set(u)
        for w in u.words:
            _all_fields_set(w)
    data = json.loads(json.dumps(transcript_to_dict(t)))
    assert data["codec"] == TRANSCRIPT_CODEC
    assert transcript_from_dict(data) == t


def test_transcript_of_another_codec_is_refused() -> None:
    data = transcript_to_dict(_transcript())
    data["codec"] = TRANSCRIPT_CODEC + 1
    with pytest.raises(CodecError):
        transcript_from_dict(data)
    data.pop("codec")  # codec 1 did not store stereo channel turns: not the same transcript
    with pytest.raises(CodecError):
        transcript_from_dict(data)


@dataclasses.dataclass(frozen=True)
class _Row:
    start_s: float
    ok: bool


@dataclasses.dataclass(frozen=True)
class _Values(CheckValues):
    count: int
    rows: tuple[_Row, ...]


def test_result_round_trip_keeps_every_field() -> None:
    t = _transcript()
    meta = CallMeta(
        "c1", "/a.wav", language="zh", agent_id="A1", agent_name="Wang", company="North", channel_layout="stereo_agent_left",
        direction="inbound", started_at="2025-01-01T00:00:00", ring_s=3.0, hangup_party="customer", ring_profile="cn",
        transcript_path="/t.json", customer_name="Li",
    )  # fmt: skip
    _all_fields_set(meta)
    checks = {
        "typed": CheckResult("typed", "fail", "why", _Values(2, (_Row(1.0, True), _Row(2.0, False))),
                             (Evidence(1.0, 2.0, "agent", "hi", "note"),)),
        "plugin": CheckResult("plugin", "pass", values={"n": 1, "nested": {"x": [1, 2]}}),
    }  # fmt: skip
    result = CallResult(
        meta=meta, call=Call(meta, t), checks=checks, score={"score": 50.0, "passed": False}, timings_s={"decode": 0.25},
        cache_key="k" * 32, versions={"callqa": "0.1.0"},
        audio_redaction=AudioRedaction("/a.redacted.wav", "silence", "WAV", "ULAW", (BlankSpan(1.0, 2.5, 1, "card"),)),
    )  # fmt: skip
    data = json.loads(json.dumps(result.to_dict()))
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["checks"]["typed"]["rows"] == [{"start_s": 1.0, "ok": True}, {"start_s": 2.0, "ok": False}]
    assert data["checks"]["typed"]["count"] == 2 and data["checks"]["plugin"]["nested"] == {"x": [1, 2]}
    stored = StoredResult.from_dict(data)
    _all_fields_set(stored, defaults_ok=("schema_version",))
    assert stored.meta == meta and stored.utterances == t.utterances
    assert [tr for tr, _ in stored.turns] == list(t.turns)
    assert stored.audio_redaction is not None and stored.audio_redaction["spans"] == [
        {"start_s": 1.0, "end_s": 2.5, "channel": 1, "kind": "card"}]  # fmt: skip
    assert json.loads(json.dumps(stored.to_dict())) == data


def test_result_of_another_schema_is_refused() -> None:
    with pytest.raises(CodecError):
        StoredResult.from_dict({"schema_version": SCHEMA_VERSION + 1})


def test_check_values_read_like_a_mapping() -> None:
    v = _Values(3, ())
    assert v["count"] == 3 and dict(v) == {"count": 3, "rows": ()} and "rows" in v
    with pytest.raises(KeyError):
        v["missing"]
