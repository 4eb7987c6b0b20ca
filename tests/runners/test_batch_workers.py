"""Safe with workers: workers only compute; the main process writes every call, error row and table."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from batch_calls import make_calls

from callqa.cli import main


def _corrupt_files(folder: Path) -> list[Path]:
    good = (folder / "c000.wav").read_bytes()
    bad = {
        "bad_noise.wav": bytes(range(256)) * 16,
        "bad_empty.wav": b"",
        "bad_text.wav": b"not audio at all\n" * 50,
        "bad_cut_header.wav": good[:20],
        "bad_truncated.wav": good[: len(good) // 3],
        "bad_png.wav": b"\x89PNG\r\n\x1a\n" + bytes(400),
    }
    for name, data in bad.items():
        (folder / name).write_bytes(data)
    return [folder / n for n in bad]


def test_two_workers_two_good_six_corrupt_every_row_and_call(tmp_path: Path) -> None:
    manifest = make_calls(tmp_path / "in", 2, audio=True)
    bad = _corrupt_files(tmp_path / "in")
    with manifest.open("a") as f:
        for p in bad:
            f.write(f"{p.stem},{p.name},,,,,\n")
    out = tmp_path / "out"
    assert main(["score", str(manifest), "--out", str(out), "--set", "runtime.workers=2"]) == 1

    calls = pd.read_parquet(out / "calls.parquet")
    assert sorted(calls["call_id"]) == ["c000", "c001"]
    errors = pd.read_parquet(out / "errors.parquet")
    assert sorted(errors["call_id"]) == sorted(p.stem for p in bad)
    assert sorted(Path(f).name for f in errors["file"]) == sorted(p.name for p in bad)
    assert set(errors["stage"]) == {"decode"}
    # the log itself: one intact JSON line per failed call, nothing torn or interleaved
    lines = (out / "errors.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["call_id"] for line in lines) == sorted(p.stem for p in bad)
    assert sorted(p.name for p in (out / "calls").iterdir()) == ["c000.json", "c001.json"]
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_workers_and_serial_give_the_same_results(tmp_path: Path) -> None:
    manifest = make_calls(tmp_path / "in", 4, audio=True)
    assert main(["score", str(manifest), "--out", str(tmp_path / "one")]) == 0
    assert main(["score", str(manifest), "--out", str(tmp_path / "two"), "--set", "runtime.workers=2"]) == 0
    a = pd.read_parquet(tmp_path / "one" / "calls.parquet").set_index("call_id").sort_index()
    b = pd.read_parquet(tmp_path / "two" / "calls.parquet").set_index("call_id").sort_index()
    assert list(a.index) == ["c000", "c001", "c002", "c003"]
    assert a["score"].tolist() == b["score"].tolist()
    assert a["score"].nunique() > 1  # the calls differ, so the comparison means something
