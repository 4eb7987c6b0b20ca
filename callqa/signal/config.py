"""Parameters of the signal layer (ringback, busy tone, holds, loudness); all thresholds live here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SignalConfig:
    frame_hop_s: float = 0.02  # frame hop of the level/activity analysis
    activity_floor_dbfs: float = -50.0  # frames quieter than this are never 'active'
    activity_above_noise_db: float = 12.0  # active = this much above the channel's noise floor
    clip_level: float = 0.999  # |sample| at or above this fraction of full scale counts as clipped
