"""How many threads each model library gets in one worker process.

One process runs Whisper (CTranslate2), pyannote's segmentation and CAM++ (ONNX Runtime) one after the other, so
each may use every core the process owns; `runtime.workers` processes share the machine, so each gets
cores // workers (`runtime.workers: 0` = one process per core, fewer if memory is short). `runtime.threads` sets
it explicitly; a Dask worker (whose nanny sets OMP_NUM_THREADS=1) or a user's OMP_NUM_THREADS is respected.
Measured on 2 cores (`benchmarks/bench_layout.py`, 10 mono calls): 2 processes x 1 thread ran the batch 1.35x
faster than 1 process x 2 threads; one call alone is fastest with all cores in one process.

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


WORKER_PEAK_BYTES = int(1.6 * 2**30)  # one worker's measured peak RSS (1.3-1.35 GB, benchmarks) plus headroom


def available_memory_bytes() -> int | None:
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def worker_count(config: Config) -> int:
    """`runtime.workers`, or for 0 ("auto") one per core, fewer when memory would not hold them."""
    workers = int(config.runtime.workers or 0)
    if workers > 0:
        return workers
    cores = machine_cores()
    memory = available_memory_bytes()
    if memory is not None:
        cores = min(cores, max(1, memory // WORKER_PEAK_BYTES))
    return max(1, cores)


def pool_threads(config: Config, workers: int) -> int:
    """Threads for each of `workers` processes: `runtime.threads`, else their share of the cores."""
    explicit = int(config.runtime.threads or 0)
    return explicit if explicit > 0 else max(1, machine_cores() // max(1, workers))


def threads_per_worker(config: Config) -> int:
    """Threads for the models of this process. `runtime.threads`, else OMP_NUM_THREADS (set by a Dask nanny, or
    by runners/local.py for its pool workers), else cores // `runtime.workers` (0, auto: this process alone)."""
    env = os.environ.get("OMP_NUM_THREADS", "")
    if not config.runtime.threads and env.isdigit() and int(env) > 0:
        return int(env)
    return pool_threads(config, config.runtime.workers or 1)


def apply_torch_threads(n: int) -> None:
    """Set PyTorch's intra-op threads when PyTorch is loaded (never imports it)."""
    torch = sys.modules.get("torch")
    if torch is not None and torch.get_num_threads() != n:
        torch.set_num_threads(n)
