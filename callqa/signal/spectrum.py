"""Short-time power spectra on the level-frame grid, shared by the tone and music detectors."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.fft

# Frames per block for whole-call spectral work (here and in music.py): 82 s of 20-ms frames. Whole-call
# temporaries of a 32-min call cost the signal layer ~400 MB more at its peak.
BLOCK_FRAMES = 4096


@dataclass(frozen=True, eq=False)
class Spectrogram:
    power: np.ndarray  # (n_frames, n_bins) float32, frame i centred on level frame i
    freqs_hz: np.ndarray
    hop: int  # samples
    sample_rate: int


def power_spectrogram(
    x: np.ndarray, *, sample_rate: int, hop: int, n_frames: int, window_s: float = 0.064
) -> Spectrogram:
    """Hann-windowed power spectra of length ≈ `window_s`, one per level frame of `hop` samples."""
    n_fft = 1 << int(np.ceil(np.log2(max(16, window_s * sample_rate))))
    left = (n_fft - hop) // 2
    padded = np.zeros(left + n_frames * hop + n_fft, dtype=np.float32)
    padded[left : left + len(x)] = x[: n_frames * hop]
    frames = np.lib.stride_tricks.as_strided(
        padded, shape=(n_frames, n_fft), strides=(hop * padded.strides[0], padded.strides[0]), writeable=False
    )
    win = np.hanning(n_fft).astype(np.float32)
    power = np.empty((n_frames, n_fft // 2 + 1), dtype=np.float32)
    for a in range(0, n_frames, BLOCK_FRAMES):  # in blocks: whole-call temporaries were 4x the result
        spec = scipy.fft.rfft(frames[a : a + BLOCK_FRAMES] * win, axis=1, workers=1)
        np.add(np.square(spec.real), np.square(spec.imag), out=power[a : a + BLOCK_FRAMES])
    return Spectrogram(power, np.fft.rfftfreq(n_fft, 1.0 / sample_rate), hop, sample_rate)
