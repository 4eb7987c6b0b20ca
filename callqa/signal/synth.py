"""Synthetic telephone signals (tones with cadences, G.711 µ-law, line noise) for tests, benchmarks and demos."""

from __future__ import annotations

import numpy as np

from callqa.signal.config import ToneProfile


def tone(
    freqs_hz: list[float],
    duration_s: float,
    *,
    sample_rate: int = 8000,
    level_dbfs: float = -20.0,
    modulation_hz: float | None = None,
) -> np.ndarray:
    """Sum of equal sines whose total RMS is `level_dbfs` (full-scale sine = 0 dBFS); optional AM."""
    t = np.arange(round(duration_s * sample_rate)) / sample_rate
    x = np.zeros_like(t)
    for i, f in enumerate(freqs_hz):
        x = x + np.sin(2 * np.pi * f * t + i)
    if modulation_hz:
        x = x * (1.0 + 0.5 * np.sin(2 * np.pi * modulation_hz * t))
    rms = np.sqrt(np.mean(x**2)) if len(x) else 1.0
    return (x / rms * 10 ** (level_dbfs / 20) / np.sqrt(2)).astype(np.float32)


def cadence_signal(
    profile: ToneProfile,
    cycles: int,
    *,
    sample_rate: int = 8000,
    level_dbfs: float = -20.0,
    cadence: int = 0,
    partial_on_s: float | None = None,
    modulation_hz: float | None = None,
) -> np.ndarray:
    """`cycles` full cycles of the profile's cadence, then optionally a first burst cut at `partial_on_s`."""
    on_off = profile.cadences_s[cadence]
    burst = [
        tone(profile.freqs_hz, d, sample_rate=sample_rate, level_dbfs=level_dbfs, modulation_hz=modulation_hz)
        for d in on_off[0::2]
    ]
    parts: list[np.ndarray] = []
    for _ in range(cycles):
        for b, off in zip(burst, on_off[1::2], strict=False):
            parts += [b, np.zeros(round(off * sample_rate), dtype=np.float32)]
    if partial_on_s is not None:
        parts.append(burst[0][: round(partial_on_s * sample_rate)])
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)


def mulaw_roundtrip(x: np.ndarray, *, mu: float = 255.0) -> np.ndarray:
    """Encode to 8-bit µ-law and back (G.711-like companding and quantisation)."""
    x = np.clip(x, -1.0, 1.0)
    y = np.sign(x) * np.log1p(mu * np.abs(x)) / np.log1p(mu)
    q = np.round(y * 127.0) / 127.0
    return (np.sign(q) * np.expm1(np.abs(q) * np.log1p(mu)) / mu).astype(np.float32)


def line_noise(n: int, *, level_dbfs: float = -55.0, sample_rate: int = 8000, seed: int = 0) -> np.ndarray:
    """Band-limited (300–3400 Hz) Gaussian noise with 50 Hz hum at `level_dbfs` RMS."""
    rng = np.random.default_rng(seed)
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1.0 / sample_rate)
    spec[(f < 300) | (f > 3400)] *= 0.05
    x = np.fft.irfft(spec, n) + 0.3 * np.sin(2 * np.pi * 50 * np.arange(n) / sample_rate)
    return (x / (np.sqrt(np.mean(x**2)) + 1e-12) * 10 ** (level_dbfs / 20) / np.sqrt(2)).astype(np.float32)


def speechlike(
    duration_s: float, *, sample_rate: int = 8000, level_dbfs: float = -20.0, seed: int = 0
) -> np.ndarray:
    """Noise shaped like speech: 4 Hz syllables (0.15 s on, 0.1 s off) in phrases with pauses.

    The RMS over the sounding parts is `level_dbfs`.
    """
    rng = np.random.default_rng(seed)
    n = round(duration_s * sample_rate)
    t = np.arange(n) / sample_rate
    gate = ((t % 0.25) < 0.15) & ((t % 3.0) < 2.4)
    x = np.convolve(rng.standard_normal(n), np.hanning(9), mode="same") * gate
    on = x[gate]
    scale = 10 ** (level_dbfs / 20) / np.sqrt(2) / (np.sqrt(np.mean(on**2)) + 1e-12)
    return (x * scale).astype(np.float32)


def hum_and_noise(
    n: int,
    *,
    level_dbfs: float = -48.0,
    mains_hz: float = 50.0,
    hum_share: float = 0.5,
    sample_rate: int = 8000,
    seed: int = 0,
) -> np.ndarray:
    """A steady telephone-line floor: mains hum (7 harmonics, 1/k) plus white noise, `hum_share` of the power."""
    t = np.arange(n) / sample_rate
    hum = sum(np.sin(2 * np.pi * mains_hz * k * t + k) / k for k in range(1, 8))
    noise = np.random.default_rng(seed).standard_normal(n)
    x = hum / np.sqrt(np.mean(hum**2)) * np.sqrt(hum_share) + noise * np.sqrt(1.0 - hum_share)
    return (x / np.sqrt(np.mean(x**2)) * 10 ** (level_dbfs / 20)).astype(np.float32)
