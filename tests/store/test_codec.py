"""The store codec: cached transcripts and per-call results survive a JSON round trip, field for field."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import replace

import pytest

from callqa.records import AudioRedaction, BlankSpan, CallResult, Fingerprint, Score, TranscriptConfidence
from callqa.store.codec import (
    MISSION_CHECKS,
    SCHEMA_VERSION,
    TRANSCRIPT_CODEC,
    CodecError,
    decode_record,
    result_from_dict,
    result_from_json,
    result_to_json,
    stored_check,
    stored_result,
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
    Redaction,
    SpeakerTurn,
    TimingFigures,
    TranscriptProvenance,
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
        provenance=TranscriptProvenance(
            format="callqa",
            path="/t.json",
            asr="fake",
            diarization="channels",
            role_method="channel_layout",
            role_scores={"a": 1.5},
            role_evidence=("layout",),
            redaction=Redaction(("phone",), {"phone": 2}),
        ),
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
        meta=meta, call=Call(meta, t), checks=checks, score=Score(50.0, False, ("typed",), ("plugin",), "default"),
        timing=TimingFigures({"agent": 1.0, "customer": 2.0}, 0.3333, 1.5, 0.25),
        confidence=TranscriptConfidence(0.9, 3, 0.8, 4), timings_s={"decode": 0.25}, cache_key="k" * 32,
        versions={"callqa": "0.1.0"},
        audio_redaction=AudioRedaction("/a.redacted.wav", "silence", "WAV", "ULAW", (BlankSpan(1.0, 2.5, 1, "card"),)),
    )  # fmt: skip
    stored = replace(stored_result(result), night="2025-01-01", fingerprint=Fingerprint("a", "t", "m", "c"))
    text = result_to_json(stored)
    data = json.loads(text)
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["checks"]["typed"]["rows"] == [{"start_s": 1.0, "ok": True}, {"start_s": 2.0, "ok": False}]
    assert data["checks"]["typed"]["count"] == 2 and data["checks"]["plugin"]["nested"] == {"x": [1, 2]}
    assert set(data["checks"]) >= set(MISSION_CHECKS)  # checks turned off still appear, as na
    back = result_from_json(text)
    _all_fields_set(back, defaults_ok=("schema_version",))
    assert back.meta == meta and back.utterances == t.utterances
    assert [(x.speaker, x.start_s, x.end_s) for x in back.turns] == [
        (x.speaker, x.start_s, x.end_s) for x in t.turns
    ]
    assert back.turns[0].role == "agent"
    assert back.audio_redaction == result.audio_redaction
    assert data["audio_redaction"]["spans"] == [{"start_s": 1.0, "end_s": 2.5, "channel": 1, "kind": "card"}]
    assert data["audio_redaction"]["blanked_s"] == 1.5
    assert result_to_json(back) == text  # byte for byte
    assert back.checks["typed"].typed(_Values) == checks["typed"].values
    assert back.checks["typed"].evidence == checks["typed"].evidence


def test_result_of_another_schema_is_refused() -> None:
    with pytest.raises(CodecError):
        result_from_dict({"schema_version": SCHEMA_VERSION + 1})
    with pytest.raises(CodecError):
        result_from_dict({"schema_version": SCHEMA_VERSION})  # no call_id: not a result
    with pytest.raises(CodecError):
        result_from_json("{not json")


def test_typed_values_name_the_field_that_does_not_fit() -> None:
    check = stored_check(CheckResult("typed", "pass", values=_Values(1, (_Row(0.5, True),))))
    assert check.typed(_Values) == _Values(1, (_Row(0.5, True),))
    partial = stored_check(CheckResult("typed", "na", "no call", values={"count": 0}))
    assert partial.typed(_Values) is None  # an na result carries only some values
    assert partial.value(_Values, "count") == 0 and partial.value(_Values, "rows") is None
    with pytest.raises(KeyError, match="_Values has no field 'rowz'"):
        partial.value(_Values, "rowz")  # a renamed field fails at once, data or not
    with pytest.raises(CodecError, match="unknown field 'extra'"):
        decode_record(_Row, {"start_s": 1.0, "ok": True, "extra": 1})
    with pytest.raises(CodecError, match="missing field 'ok'"):
        decode_record(_Row, {"start_s": 1.0})
