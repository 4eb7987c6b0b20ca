"""The glue a user would write in an afternoon: the baseline `bench_pipeline.py` and `bench_night.py` compare with.

    .venv/bin/python benchmarks/naive_glue.py CALL.wav [--stereo]
    .venv/bin/python benchmarks/naive_glue.py --manifest manifest.csv      # a night: every call, models loaded once

faster-whisper base `transcribe()` with its defaults (plus word timestamps) on the whole file, pyannote
`SpeakerDiarization` (segmentation-3.0 + the same CAM++ weights, `num_speakers=2`) on the whole file, words put
on turns by overlap; stereo: each leg transcribed, no diarization. Same model files as callqa. One file: models
loaded before timing. A manifest (`audio_path`, `language`, `channel_layout`, as callqa reads it): the models are
loaded once, as a script would, then the calls run one after the other; `load_s` is the model loading.
Prints one JSON line: seconds per stage, words, turns, peak RSS.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import time
from pathlib import Path

os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "0")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM; unlike ru_maxrss it is not inherited across fork + exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Glue:
    """Whisper + pyannote's stock pipeline, loaded once."""

    def __init__(self, *, diarization: bool = True):
        import torch
        from faster_whisper import WhisperModel

        from callqa.config import DiarizationConfig
        from callqa.diarization.pyannote_diarizer import PyannoteDiarizer
        from callqa.models.paths import resolve_whisper_model

        self.model = WhisperModel(
            resolve_whisper_model("base", None), device="cpu", compute_type="int8", local_files_only=True
        )
        # pyannote's stock pipeline: segmentation-3.0 + CAM++ in PyTorch, every chunk embedded, num_speakers=2,
        # step 0.1
        self.diarizer = PyannoteDiarizer(
            DiarizationConfig(
                embedding_stride=1, runtime="torch", segmentation_batch_size=16, embedding_batch_size=16
            )
        )
        if diarization:
            self.diarizer.pipeline  # noqa: B018 - load outside the timing
        self.torch_threads = torch.get_num_threads()

    def run(self, audio: str, *, stereo: bool, language: str = "en") -> dict:
        import numpy as np
        import soundfile as sf
        from scipy.signal import resample_poly

        out: dict = {}
        t = time.perf_counter()
        x, sr = sf.read(audio, dtype="float32", always_2d=True)
        legs = [x[:, c] for c in range(x.shape[1])] if stereo else [x.mean(axis=1)]
        legs = [resample_poly(leg, 16000, sr).astype(np.float32) for leg in legs]
        out["decode_s"] = time.perf_counter() - t
        t = time.perf_counter()
        words = []
        for leg in legs:
            segments, _ = self.model.transcribe(leg, language=language, word_timestamps=True)
            words.append([(w.start, w.end, w.word) for s in segments for w in (s.words or [])])
        out["asr_s"] = time.perf_counter() - t
        if not stereo:
            t = time.perf_counter()
            turns = self.diarizer.diarize(legs[0])
            out["diarization_s"] = time.perf_counter() - t
            t = time.perf_counter()
            labelled = []
            for a, b, text in words[0]:  # whisperX-style: the speaker overlapping the word most
                best = max(turns, key=lambda tr: min(b, tr.end_s) - max(a, tr.start_s), default=None)
                labelled.append((best.speaker if best else None, text))
            out["align_s"] = time.perf_counter() - t
            out["turns"] = len(turns)
        out["total_s"] = sum(v for k, v in out.items() if k.endswith("_s"))
        out["words"] = sum(len(w) for w in words)
        out["audio_s"] = len(x) / sr
        return out


def run_manifest(path: Path) -> dict:
    rows = list(csv.DictReader(open(path, newline="")))
    t = time.perf_counter()
    glue = Glue(diarization=any(r.get("channel_layout", "mono") == "mono" for r in rows))
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    calls = []
    for r in rows:
        audio = Path(r["audio_path"])
        audio = audio if audio.is_absolute() else path.parent / audio
        stereo = r.get("channel_layout", "mono") != "mono"
        calls.append(glue.run(str(audio), stereo=stereo, language=r.get("language") or "en"))
    return {
        "load_s": load_s,
        "calls_s": time.perf_counter() - t,
        "calls": len(calls),
        "audio_s": sum(c["audio_s"] for c in calls),
        "words": sum(c["words"] for c in calls),
        "asr_s": sum(c["asr_s"] for c in calls),
        "diarization_s": sum(c.get("diarization_s", 0.0) for c in calls),
        "torch_threads": glue.torch_threads,
        "peak_rss_mb": peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("audio", nargs="?")
    parser.add_argument("--stereo", action="store_true")
    parser.add_argument("--manifest", type=Path)
    args = parser.parse_args()
    if args.manifest:
        print(json.dumps(run_manifest(args.manifest)))
        return
    if not args.audio:
        parser.error("give CALL.wav or --manifest")
    glue = Glue(diarization=not args.stereo)
    out = {"torch_threads": glue.torch_threads, **glue.run(args.audio, stereo=args.stereo)}
    out.pop("decode_s")  # the single-file figures compare models only (bench_pipeline)
    out.pop("audio_s")
    out["total_s"] = sum(v for k, v in out.items() if k.endswith("_s") and k != "total_s")
    out["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
