"""Call-progress tones: steady tone bursts, matched to ringback/busy profiles by frequency and cadence."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from callqa.ingest.audio import Samples
from callqa.intervals import mask_run_frames
from callqa.signal.config import ToneConfig, ToneProfile
from callqa.signal.spectrum import SpectralFeatures


@dataclass(frozen=True)
class Burst:
    start_s: float
    end_s: float
    level_dbfs: float
    ratios: dict[str, float]  # profile name -> share of burst energy at that profile's frequencies

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class ToneMatch:
    """Consecutive cycles of one profile: `cycles` are (start_s, end_s, complete) per ring/cycle."""

    profile: str
    cycles: list[tuple[float, float, bool]]
    error_s: float  # mean cadence error

    @property
    def start_s(self) -> float:
        return self.cycles[0][0]

    @property
    def end_s(self) -> float:
        return self.cycles[-1][1]


def tonal_frames(features: SpectralFeatures, level_dbfs: np.ndarray, *, config: ToneConfig) -> np.ndarray:
    """Frames whose energy sits in a few strong bins of the tone band (steady sinusoids)."""
    return (features.tone_ratio >= config.min_frame_ratio) & (level_dbfs >= config.min_level_dbfs)


def find_bursts(
    x: Samples,
    tonal: np.ndarray,
    level_dbfs: np.ndarray,
    *,
    sample_rate: int,
    hop: int,
    profiles: dict[str, ToneProfile],
    config: ToneConfig,
) -> list[Burst]:
    """Runs of tonal frames, edges refined on the frame level, scored against every profile."""
    hop_s = hop / sample_rate
    out: list[Burst] = []
    for s, e in mask_run_frames(tonal):
        if (e - s) * hop_s < config.min_burst_s * 0.5:
            continue
        ref = float(np.median(level_dbfs[s:e]))
        while e - s > 2 and level_dbfs[s] < ref - 6.0:
            s += 1
        while e - s > 2 and level_dbfs[e - 1] < ref - 6.0:
            e -= 1
        for _ in range(2):  # refine the edges on the unwindowed frame level
            if s > 0 and level_dbfs[s - 1] >= ref - 6.0:
                s -= 1
            if e < len(level_dbfs) and level_dbfs[e] >= ref - 6.0:
                e += 1
        if (e - s) * hop_s < config.min_burst_s:
            continue
        seg = x[(s + 1) * hop : (e - 1) * hop]  # skip the edge frames
        if len(seg) < hop:
            continue
        spec = np.abs(np.fft.rfft(seg * np.hanning(len(seg)))) ** 2
        freqs = np.fft.rfftfreq(len(seg), 1.0 / sample_rate)
        total = spec[(freqs >= 50) & (freqs <= 3900)].sum() + 1e-20
        ratios = {}
        for name, prof in profiles.items():
            near = np.zeros(len(freqs), dtype=bool)
            for f0 in prof.freqs_hz:
                near |= np.abs(freqs - f0) <= prof.bandwidth_hz
            ratios[name] = float(spec[near].sum() / total)
        out.append(Burst(float(s * hop_s), float(e * hop_s), ref, ratios))
    return out


def _close(measured: float, expected: float, config: ToneConfig) -> bool:
    return abs(measured - expected) <= max(config.tolerance_s, config.tolerance_rel * expected)


def _cycle_at(
    bursts: list[Burst],
    i: int,
    *,
    on: list[float],
    off: list[float],
    config: ToneConfig,
    min_partial_on_s: float,
) -> tuple[int, bool, float]:
    """How many bursts from `i` form one cycle (0: none), whether it is complete, its cadence error."""
    err = 0.0
    for j in range(len(on)):
        idx = i + j
        if idx >= len(bursts):  # cut by the answer after a complete burst
            return j, False, err
        b = bursts[idx]
        if j and not _close(b.start_s - bursts[idx - 1].end_s, off[j - 1], config):
            return 0, False, err
        if _close(b.duration_s, on[j], config):
            err += abs(b.duration_s - on[j])
        elif idx == len(bursts) - 1 and min_partial_on_s <= b.duration_s < on[j]:
            return j + 1, False, err
        else:
            return 0, False, err
    return len(on), True, err / len(on)


def match_cadence(
    bursts: list[Burst], *, name: str, cadence_s: list[float], config: ToneConfig, min_partial_on_s: float
) -> list[ToneMatch]:
    """Sequences of cycles of `cadence_s`; the very last burst may be cut short (answer, end of file)."""
    on, off = cadence_s[0::2], cadence_s[1::2]
    seqs: list[ToneMatch] = []
    cycles: list[tuple[float, float, bool]] = []
    errors: list[float] = []
    i = 0
    while i < len(bursts):
        n, complete, err = _cycle_at(
            bursts, i, on=on, off=off, config=config, min_partial_on_s=min_partial_on_s
        )
        if n == 0:
            i += 1
            continue
        start, end = bursts[i].start_s, bursts[i + n - 1].end_s
        if cycles and not _close(start - cycles[-1][1], off[-1], config):
            seqs.append(ToneMatch(name, cycles, float(np.mean(errors))))
            cycles, errors = [], []
        cycles.append((start, end, complete))
        errors.append(err)
        i += n
    if cycles:
        seqs.append(ToneMatch(name, cycles, float(np.mean(errors))))
    return seqs


def detect_tone(
    bursts: list[Burst],
    *,
    profiles: dict[str, ToneProfile],
    config: ToneConfig,
    min_partial_on_s: float,
    min_cycles: int = 1,
    forced: str | None = None,
    prefer: str | None = None,
    key_prefix: str = "",
) -> list[ToneMatch]:
    """All cycle sequences of the best-fitting profile (most cycles, then smallest cadence error)."""
    best: tuple[tuple, list[ToneMatch]] | None = None
    for order, (name, prof) in enumerate(profiles.items()):
        if forced is not None and name != forced:
            continue
        mine = [b for b in bursts if b.ratios.get(key_prefix + name, 0.0) >= config.min_burst_ratio]
        for cadence in prof.cadences_s:
            seqs = match_cadence(
                mine, name=name, cadence_s=cadence, config=config, min_partial_on_s=min_partial_on_s
            )
            seqs = [s for s in seqs if len(s.cycles) >= min_cycles]
            if not seqs:
                continue
            n = sum(len(s.cycles) for s in seqs)
            err = float(np.mean([s.error_s for s in seqs]))
            key = (n, name == prefer, -round(err, 2), -order)
            if best is None or key > best[0]:
                best = (key, seqs)
    return best[1] if best else []
