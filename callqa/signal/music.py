"""Music-on-hold detection: long, sounding, spectrally steady stretches without speech's syllable dips."""

from __future__ import annotations

import numpy as np

from callqa.intervals import mask_runs
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
    return mask_runs(music, hop_s=hop_s, min_s=config.min_music_s)
