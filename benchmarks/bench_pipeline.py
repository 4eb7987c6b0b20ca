"""Real-time factor per pipeline stage on a real 8 kHz call, mono mix and stereo legs, against the naive glue.

    .venv/bin/python benchmarks/bench_pipeline.py [--seconds 60] [--no-naive] [--set diarization.backend=campplus ...]

The call: 3 rings of real ringback (baresip), `--seconds` of aws-lca call 40 (agent + caller), the real qMOH
hold music twice (43.6 s), then 20 more seconds of the call — like the issue's 102-s call with a hold.
RTF = processing seconds / audio seconds (0.125 = 8× faster than real time). Models are loaded once before
timing. callqa runs in this process; `benchmarks/naive_glue.py` runs the same file in a subprocess right after
each callqa run (alternating, same load), and the ratio naive / callqa is printed with both peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "0")

import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402
from naive_glue import peak_rss_mb  # noqa: E402  (benchmarks/ is on sys.path: run as a script)

ROOT = Path(__file__).resolve().parent.parent
EXT = ROOT / "tests" / "data" / "external"


def build_call(seconds: float, tmp: Path) -> tuple[Path, Path, float]:
    """Mono and stereo (agent left) versions of ringback + speech + hold music + speech, 8 kHz PCM."""
    from callqa.ingest.audio import load_audio, resample

    sr = 8000
    agent, _ = sf.read(EXT / "aws-lca" / "Auto_Repairs_40_UTC_agent.wav", dtype="float32")
    caller, _ = sf.read(EXT / "aws-lca" / "Auto_Repairs_40_UTC_caller.wav", dtype="float32")
    ring = load_audio(EXT / "baresip" / "ringback.wav")
    moh = load_audio(EXT / "qmoh" / "qMOH-friends_inline.wav")
    ring = np.tile(resample(ring.mono(), ring.sample_rate, sr), 3)
    moh = np.tile(resample(moh.mono(), moh.sample_rate, sr), 2) * 0.5
    n1, n2 = int(seconds * sr), int((seconds + 20) * sr)
    quiet = np.zeros
    left = np.concatenate([ring, agent[:n1], moh, agent[n1:n2]])
    right = np.concatenate([quiet(len(ring)), caller[:n1], quiet(len(moh)), caller[n1:n2]])
    sf.write(tmp / "mono.wav", 0.5 * (left + right), sr, subtype="PCM_16")
    sf.write(tmp / "stereo.wav", np.stack([left, right], axis=1), sr, subtype="PCM_16")
    return tmp / "mono.wav", tmp / "stereo.wav", len(left) / sr


def naive(path: Path, stereo: bool) -> dict:
    cmd = [sys.executable, str(ROOT / "benchmarks" / "naive_glue.py"), str(path)] + (
        ["--stereo"] if stereo else []
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0, help="speech before the hold")
    parser.add_argument("--no-naive", action="store_true")
    parser.add_argument("--set", action="append", default=[])
    args = parser.parse_args()

    import torch

    from callqa.config import load_config
    from callqa.models.holder import Models
    from callqa.pipeline import analyze_call
    from callqa.types import CallMeta

    config = load_config(None, tuple(args.set))
    tmp = Path(tempfile.mkdtemp())
    mono, stereo, duration = build_call(args.seconds, tmp)
    models = Models(config)
    t = time.perf_counter()
    models.asr().model  # noqa: B018 - load outside the timing
    diarizer = models.diarization()
    getattr(diarizer, "pipeline", None) or getattr(diarizer, "embedder", None)
    print(
        f"model load {time.perf_counter() - t:.1f} s; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
        f"torch threads {torch.get_num_threads()}; asr {config.asr.model} {config.asr.compute_type} "
        f"beam {config.asr.beam_size} threads {getattr(models.asr(), 'threads', '?')} speech_only {config.asr.speech_only}; "
        f"diarization {config.diarization.backend} ({config.diarization.runtime}, "
        f"embedding stride {config.diarization.embedding_stride})"
    )
    print(f"{'layout':8s} {'stage':12s} {'seconds':>8s} {'RTF':>7s}   (audio {duration:.0f} s)")
    for layout, path in (("mono", mono), ("stereo_agent_left", stereo)):
        meta = CallMeta(call_id=layout, audio_path=str(path), language="en", channel_layout=layout)
        analyze_call(
            meta, config, models=models
        ) if layout == "mono" else None  # warm-up (VAD, first-call costs)
        t = time.perf_counter()
        result = analyze_call(meta, config, models=models)
        total = time.perf_counter() - t
        for stage, secs in result.timings_s.items():
            print(f"{layout[:8]:8s} {stage:12s} {secs:8.2f} {secs / duration:7.3f}")
        rss = peak_rss_mb()
        print(
            f"{layout[:8]:8s} {'total':12s} {total:8.2f} {total / duration:7.3f}   peak RSS {rss:.0f} MB, "
            f"{sum(len(u.words) for u in result.call.utterances)} words, {len(result.call.transcript.turns)} turns"
        )
        if not args.no_naive:
            glue = naive(path, layout != "mono")
            stages = " ".join(
                f"{k[:-2]} {v:.2f}" for k, v in glue.items() if k.endswith("_s") and k != "total_s"
            )
            print(
                f"{layout[:8]:8s} {'naive glue':12s} {glue['total_s']:8.2f} {glue['total_s'] / duration:7.3f}   "
                f"({stages}; peak RSS {glue['peak_rss_mb']:.0f} MB, {glue['words']} words) "
                f"-> callqa is {glue['total_s'] / total:.2f}x faster"
            )
    print(f"load average at the end {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
