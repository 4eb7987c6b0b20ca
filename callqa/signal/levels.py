"""Frame levels, peaks, clipping and activity of one channel, and the P.56-style active speech level."""

from __future__ import annotations

import numpy as np

from callqa.ingest.lazy import Samples
from callqa.types import ChannelLevels

SINE_DB = 10.0 * np.log10(2.0)  # dBFS convention: a full-scale sine reads 0 dBFS
_TINY = 1e-12
LEVEL_BLOCK_FRAMES = 8192  # 164 s of 20-ms frames


def frame_view(x: np.ndarray, *, hop: int) -> np.ndarray:
    """Non-overlapping frames of `hop` samples (the tail is zero-padded), shape (n_frames, hop)."""
    n = max(1, -(-len(x) // hop))
    pad = np.zeros(n * hop, dtype=np.float32)
    pad[: len(x)] = x
    return pad.reshape(n, hop)


def mean_square_to_dbfs(ms: np.ndarray | float) -> np.ndarray:
    return 10.0 * np.log10(np.maximum(ms, _TINY)) + SINE_DB


def channel_levels(
    x: Samples,
    *,
    channel: int,
    sample_rate: int,
    hop_s: float,
    floor_dbfs: float,
    above_noise_db: float,
    clip_level: float,
    clip_min_peak: float,
) -> ChannelLevels:
    """Per-frame RMS level, peak, clipped-sample count and activity of one channel.

    A sample is clipped when it reaches `clip_level` of full scale, or when it sits flat at the
    channel's own peak (two equal neighbours) and that peak is above `clip_min_peak` — µ-law and
    many recorders clip below 1.0.
    """
    hop = max(1, round(hop_s * sample_rate))
    if isinstance(x, np.ndarray):
        x = np.asarray(x, dtype=np.float32)
    n = max(1, -(-len(x) // hop))  # x: an array, or sliced as one (a long 16-bit recording, ingest/audio.py)
    ms = np.empty(n, dtype=np.float64)
    peak = np.empty(n, dtype=np.float32)
    clipped = np.empty(n, dtype=np.int64)
    step = LEVEL_BLOCK_FRAMES  # frames at a time: whole-call |x| and padded copies were 2 x 230 MB on 2 hours
    for a in range(0, n, step):
        frames = frame_view(x[a * hop : (a + step) * hop], hop=hop)
        ms[a : a + len(frames)] = np.einsum("ij,ij->i", frames, frames, dtype=np.float64) / hop
        absf = np.abs(frames)
        peak[a : a + len(frames)] = absf.max(axis=1)
        clipped[a : a + len(frames)] = (absf >= clip_level).sum(axis=1)
    level = mean_square_to_dbfs(ms)
    top = float(peak.max()) if len(peak) else 0.0
    if clip_min_peak <= top < clip_level:  # runs at the channel's own peak, counted within each frame
        for a in range(0, n, step):
            flat = np.abs(frame_view(x[a * hop : (a + step) * hop], hop=hop)) >= top * (1.0 - 1e-4)
            run = flat[:, 1:] & flat[:, :-1]
            clipped[a : a + len(flat)] += run.sum(axis=1) + run[:, 0]
    audible = level[level > -100.0]
    noise = float(np.percentile(audible, 5)) if len(audible) else -120.0
    active = level >= max(floor_dbfs, noise + above_noise_db)
    return ChannelLevels(
        channel=channel,
        frame_hop_s=hop / sample_rate,
        level_dbfs=level.astype(np.float32),
        peak_dbfs=(20.0 * np.log10(np.maximum(peak, 1e-6))).astype(np.float32),
        clipped=clipped.astype(np.int32),
        active=active,
    )


def active_speech_level_dbfs(
    level_dbfs: np.ndarray, *, hop_s: float, margin_db: float = 15.9, hangover_s: float = 0.2
) -> tuple[float, float] | None:
    """ITU-T P.56 method-B style active level over frames; returns (level_dbfs, activity share).

    The envelope is the frame RMS; for each threshold c the active frames are those above c plus a
    `hangover_s` tail; the active level A(c) is the mean power over them, and the answer is A where
    A − c falls to `margin_db`. None when there is no signal.
    """
    lev = np.asarray(level_dbfs, dtype=np.float64) - SINE_DB
    lev = lev[np.isfinite(lev)]
    if len(lev) == 0 or lev.max() < -100.0:
        return None
    power = 10.0 ** (lev / 10.0)
    thresholds = np.arange(np.floor(lev.max()), -101.0, -1.0)[::-1]  # low to high, dB
    h = max(0, round(hangover_s / hop_s))
    idx = np.arange(len(lev))
    lo = np.maximum(0, idx - h)
    # one threshold at a time: memory O(frames), not O(thresholds x frames) (a 60-min party: 160 MB otherwise)
    count = np.empty(len(thresholds), dtype=np.int64)
    energy = np.empty(len(thresholds), dtype=np.float64)
    for k, c in enumerate(thresholds):
        cs = np.concatenate([[0], np.cumsum(lev >= c)])
        active = (cs[idx + 1] - cs[lo]) > 0  # above c now or within the hangover before
        count[k] = int(active.sum())
        energy[k] = float(power[active].sum())
    a_db = 10.0 * np.log10(np.maximum(energy, _TINY) / np.maximum(count, 1))
    diff = a_db - thresholds
    ok = np.nonzero(diff >= margin_db)[0]
    if len(ok) == 0:
        j, level = 0, a_db[0]
    else:
        j = int(ok[-1])
        level = a_db[j]
        if j + 1 < len(thresholds):  # interpolate to where A − c crosses the margin
            d0, d1 = diff[j], diff[j + 1]
            t = (d0 - margin_db) / (d0 - d1) if d0 != d1 else 0.0
            level = a_db[j] + t * (a_db[j + 1] - a_db[j])
    return float(level + SINE_DB), float(count[j] / len(lev))
