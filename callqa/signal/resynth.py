"""An LPC vocoder that re-voices speech on another pitch contour (measurement and test tool for `monotone`).

`revoice(x, sr, track, f0_hz)` keeps the words (the spectral envelope, frame by frame) and the voicing of
`track`, and replaces the excitation by a pulse train at `f0_hz` (a constant: the same speech made
monotone; or the track's own contour: the vocoder's control condition) and noise where unvoiced.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import solve_toeplitz
from scipy.signal import lfilter

from callqa.ingest.audio import resample
from callqa.signal.pitch import TRACK_SAMPLE_RATE
from callqa.types import PitchTrack


def _lpc(frame: np.ndarray, order: int) -> tuple[np.ndarray, float]:
    r = np.correlate(frame, frame, "full")[len(frame) - 1 : len(frame) + order]
    if r[0] <= 1e-10:
        return np.concatenate([[1.0], np.zeros(order)]), 0.0
    r = r.copy()
    r[0] *= 1.0 + 1e-6  # white-noise correction keeps the system well conditioned
    a = solve_toeplitz(r[:order], -r[1 : order + 1])
    err = float(r[0] + np.dot(a, r[1 : order + 1]))
    return np.concatenate([[1.0], a]), max(err, 0.0)


def revoice(x: np.ndarray, sample_rate: int, track: PitchTrack, f0_hz: np.ndarray | float,
            *, order: int = 12, lpc_hop_s: float = 0.01, seed: int = 0) -> np.ndarray:  # fmt: skip
    """The speech `x` re-voiced at `f0_hz` (per track frame, or one value), at 8 kHz float32."""
    sr = TRACK_SAMPLE_RATE
    x = resample(np.asarray(x, dtype=np.float32), sample_rate, sr).astype(np.float64)
    hop = round(track.hop_s * sr)
    n = len(x)
    frames_f0 = np.broadcast_to(np.asarray(f0_hz, dtype=float), track.f0_hz.shape).copy()
    frames_f0[~np.isfinite(track.f0_hz)] = np.nan
    per_sample = np.repeat(frames_f0, hop)[:n]
    per_sample = np.concatenate([per_sample, np.full(n - len(per_sample), np.nan)])
    voiced = np.isfinite(per_sample)
    rng = np.random.default_rng(seed)
    exc = rng.standard_normal(n)
    phase = np.cumsum(np.where(voiced, per_sample, 0.0) / sr)
    pulses = voiced & (np.floor(phase) != np.floor(np.concatenate([[-1.0], phase[:-1]])))
    period = np.where(voiced, sr / np.where(voiced, per_sample, 1.0), 1.0)
    exc[voiced] = 0.0
    exc[pulses] = np.sqrt(period[pulses])
    hop = round(lpc_hop_s * sr)  # the envelope is analysed every 10 ms whatever the track's hop
    win_len = 2 * hop
    win = np.hanning(win_len + 1)[:-1]  # periodic Hann: overlap-adds to one at 50 %
    out = np.zeros(n + win_len)
    xp = np.concatenate([x, np.zeros(win_len)])
    ep = np.concatenate([exc, np.zeros(win_len)])
    for start in range(0, n, hop):
        seg = xp[start : start + win_len] * win
        a, err = _lpc(seg, order)
        if err <= 0.0:
            continue
        gain = np.sqrt(err / max(np.sum(win**2), 1e-9))
        out[start : start + win_len] += lfilter([gain], a, ep[start : start + win_len]) * win
    y = out[:n]
    peak = np.max(np.abs(y)) or 1.0
    return (y / peak * min(0.9, float(np.max(np.abs(x))) or 0.5)).astype(np.float32)
