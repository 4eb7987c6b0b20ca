"""`rescore --set` reaches every check that depends on the changed setting: holds, nontalk and
hold_etiquette see the same holds; the closing check uses the configured `signal.hangup`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from foundation_fakes import SR, FakeDiarizer, FakeTranscriber, build_signal, write_wav

from callqa.cli import main
from callqa.models.holder import Models
from callqa.types import SpeakerTurn, Word


def _words(text: str, start_s: float, end_s: float) -> list[Word]:
    parts = text.split()
    step = (end_s - start_s) / len(parts)
    return [
        Word(w, round(start_s + i * step, 3), round(start_s + (i + 1) * step, 3), 0.9)
        for i, w in enumerate(parts)
    ]


def _checks(out: Path, call_id: str) -> dict:
    return json.loads((out / "calls" / f"{call_id}.json").read_text())["checks"]


def _hold_views(checks: dict) -> tuple[int, float, int]:
    """(holds the holds check found, hold seconds nontalk subtracted, holds hold_etiquette judged from them)."""
    holds = checks["holds"].get("count", 0)
    hold_s = checks["nontalk"]["hold_s"]
    etiquette = checks["hold_etiquette"]
    signal_holds = etiquette.get("holds", 0) if etiquette.get("source") == "signal" else 0
    return holds, hold_s, signal_holds


def test_holds_nontalk_and_hold_etiquette_agree_after_rescore(tmp_path: Path, monkeypatch) -> None:
    # agent opens, then 24 s of silence on the line (a silent hold: >= min_silent_hold_s = 20), agent thanks
    speech = [(0.5, 3.0), (3.2, 5.0), (29.0, 32.0), (32.2, 34.0)]
    wav = write_wav(tmp_path / "in" / "hold.wav", build_signal(35.0, speech))
    words = (
        _words("hello thank you for calling", 0.5, 3.0)
        + _words("hi i have a question", 3.2, 5.0)
        + _words("thank you for holding", 29.0, 32.0)
        + _words("okay great", 32.2, 34.0)
    )
    turns = [SpeakerTurn(f"S{i % 2}", a, b) for i, (a, b) in enumerate(speech)]
    asr, dia = FakeTranscriber(words), FakeDiarizer(turns)
    monkeypatch.setattr(Models, "asr", lambda self: asr)
    monkeypatch.setattr(Models, "diarization", lambda self: dia)
    out = tmp_path / "out"
    assert main(["score", str(wav), "--out", str(out)]) == 0
    holds, hold_s, etiquette_holds = _hold_views(_checks(out, "hold"))
    assert holds == 1 and etiquette_holds == 1
    assert hold_s > 20.0

    assert main(["rescore", str(out), "--set", "checks.holds.min_silent_hold_s=500"]) == 0
    after = _checks(out, "hold")
    assert after["holds"]["status"] == "na"
    assert _hold_views(after) == (0, 0.0, 0)  # nobody still counts the dropped hold
    assert after["nontalk"]["nontalk_incl_hold_s"] == after["nontalk"]["nontalk_excl_hold_s"]
    assert asr.calls == 1 and dia.calls == 1  # rescoring ran no model


def _stereo_hangup_call(tmp_path: Path) -> Path:
    """Agent (left) leg goes digitally dead at 20.0 s, the customer's at 20.6 s; the file ends at 23 s."""
    agent = build_signal(23.0, [(0.5, 4.0), (10.0, 15.0), (17.0, 19.5)], seed=1)
    customer = build_signal(23.0, [(4.5, 9.5), (15.5, 16.5)], seed=2)
    agent[int(20.0 * SR) :] = 0.0
    customer[int(20.6 * SR) :] = 0.0
    write_wav(tmp_path / "in" / "hang.wav", np.stack([agent, customer]))
    (tmp_path / "in" / "m.csv").write_text(
        "call_id,audio_path,channel_layout\nhang,hang.wav,stereo_agent_left\n", encoding="utf-8"
    )
    return tmp_path / "in" / "m.csv"


def test_closing_uses_the_configured_hangup_rules_after_rescore(tmp_path: Path, monkeypatch) -> None:
    manifest = _stereo_hangup_call(tmp_path)
    legs = [
        _words("thank you for calling", 0.5, 4.0) + _words("thank you goodbye", 17.0, 19.5),
        _words("hello there i need help", 4.5, 9.5),
    ]
    asr = FakeTranscriber(legs)
    monkeypatch.setattr(Models, "asr", lambda self: asr)
    out = tmp_path / "out"
    assert main(["score", str(manifest), "--out", str(out)]) == 0
    closing = _checks(out, "hang")["closing"]
    assert closing["hangup_party"] == "agent"  # the agent's leg died 0.6 s first (> min_lead_s 0.3)
    assert "agent hung up first" in closing["reason"]

    # legs dying within 2 s of each other: nobody can be said to have hung up first
    assert main(["rescore", str(out), "--set", "signal.hangup.min_lead_s=2.0"]) == 0
    closing = _checks(out, "hang")["closing"]
    assert closing["hangup_party"] == "unknown"
    assert closing["hangup_ok"] is None
    assert "agent hung up first" not in (closing.get("reason") or "")
