"""The GPU path on a CUDA machine: Whisper (CTranslate2) and pyannote on the GPU, batched decoding, against the CPU.

    .venv/bin/python benchmarks/bench_gpu.py [--batch-sizes 0 8 16] [--compute-type float16] [--night 12]
                                             [--model-path /models/whisper-large-v3-ct2] [--cpu]

Needs a CUDA build of CTranslate2 (the PyPI wheel is one) and, for `diarization.device: cuda`, a CUDA build of
PyTorch (this project installs the CPU build: `pip install torch==2.13.0 --index-url .../cu12x` on the GPU box).
It stops with the configuration error callqa itself gives when CUDA is missing (callqa/models/devices.py).

1. The 122-s call of `bench_pipeline.py` (real ringback, aws-lca call 40, real qMOH hold), mono and stereo, with
   `asr.device=cuda asr.compute_type=float16 diarization.device=cuda` and each `--batch-sizes` value for
   `asr.batch_size` (0 = sequential decoding with temperature fallback): RTF per stage, models loaded once,
   one warm-up call; `--cpu` adds the same call on the CPU defaults for the ratio.
2. `--night N`: the first N calls of `bench_night.py`'s night through `callqa score` with the GPU settings and
   `runtime.workers=1` (one process owns the GPU), end to end from a cold start: x real time.
Prints the device name, the load average, and the words per run so a batch size that loses words shows.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "0")


def gpu_settings(args: argparse.Namespace, batch_size: int) -> list[str]:
    sets = [
        "asr.device=cuda",
        f"asr.compute_type={args.compute_type}",
        "diarization.device=cuda",
        f"asr.batch_size={batch_size}",
    ]
    if args.model_path:
        sets.append(f"asr.model_path={args.model_path}")
    return sets


def run_call(sets: list[str], mono: Path, stereo: Path, duration: float, label: str) -> None:
    from callqa.config import load_config
    from callqa.models.devices import check_devices
    from callqa.pipeline import Models, analyze_call
    from callqa.runners.pool import warm_models
    from callqa.types import CallMeta

    config = load_config(None, tuple(sets))
    check_devices(config)  # a clear error naming the key when CUDA is absent
    models = Models(config)
    t = time.perf_counter()
    warm_models(models, asr=True, diarization=True)
    print(f"[{label}] models loaded in {time.perf_counter() - t:.1f} s ({' '.join(sets) or 'CPU defaults'})")
    for layout, path in (("mono", mono), ("stereo_agent_left", stereo)):
        meta = CallMeta(call_id=layout, audio_path=str(path), language="en", channel_layout=layout)
        analyze_call(meta, config, models=models)  # warm-up: first-call allocations, kernels
        t = time.perf_counter()
        result = analyze_call(meta, config, models=models)
        total = time.perf_counter() - t
        stages = " ".join(f"{k} {v:.2f}" for k, v in result.timings_s.items() if v >= 0.005)
        words = sum(len(u.words) for u in result.call.utterances)
        print(
            f"[{label}] {layout[:6]:6s} {total:6.2f} s, RTF {total / duration:.4f} ({duration / total:.0f}x real "
            f"time), {words} words; {stages}; load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[0, 8, 16])
    parser.add_argument("--compute-type", default="float16")
    parser.add_argument("--model-path", help="a CTranslate2 Whisper folder (default: the shipped base model)")
    parser.add_argument("--cpu", action="store_true", help="also the CPU defaults, for the ratio")
    parser.add_argument("--night", type=int, default=0, help="also N calls of the night end to end")
    args = parser.parse_args()

    import ctranslate2
    from bench_pipeline import build_call

    n_gpu = ctranslate2.get_cuda_device_count()
    name = "?"
    try:
        import torch

        name = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "not visible to PyTorch"
    except Exception:  # noqa: BLE001 - only for the header line
        pass
    print(f"CUDA devices (CTranslate2): {n_gpu}; PyTorch sees: {name}; {os.cpu_count()} CPUs")
    tmp = Path(tempfile.mkdtemp(prefix="callqa-gpu-"))
    mono, stereo, duration = build_call(40, tmp)
    if args.cpu:
        run_call([], mono, stereo, duration, "cpu")
    for bs in args.batch_sizes:
        run_call(gpu_settings(args, bs), mono, stereo, duration, f"cuda batch {bs}")
    if args.night:
        from bench_night import build_night

        manifest, plans, audio_s = build_night(tmp / "night", args.night, 18)
        sets = gpu_settings(args, max(args.batch_sizes)) + ["runtime.workers=1"]
        cmd = [sys.executable, "-m", "callqa.cli", "score", str(manifest), "--out", str(tmp / "night-out")]
        cmd += [a for s in sets for a in ("--set", s)]
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        t = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True, env=env)
        wall = time.perf_counter() - t
        scored = len(list((tmp / "night-out" / "calls").glob("*.json")))
        print(
            f"night: {len(plans)} calls, {audio_s / 60:.1f} min, {wall:.1f} s wall end to end = "
            f"{audio_s / wall:.0f}x real time, {scored} scored (exit {out.returncode})"
        )


if __name__ == "__main__":
    from callqa.models.devices import DeviceUnavailable

    try:
        main()
    except DeviceUnavailable as exc:
        sys.exit(f"bench_gpu: {exc}")
