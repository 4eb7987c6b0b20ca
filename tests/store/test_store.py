"""The result store: per-call JSON in the issue's schema, Parquet tables, DuckDB views, run info, atomic writes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from foundation_fakes import FakeDiarizer, FakeTranscriber, build_signal, write_wav

from callqa.cli import main
from callqa.config import load_config
from callqa.models.holder import Models
from callqa.store.atomic import atomic_write_text
from callqa.store.codec import MISSION_CHECKS
from callqa.store.tables import connect
from callqa.types import SpeakerTurn, Word

# A hand-built mono call (12 s): SPEAKER_00 opens 0.5-3.0, SPEAKER_01 talks 2.5-6.0 (0.5 s overtalk),
# nobody talks 6.0-9.5 (3.5 s silence), SPEAKER_00 closes 9.5-11.5.
MONO_TURNS = [
    SpeakerTurn("SPEAKER_00", 0.5, 3.0),
    SpeakerTurn("SPEAKER_01", 2.5, 6.0),
    SpeakerTurn("SPEAKER_00", 9.5, 11.5),
]
MONO_WORDS = [
    Word("thank", 0.6, 0.9),
    Word("you", 0.9, 1.1),
    Word("for", 1.1, 1.3),
    Word("calling", 1.3, 1.8),
    Word("acme", 1.9, 2.4),
    Word("hi", 3.1, 3.4),
    Word("i", 3.5, 3.6),
    Word("have", 3.6, 3.9),
    Word("a", 3.9, 4.0),
    Word("question", 4.0, 4.8),
    Word("thanks", 9.6, 10.0),
    Word("goodbye", 10.1, 10.8),
]


@pytest.fixture
def mono_call(tmp_path: Path) -> Path:
    return write_wav(tmp_path / "in" / "mono.wav", build_signal(12.0, [(0.5, 6.0), (9.5, 11.5)]))


@pytest.fixture
def scripted_models(monkeypatch):
    asr = FakeTranscriber(MONO_WORDS)
    dia = FakeDiarizer(MONO_TURNS)
    monkeypatch.setattr(Models, "asr", lambda self: asr)
    monkeypatch.setattr(Models, "diarization", lambda self: dia)
    return asr, dia


@pytest.fixture
def scored(tmp_path: Path, mono_call: Path, scripted_models) -> Path:
    out = tmp_path / "out"
    manifest = tmp_path / "in" / "calls.csv"
    manifest.write_text("call_id,audio_path,agent_id,agent_name,company\nc1,mono.wav,A7,Sarah,Acme\n")
    assert main(["score", str(manifest), "--out", str(out), "--set", "checks.silence.enabled=true"]) == 0
    return out


def test_call_json_matches_the_issue_schema(scored: Path, mono_call: Path) -> None:
    data = json.loads((scored / "calls" / "c1.json").read_text())
    assert data["schema_version"] == 1
    assert data["call_id"] == "c1"
    assert data["audio_path"] == str(mono_call)
    assert data["duration_s"] == pytest.approx(12.0)
    assert data["language"] == "en" and data["agent_id"] == "A7" and data["channel_layout"] == "mono"
    assert data["score"] is None or (isinstance(data["score"], (int, float)) and 0 <= data["score"] <= 100)
    for name in MISSION_CHECKS:
        chk = data["checks"][name]
        assert chk["status"] in ("pass", "fail", "na"), name
        if chk["status"] == "na":
            assert isinstance(chk.get("reason"), str) and chk["reason"], name
        assert isinstance(chk["evidence"], list), name
    for name, chk in data["checks"].items():
        assert chk["status"] in ("pass", "fail", "na"), name
        assert isinstance(chk["evidence"], list), name
    utts = data["utterances"]
    assert [(u["role"], u["start_s"], u["end_s"], u["text"]) for u in utts] == [
        ("agent", 0.6, 2.4, "thank you for calling acme"),
        ("customer", 3.1, 4.8, "hi i have a question"),
        ("agent", 9.6, 10.8, "thanks goodbye"),
    ]
    assert utts[1]["words"][0] == {"text": "hi", "start_s": 3.1, "end_s": 3.4, "probability": None}
    # timing from the turns, by hand: agent 2.5 + 2.0, customer 3.5, overtalk 2.5-3.0, silence 6.0-9.5
    timing = data["timing"]
    assert timing["talk_s"] == {"agent": 4.5, "customer": 3.5}
    assert timing["overtalk_s"] == pytest.approx(0.5)
    assert timing["silence_s"] == pytest.approx(3.5)
    assert timing["talk_ratio"] == pytest.approx(4.5 / 8.0, abs=1e-4)
    assert data["checks"]["overtalk"]["status"] in ("pass", "fail")
    assert data["checks"]["silence"]["evidence"][0]["start_s"] == 6.0
    assert data["checks"]["silence"]["evidence"][0]["end_s"] == 9.5


def test_tables_and_duckdb(scored: Path) -> None:
    data = json.loads((scored / "calls" / "c1.json").read_text())
    calls = pd.read_parquet(scored / "calls.parquet")
    assert list(calls["call_id"]) == ["c1"]
    assert calls.loc[0, "agent_id"] == "A7"
    assert calls.loc[0, "talk_s_agent"] == 4.5 and calls.loc[0, "silence_s"] == pytest.approx(3.5)
    checks = pd.read_parquet(scored / "checks.parquet")
    assert sorted(checks["check"]) == sorted(data["checks"])
    assert set(checks["status"]) <= {"pass", "fail", "na"}
    silence_ev = json.loads(checks.set_index("check").loc["silence", "evidence"])
    assert silence_ev[0]["start_s"] == 6.0
    utts = pd.read_parquet(scored / "utterances.parquet")
    assert list(utts["role"]) == ["agent", "customer", "agent"]
    assert list(utts["n_words"]) == [5, 5, 2]
    errors = pd.read_parquet(scored / "errors.parquet")
    assert len(errors) == 0 and {"file", "stage", "message"} <= set(errors.columns)
    con = connect(scored)  # the views use paths relative to the results folder
    try:
        assert con.execute("SELECT count(*) FROM calls").fetchone() == (1,)
        assert con.execute("SELECT count(*) FROM checks").fetchone() == (len(data["checks"]),)
        assert con.execute("SELECT count(*) FROM utterances WHERE role = 'agent'").fetchone() == (2,)
        assert con.execute("SELECT count(*) FROM errors").fetchone() == (0,)
        assert con.execute("SELECT agent_id, calls FROM agent_summary").fetchall() == [("A7", 1)]
    finally:
        con.close()


def test_run_info_is_written_and_the_effective_config_reloads(scored: Path) -> None:
    versions = json.loads((scored / "versions.json").read_text())
    assert versions["schema"] == "1" and versions["callqa"]
    effective = scored / "config.effective.yaml"
    assert yaml.safe_load(effective.read_text())["asr"]["beam_size"] == 5
    again = load_config(effective)  # a run can be reproduced from its effective config
    expected = load_config(None, ["checks.silence.enabled=true"])  # what the fixture ran with
    assert again.asr == expected.asr and again.checks == expected.checks


def test_no_temp_files_left(scored: Path) -> None:
    leftovers = [p for p in scored.rglob("*") if p.name.startswith(".") or p.name.endswith(".tmp")]
    assert leftovers == []


def test_atomic_write_keeps_old_file_when_writing_fails(tmp_path: Path) -> None:
    path = tmp_path / "calls" / "x.json"
    atomic_write_text(path, '{"old": 1}')
    with pytest.raises(TypeError):
        atomic_write_text(path, 12345)  # type: ignore[arg-type]  # write() fails half way
    assert path.read_text() == '{"old": 1}'
    assert sorted(p.name for p in path.parent.iterdir()) == ["x.json"]


def test_stereo_call_roles_from_layout(tmp_path: Path, monkeypatch) -> None:
    # left leg = customer speaks 3-5 s; right leg = agent speaks 0.5-2.5 s and 6-8 s
    left = build_signal(9.0, [(3.0, 5.0)], seed=10)
    right = build_signal(9.0, [(0.5, 2.5), (6.0, 8.0)], seed=20)
    write_wav(tmp_path / "in" / "st.wav", [left, right])
    asr = FakeTranscriber(
        [
            [Word("my", 3.1, 3.4), Word("order", 3.5, 4.9)],
            [Word("acme", 0.6, 1.2), Word("hello", 1.3, 2.4), Word("bye", 6.1, 7.9)],
        ]
    )
    dia = FakeDiarizer([])
    monkeypatch.setattr(Models, "asr", lambda self: asr)
    monkeypatch.setattr(Models, "diarization", lambda self: dia)
    manifest = tmp_path / "in" / "m.csv"
    manifest.write_text("call_id,audio_path,channel_layout\nst,st.wav,stereo_agent_right\n")
    out = tmp_path / "out"
    assert main(["score", str(manifest), "--out", str(out)]) == 0
    assert asr.calls == 2 and dia.calls == 0  # one ASR pass per leg, no diarization model for stereo
    data = json.loads((out / "calls" / "st.json").read_text())
    assert [(u["role"], u["channel"], u["text"]) for u in data["utterances"]] == [
        ("agent", 1, "acme hello"),
        ("customer", 0, "my order"),
        ("agent", 1, "bye"),
    ]
    talk = data["timing"]["talk_s"]
    assert talk["agent"] == pytest.approx(4.0, abs=0.15)
    assert talk["customer"] == pytest.approx(2.0, abs=0.15)
    assert data["timing"]["overtalk_s"] == pytest.approx(0.0, abs=0.05)
    assert np.isclose(data["duration_s"], 9.0)
