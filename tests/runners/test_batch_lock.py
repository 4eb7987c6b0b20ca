"""Two runs on one results folder: the second refuses naming the first; a killed run's lock blocks nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batch_calls import make_calls

from callqa.cli import main
from callqa.store.lock import FolderBusy, FolderLock

HOLDER = """
import sys, time
from callqa.store.lock import FolderLock
lock = FolderLock(sys.argv[1]); lock.acquire()
print("locked", flush=True)
time.sleep(120)
"""


def _hold(out: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path.cwd()), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(out), "callqa-nightly"], stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_second_run_refuses_naming_the_running_process_then_runs_after_kill9(tmp_path: Path, capsys) -> None:
    manifest = make_calls(tmp_path / "in", 2)
    out = tmp_path / "out"
    holder = _hold(out)
    try:
        assert main(["score", str(manifest), "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert f"is in use by process {holder.pid}" in err
        assert "callqa-nightly" in err  # its command line
        assert not (out / "calls").exists()  # nothing written
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert (out / "callqa.lock").exists()  # the killed run left its lock file ...
    assert main(["score", str(manifest), "--out", str(out)]) == 0  # ... and it blocks nothing
    assert sorted(p.name for p in (out / "calls").iterdir()) == ["c000.json", "c001.json"]


def test_lock_is_reentrant_in_one_process_and_released(tmp_path: Path) -> None:
    with FolderLock(tmp_path), FolderLock(tmp_path):
        pass
    holder = _hold(tmp_path)
    try:
        with pytest.raises(FolderBusy):
            FolderLock(tmp_path).acquire()
    finally:
        holder.kill()
        holder.wait()
    deadline = time.monotonic() + 5
    while True:  # the kernel releases the flock when the process is gone
        try:
            with FolderLock(tmp_path):
                break
        except FolderBusy:
            assert time.monotonic() < deadline
            time.sleep(0.05)


def test_report_refuses_while_a_batch_runs(tmp_path: Path, capsys) -> None:
    holder = _hold(tmp_path / "out")
    try:
        assert main(["report", "--out", str(tmp_path / "out")]) == 2
        assert f"is in use by process {holder.pid}" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()


TRY_LOCK = """
import sys
from callqa.store.lock import FolderBusy, FolderLock
try:
    FolderLock(sys.argv[1]).acquire()
    print("locked")
except FolderBusy:
    print("busy")
"""


def _forked_worker(close: bool, ready, stop) -> None:
    from callqa.store.lock import close_inherited_locks

    if close:
        close_inherited_locks()
    ready.set()
    stop.wait(30)


@pytest.mark.parametrize("close", [True, False])
def test_forked_workers_do_not_keep_a_dead_batchs_lock(tmp_path: Path, close: bool) -> None:
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    lock = FolderLock(tmp_path)
    lock.acquire()
    ready, stop = ctx.Event(), ctx.Event()
    child = ctx.Process(target=_forked_worker, args=(close, ready, stop))
    child.start()
    try:
        assert ready.wait(30)
        lock.release()  # the batch's own descriptor is gone (as when it is killed); its worker lives on
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(Path.cwd()), os.environ.get("PYTHONPATH", "")]),
        }
        res = subprocess.run(
            [sys.executable, "-c", TRY_LOCK, str(tmp_path)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        # with the worker's inherited copy closed the folder is free; without it (control) it stays locked
        assert res.stdout.strip() == ("locked" if close else "busy"), res.stderr
    finally:
        stop.set()
        child.join(10)
