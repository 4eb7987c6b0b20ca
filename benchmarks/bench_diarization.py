"""DER and real-time factor of the mono diarization (segmentation-3.0 + CAM++) on real recordings.

    .venv/bin/python benchmarks/bench_diarization.py [--steps 0.1 0.2] [--full]

pyannote's sample.wav is scored against its human RTTM; the two aws-lca calls are mixed to mono from their
separate legs and scored against the channel-energy RTTM (a mechanical reference, boundaries ±50-350 ms).
DER uses no collar and scores overlap (pyannote.metrics defaults). Prints one row per (file, step).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "0")

import soundfile as sf  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXT = ROOT / "tests" / "data" / "external"


def read_rttm(path: Path):
    from pyannote.core import Annotation, Segment

    ref = Annotation()
    for line in path.read_text().splitlines():
        p = line.split()
        ref[Segment(float(p[3]), float(p[3]) + float(p[4]))] = p[7]
    return ref


def cases(full: bool):
    from callqa.ingest.audio import for_model, load_audio

    a = load_audio(EXT / "pyannote-audio" / "sample.wav")
    yield (
        "pyannote sample.wav",
        for_model(a.mono(), a.sample_rate),
        read_rttm(EXT / "pyannote-audio" / "sample.rttm"),
    )
    for call in ("40", "49"):
        agent, sr = sf.read(EXT / "aws-lca" / f"Auto_Repairs_{call}_UTC_agent.wav", dtype="float32")
        caller, _ = sf.read(EXT / "aws-lca" / f"Auto_Repairs_{call}_UTC_caller.wav", dtype="float32")
        ref = read_rttm(
            EXT / "aws-lca" / "derived" / f"Auto_Repairs_{call}_UTC_stereo_agentL_callerR.channel_energy.rttm"
        )
        n = len(agent) if full else int(120 * sr)
        if not full:
            from pyannote.core import Segment

            ref = ref.crop(Segment(0, n / sr))
        yield f"aws-lca {call} mono mix ({n / sr:.0f} s)", for_model(0.5 * (agent[:n] + caller[:n]), sr), ref


def speech_only_regions(x_16k):
    """The regions `asr.speech_only` / `diarization.speech_only` give the models (signal layer on 8 kHz)."""
    import numpy as np

    from callqa.asr.regions import speech_regions
    from callqa.config import load_config
    from callqa.ingest.audio import Audio, resample
    from callqa.signal.analyze import analyze_signal
    from callqa.types import CallMeta

    x8 = resample(x_16k, 16000, 8000).astype(np.float32)
    signal = analyze_signal(Audio(x8[None], 8000), config=load_config().signal, meta=CallMeta("bench", None))
    return speech_regions(signal)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=float, nargs="+", default=[0.1])
    parser.add_argument("--strides", type=int, nargs="+", default=[1], help="diarization.embedding_stride")
    parser.add_argument("--backend", nargs="+", default=["pyannote"], help="pyannote and/or campplus")
    parser.add_argument(
        "--speech-only",
        action="store_true",
        help="diarize only the signal layer's speech regions, as the pipeline does by default",
    )
    parser.add_argument(
        "--full", action="store_true", help="whole aws-lca calls (~4 min each) instead of 2 min"
    )
    args = parser.parse_args()

    from pyannote.core import Annotation, Segment
    from pyannote.metrics.diarization import DiarizationErrorRate

    from callqa.config import DiarizationConfig
    from callqa.diarization.pyannote_diarizer import PyannoteDiarizer
    from callqa.diarization.windowed import WindowedDiarizer

    print(
        f"{'file':34s} {'backend':9s} {'step':>5s} {'k':>3s} {'DER':>6s} {'miss':>6s} {'fa':>6s} {'conf':>6s} {'RTF':>6s}"
    )
    for name, x, ref in cases(args.full):
        regions = speech_only_regions(x) if args.speech_only else None
        for backend, step, stride in [
            (b, s, k)
            for b in args.backend
            for s in (args.steps if b == "pyannote" else [0.0])
            for k in (args.strides if b == "pyannote" else [1])
        ]:
            if backend == "pyannote":
                diarizer = PyannoteDiarizer(
                    DiarizationConfig(segmentation_step=step, embedding_stride=stride)
                )
                diarizer.pipeline  # noqa: B018 - load outside the timing
            else:
                diarizer = WindowedDiarizer(DiarizationConfig(backend=backend))
                diarizer.embedder  # noqa: B018
            t = time.perf_counter()
            turns = diarizer.diarize(x, regions=regions)
            elapsed = time.perf_counter() - t
            hyp = Annotation()
            for turn in turns:
                hyp[Segment(turn.start_s, turn.end_s)] = turn.speaker
            d = DiarizationErrorRate()(ref, hyp, detailed=True)
            tot = d["total"]
            print(
                f"{name:34s} {backend:9s} {step:5.2f} {stride:3d} {d['diarization error rate']:6.3f} {d['missed detection'] / tot:6.3f} "
                f"{d['false alarm'] / tot:6.3f} {d['confusion'] / tot:6.3f} {elapsed / (len(x) / 16000):6.3f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
