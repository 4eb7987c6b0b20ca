"""Real-time factor per pipeline stage on a real 8 kHz call (aws-lca 40), mono mix and stereo legs.

    .venv/bin/python benchmarks/bench_pipeline.py [--seconds 120] [--set asr.beam_size=1 ...]

RTF = processing seconds / audio seconds (lower is faster; 0.1 = ten times faster than real time).
Models are loaded once before timing. Prints one row per stage and layout.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "0")

import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXT = ROOT / "tests" / "data" / "external" / "aws-lca"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--set", action="append", default=[])
    args = parser.parse_args()

    import torch

    from callqa.config import load_config
    from callqa.pipeline import Models, analyze_call
    from callqa.types import CallMeta

    config = load_config(None, tuple(args.set))
    agent, sr = sf.read(EXT / "Auto_Repairs_40_UTC_agent.wav", dtype="float32")
    caller, _ = sf.read(EXT / "Auto_Repairs_40_UTC_caller.wav", dtype="float32")
    n = min(len(agent), int(args.seconds * sr))
    tmp = Path(tempfile.mkdtemp())
    sf.write(tmp / "mono.wav", 0.5 * (agent[:n] + caller[:n]), sr, subtype="PCM_16")
    sf.write(tmp / "stereo.wav", np.stack([agent[:n], caller[:n]], axis=1), sr, subtype="PCM_16")
    models = Models(config)
    t = time.perf_counter()
    models.asr().model  # noqa: B018 - load outside the timing
    models.diarization().pipeline  # noqa: B018
    print(f"model load: {time.perf_counter() - t:.1f} s; torch threads {torch.get_num_threads()}, "
          f"asr {config.asr.model} {config.asr.compute_type} beam {config.asr.beam_size}; {os.cpu_count()} CPUs")
    duration = n / sr
    print(f"{'layout':8s} {'stage':12s} {'seconds':>8s} {'RTF':>7s}   (audio {duration:.0f} s)")
    for layout, path in (("mono", tmp / "mono.wav"), ("stereo_agent_left", tmp / "stereo.wav")):
        meta = CallMeta(call_id=layout, audio_path=str(path), language="en", channel_layout=layout)
        t = time.perf_counter()
        result = analyze_call(meta, config, models=models)
        total = time.perf_counter() - t
        for stage, secs in result.timings_s.items():
            print(f"{layout[:8]:8s} {stage:12s} {secs:8.2f} {secs / duration:7.3f}")
        print(f"{layout[:8]:8s} {'total':12s} {total:8.2f} {total / duration:7.3f}")


if __name__ == "__main__":
    main()
