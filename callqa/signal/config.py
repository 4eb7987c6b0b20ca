"""Parameters of the signal layer (ringback, busy tone, holds, loudness); all thresholds live here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from callqa.dataconf import ConfigError, build_dataclass


@dataclass(frozen=True)
class ToneProfile:
    """A call-progress tone: its frequencies and one or more cadences (one cycle = one ring)."""

    freqs_hz: list[float]
    cadences_s: list[list[float]]  # each cadence: on, off[, on, off ...] in seconds
    bandwidth_hz: float = 12.0  # energy within ± this of each frequency counts as the tone

    def period_s(self) -> float:
        return float(sum(self.cadences_s[0]))


def _profile(freqs_hz: list[float], *cadences_s: list[float], bandwidth_hz: float = 12.0) -> ToneProfile:
    return ToneProfile(list(freqs_hz), [list(c) for c in cadences_s], bandwidth_hz)


def _as_profiles(raw: Mapping[str, Any], where: str) -> dict[str, ToneProfile]:

    out: dict[str, ToneProfile] = {}
    for name, value in raw.items():
        prof = (
            value
            if isinstance(value, ToneProfile)
            else build_dataclass(ToneProfile, value, source="<config>", where=f"{where}.{name}")
        )
        if not prof.freqs_hz or not prof.cadences_s or any(len(c) % 2 or not c for c in prof.cadences_s):
            raise ConfigError(f"<config>: '{where}.{name}' needs freqs_hz and on/off pairs in cadences_s")
        out[str(name)] = prof
    return out


def _ring_profiles() -> dict[str, ToneProfile]:
    return {
        "na": _profile([440, 480], [2.0, 4.0]),
        "uk": _profile([400, 450], [0.4, 0.2, 0.4, 2.0]),
        "cept": _profile([425], [1.0, 4.0]),
        "fr": _profile([440], [1.5, 3.5]),
        "cn": _profile([450], [1.0, 4.0]),
        "ru": _profile([425], [0.8, 3.2], [1.0, 4.0]),
        "jp": _profile([400], [1.0, 2.0], bandwidth_hz=25.0),  # 400 Hz modulated by 16 Hz
    }


def _busy_profiles() -> dict[str, ToneProfile]:
    return {
        "na": _profile([480, 620], [0.5, 0.5]),
        "cn": _profile([450], [0.35, 0.35]),
        "cept": _profile([425], [0.5, 0.5]),
        "uk": _profile([400], [0.375, 0.375]),
        "ru": _profile([425], [0.4, 0.4]),
    }


@dataclass(frozen=True)
class ToneConfig:
    """Shared detector of steady call-progress tones (ringback, busy, reorder)."""

    band_hz: list[float] = field(default_factory=lambda: [300.0, 700.0])  # where tone frequencies lie
    min_frame_ratio: float = 0.6  # a frame is tonal when its strongest band bins hold this energy share
    min_burst_ratio: float = 0.7  # a burst matches a profile when this share lies at its frequencies
    min_level_dbfs: float = -45.0  # quieter bursts are ignored
    min_burst_s: float = 0.2
    tolerance_s: float = 0.08  # cadence tolerance: max(tolerance_s, tolerance_rel * expected)
    tolerance_rel: float = 0.1


@dataclass(frozen=True)
class RingConfig:
    profiles: dict[str, ToneProfile] = field(default_factory=_ring_profiles)
    prefer_by_language: dict[str, str] = field(default_factory=lambda: {"ru": "ru", "zh": "cn"})
    min_partial_on_s: float = 0.3  # a last ring cut by the answer counts when at least this long
    max_speech_before_s: float = (
        0.5  # ringback precedes the answer: tones after this much speech are not rings
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "profiles", _as_profiles(self.profiles, "signal.rings.profiles"))


@dataclass(frozen=True)
class BusyConfig:
    profiles: dict[str, ToneProfile] = field(default_factory=_busy_profiles)
    min_cycles: int = 2  # on/off cycles needed to call it a busy/reorder tone

    def __post_init__(self) -> None:
        object.__setattr__(self, "profiles", _as_profiles(self.profiles, "signal.busy.profiles"))


@dataclass(frozen=True)
class MusicConfig:
    """Music-on-hold: continuous, spectrally steady non-speech sound (measured on qMOH vs call legs)."""

    window_s: float = 3.0  # features are judged over windows this long (hop: half a window)
    min_music_s: float = 4.0  # shorter music stretches are dropped
    min_level_dbfs: float = -50.0  # frames above this are 'sounding'
    min_sounding_share: float = 0.9  # music barely pauses; speech does
    steadiness_lag_s: float = 0.1  # spectra this far apart are compared
    min_score: float = 0.52  # steadiness − dip share; qMOH ≥ 0.59, real call speech ≤ 0.45
    # music moves (notes, beats): 10–90 % level spread per window, qMOH ≥ 6.0 dB (also over line hum),
    # steady line noise and mains hum ≤ 1.4 dB — which are steady and, with hum, not flat
    min_level_spread_db: float = 3.0
    # a window that mostly sits on the channel's noise floor (within 3 dB of its 5th-percentile level)
    # is a pause on a noisy line, not music: speech pauses over hum + noise near −48 dBFS
    max_floor_share: float = 0.5
    max_flatness: float = 0.35  # median spectral flatness; line noise ≈ 0.5, qMOH ≤ 0.25
    # music stretches this close are one (a track's own pause: qMOH cable_company goes to the noise floor for
    # 0.8 s ten seconds in, and the 4.6 s after it were lost: 8 of 17 eval hold ends 5 s early)
    bridge_s: float = 1.5
    # window-level edges are up to a window off (eval hold starts 1.1 s late): each edge moves, frame by frame,
    # through sounding frames (>= min_level_dbfs and 6 dB over the line's floor), at most this far out
    max_edge_shift_s: float = 3.0


@dataclass(frozen=True)
class HangupConfig:
    dead_level_dbfs: float = -80.0  # a leg below this until the end is dead (RTP stopped)
    min_dead_s: float = 1.0
    min_lead_s: float = 0.3  # the leg that died first must lead by this much
    busy_after_speech_s: float = 1.0  # busy tone may start this long before the last speech ends
    # No tone, no dead leg: a recording that ends at most this long after the agent's last words (and not
    # in the customer's speech) was ended by the agent (source: inferred). 0 turns the inference off.
    agent_last_words_max_s: float = 1.0


@dataclass(frozen=True)
class PitchConfig:
    """Pitch (F0) tracking with YIN (callqa/signal/pitch.py), read by the `monotone` check."""

    enabled: bool = True  # compute the pitch track in the signal layer (the `monotone` check needs it)
    hop_s: float = 0.02  # 20 ms, as the level frames (10 ms: same SDs within 0.15 st, twice the time)
    fmin_hz: float = 60.0
    fmax_hz: float = 400.0
    window_s: float = 0.025  # YIN integration window (at least one longest period)
    threshold: float = 0.15  # YIN absolute threshold on the cumulative-mean-normalised difference
    max_aperiodicity: float = 0.3  # frames whose best dip is above this are unvoiced
    min_level_dbfs: float = -50.0  # quieter frames are not tracked


@dataclass(frozen=True)
class SignalConfig:
    frame_hop_s: float = 0.02  # frame hop of the level/activity analysis
    activity_floor_dbfs: float = -50.0  # frames quieter than this are never 'active'
    activity_above_noise_db: float = 12.0  # active = this much above the channel's noise floor
    clip_level: float = 0.999  # |sample| at or above this fraction of full scale counts as clipped
    clip_min_peak: float = 0.5  # flat tops at the channel's own peak count as clipped above this
    silence_min_s: float = 2.0  # silence events: no channel active for at least this long
    tones: ToneConfig = field(default_factory=ToneConfig)
    rings: RingConfig = field(default_factory=RingConfig)
    busy: BusyConfig = field(default_factory=BusyConfig)
    music: MusicConfig = field(default_factory=MusicConfig)
    hangup: HangupConfig = field(default_factory=HangupConfig)
    pitch: PitchConfig = field(default_factory=PitchConfig)
