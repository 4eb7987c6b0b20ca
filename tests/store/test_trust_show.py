"""Transcript confidence end to end (fake models): shown by `callqa show`, a column of calls.parquet, and
text checks na when the agent's words are unreliable (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from foundation_fakes import FakeDiarizer, FakeTranscriber, build_signal, write_wav

from callqa.cli import main
from callqa.models.holder import Models
from callqa.types import SpeakerTurn, Word


def score(tmp_path: Path, monkeypatch, agent_prob: float) -> Path:
    write_wav(tmp_path / "in" / "c1.wav", build_signal(12.0, [(0.5, 6.0), (9.5, 11.5)]))
    words = [Word("thank", 0.6, 0.9, agent_prob), Word("you", 0.9, 1.1, agent_prob),
             Word("for", 1.1, 1.3, agent_prob), Word("calling", 1.3, 1.8, agent_prob),
             Word("hi", 3.1, 3.4, 0.9), Word("there", 3.5, 3.8, 0.9), Word("yes", 4.0, 4.3, 0.9),
             Word("bye", 9.6, 10.0, agent_prob)]  # fmt: skip
    turns = [SpeakerTurn("SPEAKER_00", 0.5, 3.0), SpeakerTurn("SPEAKER_01", 3.0, 6.0),
             SpeakerTurn("SPEAKER_00", 9.5, 11.5)]  # fmt: skip
    asr, dia = FakeTranscriber(words), FakeDiarizer(turns)
    monkeypatch.setattr(Models, "asr", lambda self: asr)
    monkeypatch.setattr(Models, "diarization", lambda self: dia)
    out = tmp_path / "out"
    assert main(["score", str(tmp_path / "in" / "c1.wav"), "--out", str(out)]) == 0
    return out


@pytest.mark.parametrize(("prob", "gated"), [(0.45, True), (0.95, False)])
def test_confidence_in_show_and_parquet_and_gate(tmp_path, monkeypatch, capsys, prob, gated):
    out = score(tmp_path, monkeypatch, prob)
    capsys.readouterr()
    assert main(["show", "c1", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert f"transcript confidence (mean word probability): agent {prob:.2f}, customer 0.90" in text
    assert ("transcript unreliable: agent mean word probability" in text) is gated
    row = pd.read_parquet(out / "calls.parquet").iloc[0]
    assert row["transcript_probability_agent"] == pytest.approx(prob)
    assert row["transcript_probability_customer"] == pytest.approx(0.9)
    assert (row["greeting_status"] == "na") is gated
    assert row["volume_status"] in ("pass", "fail")  # signal checks still run
