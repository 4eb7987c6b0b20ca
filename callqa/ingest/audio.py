"""Decode recordings: keep the original channels and rate for the signal layer, resample for the models."""

from __future__ import annotations

from dataclasses import dataclass
from math import gcd
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

MODEL_SAMPLE_RATE = 16_000


class AudioError(ValueError):
    """A recording that cannot be analysed. The message names the file and the reason."""

    def __init__(self, path: str | Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


@dataclass(frozen=True, eq=False)
class Audio:
    """Decoded recording: float32 samples in [-1, 1], shape (channels, samples), original rate."""

    samples: np.ndarray
    sample_rate: int
    path: str = ""
    format: str = ""
    subtype: str = ""

    @property
    def n_channels(self) -> int:
        return int(self.samples.shape[0])

    @property
    def duration_s(self) -> float:
        return self.samples.shape[1] / float(self.sample_rate)

    def channel(self, index: int) -> np.ndarray:
        return self.samples[index]

    def mono(self) -> np.ndarray:
        return self.samples.mean(axis=0) if self.n_channels > 1 else self.samples[0]


def resample(x: np.ndarray, sr_in: int, sr_out: int) -> np.ndarray:
    """Polyphase resampling along the last axis (float32 out)."""
    if sr_in == sr_out:
        return np.ascontiguousarray(x, dtype=np.float32)
    g = gcd(int(sr_in), int(sr_out))
    return resample_poly(x, sr_out // g, sr_in // g, axis=-1).astype(np.float32)


def for_model(x: np.ndarray, sample_rate: int) -> np.ndarray:
    """One channel (or a mono mix) at 16 kHz float32, what Whisper and pyannote take."""
    return resample(np.asarray(x, dtype=np.float32), sample_rate, MODEL_SAMPLE_RATE)


def load_audio(
    path: str | Path, *, max_duration_s: float | None = None, min_duration_s: float = 0.0
) -> Audio:
    """Decode WAV (PCM, µ-law, A-law, float), FLAC, OGG or MP3 with libsndfile.

    Raises AudioError naming the file and the reason for empty, truncated, corrupt, non-audio,
    too short or too long input.
    """
    p = Path(path)
    if not p.exists():
        raise AudioError(p, "file not found")
    if p.is_dir():
        raise AudioError(p, "is a folder, not an audio file")
    size = p.stat().st_size
    if size == 0:
        raise AudioError(p, "empty file (0 bytes)")
    try:
        info = sf.info(str(p))
    except Exception as exc:  # libsndfile's message says what it could not parse
        raise AudioError(p, f"not a readable audio file ({_short(exc)})") from None
    if info.frames <= 0 or info.samplerate <= 0:
        raise AudioError(p, "contains no audio frames (zero-length or truncated header)")
    declared = _wav_declared_frames(p, size) if info.format == "WAV" else None
    if declared is not None and info.frames < declared * 0.98:
        raise AudioError(
            p,
            f"truncated: header says {declared / info.samplerate:.2f} s of audio, "
            f"the file holds {info.frames / info.samplerate:.2f} s",
        )
    duration_s = info.frames / float(info.samplerate)
    if max_duration_s is not None and duration_s > max_duration_s:
        raise AudioError(
            p,
            f"too long: {duration_s:.0f} s ({duration_s / 3600:.2f} h) exceeds "
            f"runtime.max_duration_s={max_duration_s:g} s",
        )
    try:
        data, sr = sf.read(str(p), dtype="float32", always_2d=True)
    except Exception as exc:
        raise AudioError(p, f"corrupt or truncated audio ({_short(exc)})") from None
    if data.shape[0] == 0:
        raise AudioError(p, "contains no audio frames (truncated)")
    if data.shape[0] < info.frames * 0.98 and info.format not in ("MPEG", "OGG"):
        raise AudioError(p, f"truncated: header says {info.frames} frames, decoded {data.shape[0]}")
    if not np.all(np.isfinite(data)):
        raise AudioError(p, "contains NaN or infinite samples")
    duration_s = data.shape[0] / float(sr)
    if duration_s < min_duration_s:
        raise AudioError(
            p, f"too short: {duration_s:.2f} s is under runtime.min_duration_s={min_duration_s} s"
        )
    if data.shape[1] > 2:
        raise AudioError(p, f"{data.shape[1]} channels: expected mono or stereo")
    return Audio(
        samples=np.ascontiguousarray(data.T),
        sample_rate=int(sr),
        path=str(p),
        format=str(info.format),
        subtype=str(info.subtype),
    )


def _wav_declared_frames(path: Path, size: int) -> int | None:
    """Frames the RIFF `data` chunk header claims (libsndfile silently clamps a cut file to what is there).

    None when unknown: not plain RIFF, no data chunk found, or a streaming placeholder size (0 or 0xFFFFFFFF).
    """
    import struct

    with open(path, "rb") as f:
        head = f.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return None
        block_align = 0
        pos = 12
        while pos + 8 <= size:
            f.seek(pos)
            chunk_id, chunk_size = struct.unpack("<4sI", f.read(8))
            if chunk_id == b"fmt " and chunk_size >= 16:
                block_align = struct.unpack("<HHIIH", f.read(14))[4]
            elif chunk_id == b"data":
                if chunk_size in (0, 0xFFFFFFFF) or block_align <= 0:
                    return None
                return chunk_size // block_align
            pos += 8 + chunk_size + (chunk_size & 1)
    return None


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
    return text[:200]
