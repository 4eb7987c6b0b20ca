"""ONNX exports of our PyTorch models, kept in the model cache, and the ONNX Runtime sessions that run them.

An export is made once from the local weights (the `onnx` package does it; nothing is downloaded), named by the
checkpoint's SHA-256, written atomically (pool workers may race), and reused by every later run.
"""

from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path

import torch


@lru_cache(maxsize=8)
def onnx_cache_path(kind: str, checkpoint: str) -> Path:
    """`<cache>/onnx/<kind>-<sha256 of the checkpoint, 16 hex>.onnx`."""
    from callqa.models.paths import cache_dir, file_sha256

    return cache_dir() / "onnx" / f"{kind}-{file_sha256(Path(checkpoint))[:16]}.onnx"


def export_onnx_once(
    module: torch.nn.Module, example: torch.Tensor, target: Path, names: tuple[str, str], dynamic: dict
) -> Path:
    """torch.onnx.export into `target` atomically (workers may race), unless it is there already."""
    if target.exists():
        return target
    from callqa.models.paths import cache_lock

    with cache_lock():  # workers starting together: one exports, the others wait and reuse it
        if target.exists():
            return target
        return _export(module, example, target, names, dynamic)


def _export(
    module: torch.nn.Module, example: torch.Tensor, target: Path, names: tuple[str, str], dynamic: dict
) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-", suffix=".onnx")
    os.close(fd)
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                module,
                (example,),
                tmp,
                input_names=[names[0]],
                output_names=[names[1]],
                dynamic_axes=dynamic,
                opset_version=17,
                dynamo=False,
            )
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def onnx_session(path: Path, threads: int):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, threads)
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # idle threads sleep instead of spinning, so they do not starve Whisper or the next torch stage
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
