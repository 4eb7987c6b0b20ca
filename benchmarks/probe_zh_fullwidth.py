"""Where do fullwidth digits ("４") in Mandarin transcripts come from? Transcribe real Mandarin clips at
8 kHz (telephone band) under several decoding settings and count fullwidth letters/digits in the raw
Whisper text (before any conversion) and after OpenCC.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/probe_zh_fullwidth.py CLIP.wav [...]
"""

from __future__ import annotations

import dataclasses
import re
import sys

import numpy as np

from callqa.asr.whisper import WhisperTranscriber
from callqa.config import AsrConfig
from callqa.ingest.audio import load_audio, resample

FULLWIDTH_ALNUM = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def phone(x: np.ndarray, sr: int) -> np.ndarray:
    """Telephone band: 8 kHz, 300-3400 Hz, back to 16 kHz for the model."""
    from scipy.signal import butter, sosfilt

    y = resample(x, sr, 8000)
    y = sosfilt(butter(4, [300, 3400], btype="band", fs=8000, output="sos"), y)
    return resample(y.astype(np.float32), 8000, 16000)


def main() -> None:
    base = AsrConfig(chinese_script="keep", keep_fillers=True)
    variants = {
        "default": base,
        "no_prompt": dataclasses.replace(base, keep_fillers=False),
        "t0_only": dataclasses.replace(base, temperature=[0.0]),
        "no_prompt_t0": dataclasses.replace(base, keep_fillers=False, temperature=[0.0]),
    }
    for path in sys.argv[1:]:
        audio = load_audio(path)
        x = audio.mono()
        x16 = phone(x.astype(np.float32), audio.sample_rate)
        for name, cfg in variants.items():
            tr = WhisperTranscriber(cfg)
            segs = tr.transcribe(x16, language="zh")
            text = "".join(s.text for s in segs)
            words = "".join(w.text for s in segs for w in s.words)
            print(
                f"{path.split('/')[-1]} {name}: fullwidth_alnum={len(FULLWIDTH_ALNUM.findall(text))} "
                f"in_words={len(FULLWIDTH_ALNUM.findall(words))} commas={text.count('，')} :: {text[:120]}"
            )


if __name__ == "__main__":
    main()
