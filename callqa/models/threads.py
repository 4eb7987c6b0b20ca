"""How many threads each model library gets in one worker process.

One process on a 2-core machine runs Whisper (CTranslate2), pyannote's segmentation (PyTorch) and CAM++ (ONNX
Runtime) one after the other, so each may use every core the process owns; `runtime.workers` processes share the
machine, so each gets cores // workers. `runtime.threads` sets it explicitly; a Dask worker (whose nanny sets
OMP_NUM_THREADS=1) or a user's OMP_NUM_THREADS is respected.

CTranslate2 and PyTorch share the process's OpenMP runtime: loading a Whisper model with `cpu_threads=n` sets
PyTorch's thread count to n too (measured: torch 2 -> 1 after `cpu_threads=1`), so both are set here together.
"""

from __future__ import annotations

import os
import sys

from callqa.config import Config


def machine_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def threads_per_worker(config: Config) -> int:
    explicit = int(getattr(config.runtime, "threads", 0) or 0)
    if explicit > 0:
        return explicit
    env = os.environ.get("OMP_NUM_THREADS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, machine_cores() // max(1, int(config.runtime.workers or 1)))


def apply_torch_threads(n: int) -> None:
    """Set PyTorch's intra-op threads when PyTorch is loaded (never imports it)."""
    torch = sys.modules.get("torch")
    if torch is not None and torch.get_num_threads() != n:
        torch.set_num_threads(n)
