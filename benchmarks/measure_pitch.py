"""Measure the pitch variation (semitone SD) behind the `monotone` floor: real clips as recorded, re-voiced on
their own contour (vocoder control), re-voiced flat, with the pitch movement scaled, and 30-s windows of real
call legs. Run: PYTHONPATH=. python benchmarks/measure_pitch.py  (numbers in docs/checks-language.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from callqa.ingest.audio import load_audio, resample
from callqa.signal.config import PitchConfig
from callqa.signal.pitch import pitch_track, pitch_variation
from callqa.signal.resynth import revoice

EXT = Path(__file__).resolve().parents[1] / "tests" / "data" / "external"
SR = 8000
CLIPS = [
    "osr-joinly/OSR_us_000_0034_8k.wav",
    "wenet/aishell-BAC009S0724W0121.wav",
    "azure-speech-sdk/zhcn_continuous_mode_sample.wav",
    "golos/001ce26c07c20eaa0d666b824c6c6924.wav",
    "pisets/test_sound_ru.wav",
    "pyannote-audio/sample.wav",
]
LEGS = [f"aws-lca/Auto_Repairs_{n}_UTC_{leg}.wav" for n in ("40", "49") for leg in ("agent", "caller")]


def clip(path: str) -> np.ndarray:
    a = load_audio(EXT / path)
    return resample(a.mono(), a.sample_rate, SR)


FINE = PitchConfig(hop_s=0.01)  # the re-voicing follows a 10-ms track; measurements use the default track


def sd(x: np.ndarray) -> float:
    tr = pitch_track(x, SR)
    return pitch_variation(tr.f0_hz, tr.hop_s).sd_st


def main() -> None:
    print("clip | natural SD st | vocoder own contour | vocoder flat")
    for path in CLIPS:
        x = clip(path)
        tr = pitch_track(x, SR, config=FINE)
        med = pitch_variation(tr.f0_hz, tr.hop_s).median_f0_hz
        print(
            f"{path} | {sd(x):.2f} | {sd(revoice(x, SR, tr, tr.f0_hz)):.2f} | {sd(revoice(x, SR, tr, med)):.2f}"
        )
    x = clip(CLIPS[0])
    tr = pitch_track(x, SR, config=FINE)
    med = pitch_variation(tr.f0_hz, tr.hop_s).median_f0_hz
    semis = 12 * np.log2(tr.f0_hz / med)
    for scale in (1.0, 0.75, 0.5, 0.35, 0.25, 0.0):
        print(
            f"OSR, pitch movement x{scale}: {sd(revoice(x, SR, tr, med * 2 ** (scale * semis / 12))):.2f} st"
        )
    for path in LEGS:
        tr = pitch_track(clip(path), SR)
        n = int(30 / tr.hop_s)
        wins = [w.sd_st for k in range(0, len(tr.f0_hz), n)
                if (w := pitch_variation(tr.f0_hz[k : k + n], tr.hop_s)) and w.voiced_s >= 3]  # fmt: skip
        whole = pitch_variation(tr.f0_hz, tr.hop_s)
        print(
            f"{path}: whole {whole.sd_st:.2f} st, 30-s windows min {min(wins):.2f} median {np.median(wins):.2f}"
        )


if __name__ == "__main__":
    main()
