"""Bad input never stops a batch: each bad file is an error row naming file, stage and reason."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import soundfile as sf
from foundation_fakes import build_signal, write_wav

from callqa.cli import main
from callqa.ingest.audio import AudioError, load_audio
from callqa.ingest.manifest import collect_inputs
from callqa.models.holder import Models
from callqa.runners.local import score_batch


def wav_header(data_bytes: int, *, sr: int = 8000, channels: int = 1) -> bytes:
    """A 44-byte PCM-16 WAV header whose data chunk claims `data_bytes` bytes."""
    block = 2 * channels
    fmt = struct.pack("<IHHIIHH", 16, 1, channels, sr, sr * block, block, 16)
    return (
        b"RIFF"
        + struct.pack("<I", 36 + data_bytes)
        + b"WAVE"
        + b"fmt "
        + fmt
        + b"data"
        + struct.pack("<I", data_bytes)
    )


def make_bad_files(d: Path) -> dict[str, tuple[Path, str]]:
    """name -> (path, a word the error message must contain)."""
    d.mkdir(parents=True, exist_ok=True)
    good_bytes = write_wav(d / "_ref.wav", build_signal(4.0, [(0.5, 3.5)])).read_bytes()
    (d / "_ref.wav").unlink()
    files: dict[str, tuple[Path, str]] = {}

    def put(name: str, data: bytes, word: str) -> None:
        (d / name).write_bytes(data)
        files[name] = (d / name, word)

    put("corrupt.wav", bytes(range(256)) * 16, "not a readable audio file")
    put("cut_header.wav", good_bytes[:20], "not a readable audio file")
    put("cut_data.wav", good_bytes[: len(good_bytes) // 2], "truncated")
    put("empty.wav", b"", "empty")
    put("text.wav", b"this is a text file, not audio\n" * 40, "not a readable audio file")
    put("image.wav", b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(300), "not a readable audio file")
    write_wav(d / "zero_frames.wav", np.zeros(0, dtype=np.float32))
    files["zero_frames.wav"] = (d / "zero_frames.wav", "no audio frames")
    write_wav(d / "silent.wav", np.zeros(8000 * 3, dtype=np.float32))
    files["silent.wav"] = (d / "silent.wav", "silent")
    write_wav(d / "short.wav", build_signal(0.2, [(0.0, 0.2)]))
    files["short.wav"] = (d / "short.wav", "too short")
    files["missing.wav"] = (d / "missing.wav", "not found")
    return files


@pytest.mark.parametrize(
    "name",
    [
        "corrupt.wav",
        "cut_header.wav",
        "cut_data.wav",
        "empty.wav",
        "text.wav",
        "image.wav",
        "zero_frames.wav",
        "short.wav",
        "missing.wav",
    ],
)
def test_load_audio_refuses_bad_file_with_file_and_reason(tmp_path: Path, name: str) -> None:
    path, word = make_bad_files(tmp_path)[name]
    with pytest.raises(AudioError) as info:
        load_audio(path, min_duration_s=0.5, max_duration_s=3600)
    assert str(path) in str(info.value)
    assert word in info.value.reason


def test_header_claiming_more_data_than_the_file_holds_is_truncated(tmp_path: Path) -> None:
    # header says ~74 h of 8 kHz PCM-16, the file holds 1 s
    path = tmp_path / "liar.wav"
    path.write_bytes(wav_header(0xFFFF0000) + np.full(8000, 1000, dtype="<i2").tobytes())
    with pytest.raises(AudioError) as info:
        load_audio(path, min_duration_s=0.5, max_duration_s=14400)
    assert "truncated" in info.value.reason


def test_multi_hour_file_is_refused_from_its_header_before_decoding(tmp_path: Path, monkeypatch) -> None:
    # a real 5 h WAV, written sparse so it costs no disk: header and size agree
    n_bytes = 5 * 3600 * 8000 * 2
    path = tmp_path / "five_hours.wav"
    with open(path, "wb") as f:
        f.write(wav_header(n_bytes))
        f.truncate(44 + n_bytes)

    def no_decode(*args, **kwargs):
        raise AssertionError("decoded a file the header already says is too long")

    monkeypatch.setattr(sf, "read", no_decode)
    with pytest.raises(AudioError) as info:
        load_audio(path, max_duration_s=4 * 3600)
    assert "too long" in info.value.reason
    assert "5.00 h" in info.value.reason


def test_max_duration_from_config_refuses_a_10_s_file(tmp_path: Path, good_call: Path, fake_models) -> None:
    out = tmp_path / "out"
    rc = main(["score", str(good_call), "--out", str(out), "--set", "runtime.max_duration_s=5"])
    assert rc == 1
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert len(errors) == 1
    assert errors[0]["file"] == str(good_call)
    assert errors[0]["stage"] == "decode"
    assert "too long" in errors[0]["message"] and "max_duration_s=5" in errors[0]["message"]
    assert not (out / "calls" / "good.json").exists()


def _errors(out: Path) -> dict[str, dict]:
    rows = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    return {Path(r["file"]).name: r for r in rows}


def test_batch_of_bad_files_keeps_going_and_records_each_error(
    tmp_path: Path, good_call: Path, config
) -> None:
    from foundation_fakes import FakeTranscriber, alternating_diarizer

    files = make_bad_files(tmp_path / "bad")
    inputs = [str(p) for p, _ in files.values()] + [str(good_call)]
    metas, input_errors = collect_inputs(inputs, defaults=config.defaults)
    asr = FakeTranscriber()
    summary = score_batch(
        metas,
        input_errors,
        config=config,
        out_dir=str(tmp_path / "out"),
        models=Models(config, transcriber=asr, diarizer=alternating_diarizer()),
        progress=lambda msg: None,
    )
    assert summary.scored == ["good"]
    assert summary.exit_code == 1
    assert len(summary.failed) == len(files)
    out = tmp_path / "out"
    errors = _errors(out)
    assert set(errors) == set(files)
    for name, (path, word) in files.items():
        row = errors[name]
        assert row["file"] == str(path), name
        assert row["stage"] == "decode", name
        assert word in row["message"], (name, row["message"])
    assert asr.calls == 1  # only the good call reached the models
    table = pd.read_parquet(out / "errors.parquet")
    assert sorted(Path(f).name for f in table["file"]) == sorted(files)
    assert set(table.columns) >= {"file", "stage", "message"}
    assert (out / "calls" / "good.json").exists()
    assert list(pd.read_parquet(out / "calls.parquet")["call_id"]) == ["good"]


def test_cli_bad_files_exit_nonzero_and_keep_earlier_results(
    tmp_path: Path, good_call: Path, fake_models, capsys
) -> None:
    out = tmp_path / "out"
    assert main(["score", str(good_call), "--out", str(out)]) == 0
    before = (out / "calls" / "good.json").read_bytes()
    files = make_bad_files(tmp_path / "bad")
    rc = main(["score", *[str(p) for p, _ in files.values()], "--out", str(out)])
    assert rc == 1
    printed = capsys.readouterr().out
    assert "0 scored" in printed and f"{len(files)} failed" in printed
    for path, _ in files.values():
        assert str(path) in printed
    assert (out / "calls" / "good.json").read_bytes() == before  # earlier result kept untouched
    assert list(pd.read_parquet(out / "calls.parquet")["call_id"]) == ["good"]
    assert len(pd.read_parquet(out / "errors.parquet")) == len(files)


def test_bad_manifest_rows_are_error_rows_and_good_rows_still_run(
    tmp_path: Path, good_call: Path, fake_models
) -> None:
    manifest = tmp_path / "in" / "calls.csv"
    manifest.write_text(
        "call_id,audio_path,language,channel_layout,ring_s\n"
        "ok,good.wav,en,mono,2\n"  # line 2
        "lang,good.wav,fr,mono,\n"  # line 3
        "layout,good.wav,en,quad,\n"  # line 4
        "ring,good.wav,en,mono,three\n"  # line 5
        "stereo,good.wav,en,stereo_agent_left,\n"  # line 6: a mono file said to be stereo
    )
    out = tmp_path / "out"
    rc = main(["score", str(manifest), "--out", str(out)])
    assert rc == 1
    rows = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    by_id = {r["call_id"]: r for r in rows}
    assert set(by_id) == {"lang", "layout", "ring", "stereo"}
    for cid, line, words in [
        ("lang", 3, ["'fr'", "language"]),
        ("layout", 4, ["'quad'", "channel_layout"]),
        ("ring", 5, ["'three'", "ring_s"]),
    ]:
        assert by_id[cid]["file"] == str(manifest)
        assert by_id[cid]["stage"] == "manifest"
        assert by_id[cid]["message"].startswith(f"line {line}:")
        for w in words:
            assert w in by_id[cid]["message"]
    assert by_id["stereo"]["file"] == str(good_call)
    assert "stereo" in by_id["stereo"]["message"] and "1 channel" in by_id["stereo"]["message"]
    assert json.loads((out / "calls" / "ok.json").read_text())["call_id"] == "ok"
    assert sorted(p.name for p in (out / "calls").iterdir()) == ["ok.json"]


def test_jsonl_manifest_with_broken_line(tmp_path: Path, good_call: Path, fake_models) -> None:
    manifest = tmp_path / "in" / "calls.jsonl"
    manifest.write_text('{"call_id": "a", "audio_path": "good.wav"}\n{not json\n["a list"]\n')
    out = tmp_path / "out"
    assert main(["score", str(manifest), "--out", str(out)]) == 1
    rows = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert [(r["stage"], r["message"].split(":")[0]) for r in rows] == [
        ("manifest", "line 2"),
        ("manifest", "line 3"),
    ]
    assert (out / "calls" / "a.json").exists()


def test_missing_input_path_that_is_not_audio(tmp_path: Path, good_call: Path, fake_models) -> None:
    out = tmp_path / "out"
    assert main(["score", str(tmp_path / "nowhere"), str(good_call), "--out", str(out)]) == 1
    (row,) = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert row["file"] == str(tmp_path / "nowhere") and row["stage"] == "input"
    assert (out / "calls" / "good.json").exists()


def test_model_crash_in_one_call_is_an_error_row(tmp_path: Path, good_call: Path, config) -> None:
    from foundation_fakes import alternating_diarizer

    class ExplodingTranscriber:
        name = "fake-exploding"

        def transcribe(self, samples_16k, *, language, regions=None):
            raise RuntimeError("CUDA out of memory")

    metas, errs = collect_inputs([good_call], defaults=config.defaults)
    summary = score_batch(
        metas,
        errs,
        config=config,
        out_dir=str(tmp_path / "out"),
        models=Models(config, transcriber=ExplodingTranscriber(), diarizer=alternating_diarizer()),
        progress=lambda m: None,
    )
    assert summary.exit_code == 1
    (row,) = summary.failed
    assert row["stage"] == "asr" and row["file"] == str(good_call) and "CUDA out of memory" in row["message"]
