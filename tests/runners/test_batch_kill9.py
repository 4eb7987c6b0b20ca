"""`kill -9` in the middle of a batch, then the same command again: every call exactly once, nothing torn."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from batch_calls import make_calls

from callqa.store.tables import connect

N = 80


def _start(manifest: Path, out: Path, workers: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path.cwd()), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "callqa.cli",
            "score",
            str(manifest),
            "--out",
            str(out),
            "--set",
            f"runtime.workers={workers}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _kill_after(proc: subprocess.Popen, out: Path, n_written: int, timeout_s: float = 120) -> int:
    deadline = time.monotonic() + timeout_s
    calls = out / "calls"
    while time.monotonic() < deadline:
        done = len(list(calls.glob("*.json"))) if calls.is_dir() else 0
        if done >= n_written:
            assert proc.poll() is None, "the batch finished before it could be killed"
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return done
        time.sleep(0.005)
    proc.kill()
    raise AssertionError(f"no {n_written} results within {timeout_s} s: {proc.communicate()[1][-2000:]}")


def _workers_gone(out: Path, timeout_s: float = 10.0) -> bool:
    """No process whose command line names this results folder is left (Linux /proc)."""
    if not Path("/proc/self/cmdline").exists():
        return True
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        alive = []
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                if str(out).encode() in cmdline.read_bytes():
                    alive.append(cmdline.parent.name)
            except OSError:  # exited meanwhile
                continue
        if not alive:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("workers", [1, 2])
def test_kill9_twice_then_rerun_finishes_with_every_call_once(tmp_path: Path, workers: int) -> None:
    nights = ["2026-11-23T21:00:00", "2026-11-24T08:30:00"]
    manifest = make_calls(tmp_path / "in", N, started_at=nights)
    out = tmp_path / "out"

    proc = _start(manifest, out, workers)
    first = _kill_after(proc, out, 5)
    assert proc.returncode == -signal.SIGKILL
    assert 5 <= first < N
    assert _workers_gone(out), "worker processes outlived the killed batch"
    assert not (out / "calls.parquet").exists()  # killed before the tables: nothing pretends to be complete

    # what a crash mid-write leaves behind: temp files; they must never be read as results
    (out / "calls" / ".c079.json.x1y2.tmp").write_text('{"call_id": "c079", "score": 0, "tru')
    proc = _start(manifest, out, workers)
    second = _kill_after(proc, out, first + 10)
    assert proc.returncode == -signal.SIGKILL and second < N

    proc = _start(manifest, out, workers)
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr[-2000:]
    head = next(ln for ln in stdout.splitlines() if " scored, " in ln)
    scored, skipped = int(head.split(" scored")[0]), int(head.split(", ")[1].split(" skipped")[0])
    assert skipped >= second and scored + skipped == N  # finished the rest, redid nothing already saved

    calls = pd.read_parquet(out / "calls.parquet")
    assert len(calls) == N and calls["call_id"].is_unique
    assert sorted(calls["call_id"]) == [f"c{i:03d}" for i in range(N)]
    assert sorted(calls["night"].astype(str).unique()) == ["2026-11-23", "2026-11-24"]
    checks = pd.read_parquet(out / "checks.parquet")
    assert checks.groupby("call_id")["check"].apply(lambda s: s.is_unique).all()
    assert set(checks["call_id"]) == set(calls["call_id"])
    utts = pd.read_parquet(out / "utterances.parquet")
    assert (utts.groupby("call_id").size() == 5).all() and utts["call_id"].nunique() == N
    for path in (out / "calls").glob("*.json"):
        json.loads(path.read_text())  # every stored result parses
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    con = connect(out)
    try:
        assert con.execute("SELECT count(*), count(DISTINCT call_id) FROM calls").fetchone() == (N, N)
    finally:
        con.close()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_saves_what_is_done_and_says_how_to_finish(tmp_path: Path, sig: int) -> None:
    manifest = make_calls(tmp_path / "in", N)
    out = tmp_path / "out"
    proc = _start(manifest, out, 1)
    deadline = time.monotonic() + 120
    while not (out / "calls").is_dir() or len(list((out / "calls").glob("*.json"))) < 5:
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.005)
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr[-2000:]
    assert "interrupted" in stderr and "run the same command again to finish" in stderr
    saved = sorted(p.stem for p in (out / "calls").glob("*.json"))
    assert 5 <= len(saved) < N
    assert sorted(pd.read_parquet(out / "calls.parquet")["call_id"]) == saved  # tables match what was saved
