"""Real calls built from the real recordings in tests/data/external: aws-lca agent/caller legs (Apache-2.0)
and qMOH hold music (CC BY-ND 4.0, played whole, only resampled and scaled as a phone system does)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from callqa.ingest.audio import resample

EXT = Path(__file__).resolve().parent.parent / "data" / "external"
SR = 8000
TRACKS = ("qMOH-friends_inline.wav", "qMOH-cable_company.wav")


def legs(call: str) -> tuple[np.ndarray, np.ndarray]:
    """(agent, caller) legs of aws-lca call 40 or 49, 8 kHz."""
    agent, sr = sf.read(EXT / "aws-lca" / f"Auto_Repairs_{call}_UTC_agent.wav", dtype="float32")
    caller, _ = sf.read(EXT / "aws-lca" / f"Auto_Repairs_{call}_UTC_caller.wav", dtype="float32")
    assert sr == SR
    return agent, caller


def hold_music(track: int = 0) -> np.ndarray:
    """One qMOH track, mono, 8 kHz, unscaled."""
    x, sr = sf.read(EXT / "qmoh" / TRACKS[track], dtype="float32")
    return resample(x.mean(axis=1) if x.ndim > 1 else x, sr, SR)


def active_rms(x: np.ndarray, *, below_peak_db: float = 35.0) -> float:
    """RMS of the 20-ms frames within `below_peak_db` of the loudest (the sounding part)."""
    f = x[: len(x) // 160 * 160].reshape(-1, 160).astype(np.float64)
    r = np.sqrt((f**2).mean(axis=1))
    r = r[r > r.max() * 10 ** (-below_peak_db / 20)]
    return float(np.sqrt((r**2).mean())) if r.size else 0.0


def scaled_to(x: np.ndarray, ref: np.ndarray, rel_db: float) -> np.ndarray:
    """`x` scaled so its active level is `rel_db` relative to `ref`'s."""
    return (x * (active_rms(ref) * 10 ** (rel_db / 20) / max(active_rms(x), 1e-9))).astype(np.float32)


def music_under_speech(call: str, start_s: float, end_s: float, *, track: int, rel_db: float) -> np.ndarray:
    """The call's two legs mixed to mono over [start_s, end_s) with hold music looped under them, `rel_db`
    below the speech (a music bed, as on a line that plays music under the conversation)."""
    agent, caller = legs(call)
    speech = agent[int(start_s * SR) : int(end_s * SR)] + caller[int(start_s * SR) : int(end_s * SR)]
    music = hold_music(track)
    bed = np.tile(music, int(np.ceil(len(speech) / len(music))))[: len(speech)]
    return (speech + scaled_to(bed, speech, rel_db)).astype(np.float32)


def with_hold(
    call: str,
    start_s: float,
    hold_at_s: float,
    end_s: float,
    *,
    hold_s: float,
    track: int,
    music_rel_db: float,
) -> tuple[np.ndarray, np.ndarray, tuple[float, float]]:
    """(agent leg, caller leg, hold span): the call's legs over [start_s, end_s) with a hold inserted at
    `hold_at_s` (a quiet point): `hold_s` of hold music on the agent leg (looped), silence on the caller's.
    The hold span is in the new recording's time."""
    agent, caller = legs(call)
    a, h, z = (int(t * SR) for t in (start_s, hold_at_s, end_s))
    n_hold = int(hold_s * SR)
    music = hold_music(track)
    bed = scaled_to(np.tile(music, int(np.ceil(n_hold / len(music))))[:n_hold], agent[a:z], music_rel_db)
    quiet = np.zeros(n_hold, dtype=np.float32)
    agent_out = np.concatenate([agent[a:h], bed, agent[h:z]])
    caller_out = np.concatenate([caller[a:h], quiet, caller[h:z]])
    t0 = (h - a) / SR
    return agent_out, caller_out, (round(t0, 2), round(t0 + hold_s, 2))


def write(path: Path, *channels: np.ndarray) -> Path:
    data = np.stack(channels, axis=1) if len(channels) > 1 else channels[0]
    sf.write(path, np.clip(data, -1.0, 1.0), SR, subtype="PCM_16")
    return path
