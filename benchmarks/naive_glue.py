"""The glue a user would write in an afternoon: the baseline `bench_pipeline.py` compares callqa against.

    .venv/bin/python benchmarks/naive_glue.py CALL.wav [--stereo]

faster-whisper base `transcribe()` with its defaults (plus word timestamps) on the whole file, pyannote
`SpeakerDiarization` (segmentation-3.0 + the same CAM++ weights, `num_speakers=2`) on the whole file, words put
on turns by overlap; stereo: each leg transcribed, no diarization. Same model files as callqa, loaded before
timing. Prints one JSON line: seconds per stage, words, turns, peak RSS.
"""

from __future__ import annotations

import argparse
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("audio")
    parser.add_argument("--stereo", action="store_true")
    args = parser.parse_args()

    import numpy as np
    import soundfile as sf
    import torch
    from faster_whisper import WhisperModel
    from scipy.signal import resample_poly

    from callqa.config import DiarizationConfig
    from callqa.diarization.pyannote_diarizer import PyannoteDiarizer
    from callqa.models.paths import resolve_whisper_model

    x, sr = sf.read(args.audio, dtype="float32", always_2d=True)
    legs = [x[:, c] for c in range(x.shape[1])] if args.stereo else [x.mean(axis=1)]
    legs = [resample_poly(leg, 16000, sr).astype(np.float32) for leg in legs]
    model = WhisperModel(
        resolve_whisper_model("base", None), device="cpu", compute_type="int8", local_files_only=True
    )
    # pyannote's stock pipeline: segmentation-3.0 + CAM++ in PyTorch, every chunk embedded, num_speakers=2, step 0.1
    diarizer = PyannoteDiarizer(
        DiarizationConfig(
            embedding_stride=1, runtime="torch", segmentation_batch_size=16, embedding_batch_size=16
        )
    )
    if not args.stereo:
        diarizer.pipeline  # noqa: B018 - load outside the timing
    out: dict = {"torch_threads": torch.get_num_threads()}
    t = time.perf_counter()
    words = []
    for leg in legs:
        segments, _ = model.transcribe(leg, language="en", word_timestamps=True)
        words.append([(w.start, w.end, w.word) for s in segments for w in (s.words or [])])
    out["asr_s"] = time.perf_counter() - t
    if not args.stereo:
        t = time.perf_counter()
        turns = diarizer.diarize(legs[0])
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
    out["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
