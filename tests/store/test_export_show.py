"""WebVTT and RTTM exports, and `callqa show` / `report` output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from foundation_fakes import FakeDiarizer, FakeTranscriber, build_signal, write_wav
from stored_results import stored_result

from callqa.cli import main
from callqa.models.holder import Models
from callqa.store.codec import StoredTurn
from callqa.store.export import to_rttm, to_webvtt
from callqa.types import SpeakerTurn, Utterance, Word

CALL = stored_result(
    "c1",
    utterances=(
        Utterance("SPEAKER_00", "agent", 0.5, 2.25, "thank you for calling"),
        Utterance("SPEAKER_01", "customer", 3661.0, 3662.5, "hi"),
    ),
    turns=(
        StoredTurn("SPEAKER_00", 0.5, 2.25, "agent"),
        StoredTurn("SPEAKER_01", 3661.0, 3662.5, "customer"),
        StoredTurn("SPEAKER_01", 5.0, 5.0, "customer"),  # empty: skipped
    ),
)
VTT_TIME = re.compile(r"^(\d{2}):([0-5]\d):([0-5]\d)\.(\d{3}) --> (\d{2}):([0-5]\d):([0-5]\d)\.(\d{3})$")


def test_webvtt_is_valid() -> None:
    text = to_webvtt(CALL)
    lines = text.split("\n")
    assert lines[0] == "WEBVTT" and lines[1] == ""
    cues = [c for c in text.split("\n\n")[1:] if c.strip()]
    assert len(cues) == 2
    first = cues[0].split("\n")
    assert first == ["1", "00:00:00.500 --> 00:00:02.250", "<v agent>thank you for calling"]
    assert cues[1].split("\n")[1] == "01:01:01.000 --> 01:01:02.500"
    for cue in cues:
        assert VTT_TIME.match(cue.split("\n")[1])


def test_rttm_has_ten_fields_per_line() -> None:
    lines = to_rttm(CALL).splitlines()
    assert len(lines) == 2
    for line in lines:
        f = line.split()
        assert len(f) == 10
        assert f[0] == "SPEAKER" and f[1] == "c1" and f[2] == "1"
        assert float(f[3]) >= 0 and float(f[4]) > 0
        assert f[5] == f[6] == f[8] == f[9] == "<NA>"
    assert lines[0].split()[3:5] == ["0.500", "1.750"]
    assert lines[0].split()[7] == "agent_SPEAKER_00"
    assert lines[1].split()[3:5] == ["3661.000", "1.500"]
    assert to_rttm(stored_result("x")) == ""


@pytest.fixture
def scored(tmp_path: Path, monkeypatch) -> Path:
    write_wav(tmp_path / "in" / "c1.wav", build_signal(12.0, [(0.5, 6.0), (9.5, 11.5)]))
    words = [
        Word("thank", 0.6, 0.9),
        Word("you", 0.9, 1.1),
        Word("for", 1.1, 1.3),
        Word("calling", 1.3, 1.8),
        Word("hi", 3.1, 3.4),
        Word("bye", 9.6, 10.0),
    ]
    turns = [
        SpeakerTurn("SPEAKER_00", 0.5, 3.0),
        SpeakerTurn("SPEAKER_01", 3.0, 6.0),
        SpeakerTurn("SPEAKER_00", 9.5, 11.5),
    ]
    asr, dia = FakeTranscriber(words), FakeDiarizer(turns)
    monkeypatch.setattr(Models, "asr", lambda self: asr)
    monkeypatch.setattr(Models, "diarization", lambda self: dia)
    out = tmp_path / "out"
    assert (
        main(
            [
                "score",
                str(tmp_path / "in" / "c1.wav"),
                "--out",
                str(out),
                "--set",
                "checks.silence.enabled=true",
            ]
        )
        == 0
    )
    return out


def test_show_prints_checks_with_evidence(scored: Path, capsys) -> None:
    capsys.readouterr()
    assert main(["show", "c1", "--out", str(scored), "--transcript"]) == 0
    text = capsys.readouterr().out
    # silence 6.0-9.5 = 3.5 s of a 12 s call: 29 % > 25 % -> fail, with the span as evidence
    assert re.search(r"\[warn\] silence", text)  # not in the default scorecard: advisory
    assert re.search(r"00:06\.0-00:09\.5\s+3\.5 s silence", text)
    for name in ("rings", "greeting", "speaking_rate", "volume", "holds", "fillers", "closing"):
        assert re.search(rf"\[(PASS|FAIL| n/a)\] {name}\b", text), name
    assert "talk: agent 4.5 s, customer 3.0 s; silence 3.5 s" in text
    assert "agent    thank you for calling" in text


def test_show_unknown_call_returns_2(scored: Path, capsys) -> None:
    assert main(["show", "nope", "--out", str(scored)]) == 2
    assert "nope" in capsys.readouterr().err


def test_export_cli_writes_files(scored: Path, tmp_path: Path) -> None:
    vtt, rttm = tmp_path / "c1.vtt", tmp_path / "c1.rttm"
    assert main(["export", "c1", "--out", str(scored), "--format", "vtt", "-o", str(vtt)]) == 0
    assert main(["export", "c1", "--out", str(scored), "--format", "rttm", "-o", str(rttm)]) == 0
    assert vtt.read_text().startswith(
        "WEBVTT\n\n1\n00:00:00.600 --> 00:00:01.800\n<v agent>thank you for calling"
    )
    rows = [line.split() for line in rttm.read_text().splitlines()]
    assert [(r[3], r[4], r[7]) for r in rows] == [
        ("0.500", "2.500", "agent_SPEAKER_00"),
        ("3.000", "3.000", "customer_SPEAKER_01"),
        ("9.500", "2.000", "agent_SPEAKER_00"),
    ]


def test_report_lists_calls_and_errors(scored: Path, tmp_path: Path, capsys) -> None:
    (tmp_path / "junk.wav").write_bytes(b"junk")
    assert main(["score", str(tmp_path / "junk.wav"), "--out", str(scored)]) == 1
    capsys.readouterr()
    assert main(["report", "--out", str(scored)]) == 0
    text = capsys.readouterr().out
    assert re.search(r"^1 call\(s\) scored, \d passed.*; 1 error\(s\)\.", text, re.M)
    assert re.search(r"^c1\s+en\s+\S+\s+0\.2\s", text, re.M)  # call, language, agent, minutes
    assert f"ERROR [decode] {tmp_path / 'junk.wav'}" in text
    assert max(len(line) for line in text.splitlines()) <= 120
    assert main(["report", "--out", str(scored), "--wide"]) == 0  # the full matrix, as before
    wide = capsys.readouterr().out
    assert re.search(r"^c1\s+en\s+12\.0", wide, re.M) and "1 call(s) scored, 1 error(s)." in wide
