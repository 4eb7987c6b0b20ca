"""Music-on-hold detection: long, sounding, spectrally steady stretches without speech's syllable dips."""

from __future__ import annotations

import numpy as np

from callqa.intervals import mask_run_frames
from callqa.signal.config import MusicConfig
from callqa.signal.spectrum import SpectralFeatures


def steadiness_lag(config: MusicConfig, hop_s: float) -> int:
    """Frames between the spectra that `steadiness` compares."""
    return max(1, round(config.steadiness_lag_s / hop_s))


def detect_music(
    features: SpectralFeatures,
    level_dbfs: np.ndarray,
    *,
    hop_s: float,
    config: MusicConfig,
    exclude: np.ndarray | None = None,
) -> list[tuple[float, float]]:
    """Music stretches (start_s, end_s): windows that keep sounding, stay steady and lack speech dips.

    score = mean steadiness over sounding frames − share of dip frames: 12 dB under the window median, or
    within 3 dB of the call's noise floor (its 5th level percentile). On a line with a steady noise floor the
    median sits on the floor during speech pauses, so median-only dips let speech over a −48 dBFS hum + noise
    floor score as music; dips counted from the loud frames instead (tried) lost real music with dynamics
    (the cable_company qMOH track: 8 of 13 eval holds missed). Steady noise is told apart by its flat
    spectrum, and steady hum by its level that never moves (music's notes and beats do).
    `exclude` marks frames (e.g. ringback bursts) that can never be music.
    """
    sim, flatness = features.steadiness, features.flatness  # lag: steadiness_lag(config, hop_s)
    win = max(2, round(config.window_s / hop_s))
    music = np.zeros(len(level_dbfs), dtype=bool)
    audible = level_dbfs[level_dbfs > -100.0]
    floor_dbfs = float(np.percentile(audible, 5)) if len(audible) else -120.0
    for s in range(0, max(1, len(level_dbfs) - win + 1), win // 2):
        lev = level_dbfs[s : s + win]
        sounding = lev >= config.min_level_dbfs
        if sounding.mean() < config.min_sounding_share:
            continue
        loud, quiet = np.percentile(lev, [90, 10])
        if (
            loud - quiet < config.min_level_spread_db
            or np.mean(lev < floor_dbfs + 3.0) > config.max_floor_share
        ):
            continue
        # a speech dip: 12 dB under the window's median, or down on the line's noise floor (a pause)
        dips = float(np.mean((lev < np.median(lev) - 12.0) | (lev < floor_dbfs + 3.0)))
        score = float(sim[s : s + win][sounding].mean()) - dips
        if score >= config.min_score and np.median(flatness[s : s + win][sounding]) <= config.max_flatness:
            music[s : s + win] = True
    if exclude is not None:
        music &= ~exclude
    sounding = (level_dbfs >= config.min_level_dbfs) & (level_dbfs >= floor_dbfs + EDGE_ABOVE_FLOOR_DB)
    if exclude is not None:
        sounding &= ~exclude
    runs = refine_edges(
        mask_run_frames(music),
        sounding,
        bridge=round(config.bridge_s / hop_s),
        max_shift=round(config.max_edge_shift_s / hop_s),
    )
    return [(a * hop_s, b * hop_s) for a, b in runs if (b - a) * hop_s >= config.min_music_s]


EDGE_ABOVE_FLOOR_DB = (
    6.0  # an edge frame must sound this far over the line's floor (a pause on a noisy line does not)
)


def refine_edges(
    runs: list[tuple[int, int]], sounding: np.ndarray, *, bridge: int, max_shift: int
) -> list[tuple[int, int]]:
    """Music runs (frame indices) with each edge moved to the frame — out through `sounding` frames (at most
    `max_shift`), in over the silent frames a window took along — then joined across gaps of at most
    `bridge` frames.

    >>> snd = np.array([0, 0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0], dtype=bool)
    >>> refine_edges([(3, 6), (9, 11)], snd, bridge=3, max_shift=2)
    [(2, 12)]
    >>> refine_edges([(1, 6)], snd, bridge=3, max_shift=2)   # a leading silent frame is dropped
    [(2, 7)]
    """
    n = len(sounding)
    refined: list[tuple[int, int]] = []
    for a, b in runs:
        lo = max(0, a - max_shift, refined[-1][1] if refined else 0)
        while a > lo and sounding[a - 1]:
            a -= 1
        while a < b and not sounding[a]:
            a += 1
        hi = min(n, b + max_shift)
        while b < hi and sounding[b]:
            b += 1
        while b > a and not sounding[b - 1]:
            b -= 1
        if b > a:
            refined.append((a, b))
    joined: list[list[int]] = []
    for a, b in refined:
        if joined and a - joined[-1][1] <= bridge:
            joined[-1][1] = max(joined[-1][1], b)
        else:
            joined.append([a, b])
    return [(a, b) for a, b in joined]
