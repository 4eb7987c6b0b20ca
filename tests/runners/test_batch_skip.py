"""Resume: a call is skipped only when scored with the same audio, transcript, metadata and config."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from batch_calls import make_calls, speechlike_wav, transcript

from callqa.cli import main


def _score(manifest: Path, out: Path, *extra: str, capsys) -> tuple[str, str]:
    capsys.readouterr()
    assert main(["score", str(manifest), "--out", str(out), *extra]) == 0
    text = capsys.readouterr().out
    first = next(ln for ln in text.splitlines() if " scored, " in ln)
    return first.split(" scored, ")[0], first.split(" scored, ")[1].split(" skipped")[0]


def test_skip_same_inputs_rescore_changed_audio_transcript_meta_config(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "in"
    manifest = make_calls(folder, 3, audio=True)
    out = tmp_path / "out"
    assert _score(manifest, out, capsys=capsys) == ("3", "0")
    assert _score(manifest, out, capsys=capsys) == ("0", "3")
    assert _score(manifest, out, "--set", "runtime.workers=2", capsys=capsys) == (
        "0",
        "3",
    )  # no effect on results

    speechlike_wav(folder / "c000.wav", seed=99)  # new audio for c000
    (folder / "c001.json").write_text(json.dumps(transcript(1, extra="One more sentence.")))  # new transcript
    assert _score(manifest, out, capsys=capsys) == ("2", "1")
    assert (
        "One more sentence." in json.loads((out / "calls" / "c001.json").read_text())["utterances"][2]["text"]
    )

    manifest.write_text(
        manifest.read_text().replace("c002,c002.wav,c002.json,A2,Anna", "c002,c002.wav,c002.json,A2,Olga")
    )
    assert _score(manifest, out, capsys=capsys) == ("1", "2")  # metadata changed for c002 only
    assert json.loads((out / "calls" / "c002.json").read_text())["agent_name"] == "Olga"

    assert _score(manifest, out, "--set", "checks.silence.enabled=true", capsys=capsys) == (
        "3",
        "0",
    )  # new config
    assert _score(manifest, out, "--set", "checks.silence.enabled=true", capsys=capsys) == ("0", "3")
    assert _score(manifest, out, "--set", "checks.silence.enabled=true", "--force", capsys=capsys) == (
        "3",
        "0",
    )
    calls = pd.read_parquet(out / "calls.parquet")
    assert sorted(calls["call_id"]) == ["c000", "c001", "c002"]  # each once, however often it was rescored


def test_damaged_result_is_rescored_not_trusted(tmp_path: Path, capsys) -> None:
    manifest = make_calls(tmp_path / "in", 2)
    out = tmp_path / "out"
    assert _score(manifest, out, capsys=capsys) == ("2", "0")
    path = out / "calls" / "c001.json"
    path.write_text(path.read_text()[:200])  # half a file (e.g. copied by hand while being written)
    assert _score(manifest, out, capsys=capsys) == ("1", "1")
    assert json.loads(path.read_text())["call_id"] == "c001"


def test_results_without_fingerprint_are_rescored(tmp_path: Path, capsys) -> None:
    """Results from callqa 0.1 (no fingerprint) cannot be proven current: they are redone once."""
    manifest = make_calls(tmp_path / "in", 1)
    out = tmp_path / "out"
    _score(manifest, out, capsys=capsys)
    path = out / "calls" / "c000.json"
    data = json.loads(path.read_text())
    del data["fingerprint"]
    path.write_text(json.dumps(data))
    assert _score(manifest, out, capsys=capsys) == ("1", "0")
    assert _score(manifest, out, capsys=capsys) == ("0", "1")
