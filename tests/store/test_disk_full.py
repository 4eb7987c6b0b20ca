"""A full disk or an unwritable folder stops the batch with a clear message and leaves no half-written file."""

from __future__ import annotations

import errno
import json
import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "runners"))
from batch_calls import make_calls  # noqa: E402

from callqa.cli import main  # noqa: E402
from callqa.store import atomic  # noqa: E402


def test_disk_full_mid_batch_stops_cleanly_and_rerun_finishes(tmp_path: Path, monkeypatch, capsys) -> None:
    manifest = make_calls(tmp_path / "in", 6)
    out = tmp_path / "out"
    real_fsync = os.fsync
    state = {"calls": 0}

    def fsync_filling_up(fd: int) -> None:
        # the 4th call file's data does not fit: what a full disk reports when the data reaches it
        if os.path.basename(os.readlink(f"/proc/self/fd/{fd}")).startswith(".c0"):
            state["calls"] += 1
            if state["calls"] == 4:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(atomic.os, "fsync", fsync_filling_up)
    assert main(["score", str(manifest), "--out", str(out)]) == 3
    err = capsys.readouterr().err
    assert "No space left on device" in err and str(out) in err and "run the same command again" in err
    # three complete results (which three depends on the order the workers finish in)
    assert len(list((out / "calls").iterdir())) == 3
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]  # no half-written file left
    for p in (out / "calls").iterdir():
        assert json.loads(p.read_text())["call_id"] == p.stem

    monkeypatch.setattr(atomic.os, "fsync", real_fsync)  # space freed
    capsys.readouterr()
    assert main(["score", str(manifest), "--out", str(out)]) == 0
    assert "3 scored, 3 skipped" in capsys.readouterr().out
    assert sorted(pd.read_parquet(out / "calls.parquet")["call_id"]) == [f"c{i:03d}" for i in range(6)]


def test_unwritable_results_folder_is_a_clear_error(tmp_path: Path, capsys) -> None:
    manifest = make_calls(tmp_path / "in", 1)
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the results folder should be")
    assert main(["score", str(manifest), "--out", str(blocker / "out")]) == 2
    err = capsys.readouterr().err
    assert "cannot write to results folder" in err and str(blocker / "out") in err
    assert blocker.read_text() == "a file where the results folder should be"
