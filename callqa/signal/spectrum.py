"""Short-time power spectra on the level-frame grid, reduced block by block to the per-frame features that the
tone and music detectors read (the whole-call spectrogram is never held: 370 MB for a 2-hour 8 kHz call)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import scipy.fft

from callqa.ingest.audio import Samples

# Frames per block: 82 s of 20-ms frames (8 MB of 8 kHz spectra). Whole-call temporaries of a 32-min call cost
# the signal layer ~400 MB more at its peak.
BLOCK_FRAMES = 4096


@dataclass(frozen=True, eq=False)
class Spectrogram:
    """Hann-windowed power spectra of length ≈ `window_s`, one per level frame of `hop` samples, computed on
    demand (`rows`); frame i is centred on level frame i. Holds a reference to the samples, not a copy."""

    x: Samples
    hop: int  # samples
    n_frames: int
    n_fft: int
    sample_rate: int

    @property
    def freqs_hz(self) -> np.ndarray:
        return np.fft.rfftfreq(self.n_fft, 1.0 / self.sample_rate)

    def rows(self, a: int, b: int) -> np.ndarray:
        """Power spectra of frames [a, b), (b - a, n_fft // 2 + 1) float32 (zeros beyond the signal)."""
        b = min(b, self.n_frames)
        if b <= a:
            return np.zeros((0, self.n_fft // 2 + 1), dtype=np.float32)
        left = (self.n_fft - self.hop) // 2
        start = (
            a * self.hop - left
        )  # sample of frame a's first point (negative: zero padding before the call)
        length = (b - a - 1) * self.hop + self.n_fft
        seg = np.zeros(length, dtype=np.float32)
        usable = min(len(self.x), self.n_frames * self.hop)  # samples past the last level frame are not seen
        lo, hi = max(0, start), min(usable, start + length)
        if hi > lo:
            seg[lo - start : hi - start] = self.x[lo:hi]
        frames = np.lib.stride_tricks.as_strided(
            seg,
            shape=(b - a, self.n_fft),
            strides=(self.hop * seg.strides[0], seg.strides[0]),
            writeable=False,
        )
        spec = scipy.fft.rfft(frames * np.hanning(self.n_fft).astype(np.float32), axis=1, workers=1)
        return np.add(np.square(spec.real), np.square(spec.imag))

    def blocks(self, *, extra: int = 0) -> Iterator[tuple[int, int, np.ndarray]]:
        """(a, b, rows a .. b + extra) for consecutive blocks [a, b) of `BLOCK_FRAMES` frames."""
        for a in range(0, self.n_frames, BLOCK_FRAMES):
            b = min(a + BLOCK_FRAMES, self.n_frames)
            yield a, b, self.rows(a, b + extra)

    @property
    def power(self) -> np.ndarray:
        """The whole spectrogram (small inputs and tests only)."""
        return self.rows(0, self.n_frames)


def power_spectrogram(
    x: Samples, *, sample_rate: int, hop: int, n_frames: int, window_s: float = 0.064
) -> Spectrogram:
    """The spectrogram of `x` on the level-frame grid, with an FFT of ≈ `window_s` (a power of two)."""
    n_fft = 1 << int(np.ceil(np.log2(max(16, window_s * sample_rate))))
    x = np.asarray(x, dtype=np.float32) if isinstance(x, np.ndarray) else x  # or sliced as one (Pcm16Channel)
    return Spectrogram(x, hop, n_frames, n_fft, sample_rate)


@dataclass(frozen=True, eq=False)
class SpectralFeatures:
    """Per-frame reductions of the spectrogram, from one pass over it."""

    tone_ratio: np.ndarray  # share of 50-3900 Hz power in the 6 strongest bins of the tone band
    steadiness: np.ndarray  # cosine similarity of the 200-3400 Hz magnitude spectrum with the frame `lag` on
    flatness: np.ndarray  # geometric / arithmetic mean of the 200-3400 Hz power (noise ≈ 0.5, tones ≈ 0)


def _band_magnitude(power: np.ndarray, band: np.ndarray) -> np.ndarray:
    mag = np.sqrt(power[:, band])
    mag /= np.linalg.norm(mag, axis=1, keepdims=True) + 1e-12
    return mag


def spectral_features(spec: Spectrogram, *, tone_band_hz: tuple[float, float], lag: int) -> SpectralFeatures:
    """`SpectralFeatures` of every frame, computed `BLOCK_FRAMES` at a time (values as from the whole array)."""
    n, f = spec.n_frames, spec.freqs_hz
    lo, hi = np.searchsorted(f, tone_band_hz[0]), np.searchsorted(f, tone_band_hz[1])
    wide = (f >= 50) & (f <= 3900)
    band = (f >= 200) & (f <= 3400)
    ratio = np.empty(n, dtype=np.float64)
    sim = np.zeros(n, dtype=np.float32)
    flat = np.empty(n, dtype=np.float64)
    for a, b, rows in spec.blocks(extra=lag):
        own = rows[: b - a]
        total = own[:, wide].sum(axis=1) + 1e-20
        ratio[a:b] = np.sort(own[:, lo:hi], axis=1)[:, -6:].sum(axis=1) / total
        p = own[:, band].astype(np.float64) + 1e-20
        flat[a:b] = np.exp(np.mean(np.log(p), axis=1)) / np.mean(p, axis=1)
        k = max(0, min(b, n - lag) - a)  # frames of this block that have a frame `lag` on inside the call
        if k:
            sim[a : a + k] = np.einsum(
                "ij,ij->i", _band_magnitude(rows[lag : lag + k], band), _band_magnitude(own[:k], band)
            )
    return SpectralFeatures(ratio, sim, flat)
