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


# Recordings longer than this are kept as 16-bit integers when that loses nothing (16-bit PCM, µ-law, A-law,
# 8-bit): half the memory (2 hours at 8 kHz: 115 MB instead of 230 MB). Shorter ones as float32, as always.
COMPACT_ABOVE_S = 600.0
_INT16_SCALE = np.float32(1.0 / 32768.0)  # libsndfile's float read of 16-bit samples: exactly int / 32768


class Pcm16Channel:
    """One channel kept as 16-bit integers, read as float32 in [-1, 1] piece by piece (`x[a:b]`, index arrays):
    the values libsndfile's float32 read gives (int / 32768, exact), without a whole float copy."""

    dtype = np.dtype(np.float32)
    ndim = 1

    def __init__(self, data: np.ndarray):
        self.data = data

    def __len__(self) -> int:
        return len(self.data)

    @property
    def size(self) -> int:
        return int(self.data.size)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.data.shape)

    def __getitem__(self, key) -> np.ndarray:
        return self.data[key].astype(np.float32) * _INT16_SCALE

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        out = self.data.astype(np.float32) * _INT16_SCALE
        return out if dtype is None else out.astype(dtype, copy=False)


@dataclass(frozen=True, eq=False)
class Audio:
    """Decoded recording, shape (channels, samples), original rate: float32 samples in [-1, 1], or for a long
    lossless 16-bit recording int16 samples (`compact`; `channel()` then reads them as float32 in [-1, 1])."""

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

    @property
    def compact(self) -> bool:
        return self.samples.dtype == np.int16

    def channel(self, index: int) -> np.ndarray | Pcm16Channel:
        return Pcm16Channel(self.samples[index]) if self.compact else self.samples[index]

    def span(self, a: int, b: int, channel: int | None = None) -> np.ndarray:
        """float32 samples [a, b) of one channel, or of the mono mix (`channel=None`), as `mono()` computes it."""
        x = self.samples[:, a:b] if channel is None else self.samples[channel : channel + 1, a:b]
        if self.compact:
            x = x.astype(np.float32) * _INT16_SCALE
        return x.mean(axis=0) if x.shape[0] > 1 else x[0]

    def mono(self) -> np.ndarray:
        if self.compact:
            return self.span(0, self.samples.shape[1])
        return self.samples.mean(axis=0) if self.n_channels > 1 else self.samples[0]

    def peak(self) -> float:
        """max |sample| in [0, 1], without a whole-call |x| temporary (230 MB on 2 hours at 8 kHz)."""
        if not self.samples.size:
            return 0.0
        top = max(-float(self.samples.min()), float(self.samples.max()))
        return top * float(_INT16_SCALE) if self.compact else top


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
    path: str | Path,
    *,
    max_duration_s: float | None = None,
    min_duration_s: float = 0.0,
    compact_above_s: float | None = None,
) -> Audio:
    """Decode WAV (PCM, µ-law, A-law, float), FLAC, OGG or MP3 with libsndfile.

    Raises AudioError naming the file and the reason for empty, truncated, corrupt, non-audio,
    too short or too long input. A recording longer than `compact_above_s` whose samples are 16 bits or
    fewer is kept as int16 (`Audio.compact`), after checking on its first second that the float read equals
    int / 32768 exactly.
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
    dtype = "float32"
    if compact_above_s is not None and duration_s > compact_above_s and _int16_is_lossless(p, info):
        dtype = "int16"
    mapped = _map_pcm16_wav(p, size, info) if dtype == "int16" else None
    try:
        data, sr = (
            (mapped, info.samplerate) if mapped is not None else sf.read(str(p), dtype=dtype, always_2d=True)
        )
    except Exception as exc:
        raise AudioError(p, f"corrupt or truncated audio ({_short(exc)})") from None
    if data.shape[0] == 0:
        raise AudioError(p, "contains no audio frames (truncated)")
    if data.shape[0] < info.frames * 0.98 and info.format not in ("MPEG", "OGG"):
        raise AudioError(p, f"truncated: header says {info.frames} frames, decoded {data.shape[0]}")
    if dtype == "float32" and not np.all(np.isfinite(data)):
        raise AudioError(p, "contains NaN or infinite samples")
    duration_s = data.shape[0] / float(sr)
    if duration_s < min_duration_s:
        raise AudioError(
            p, f"too short: {duration_s:.2f} s is under runtime.min_duration_s={min_duration_s} s"
        )
    if data.shape[1] > 2:
        raise AudioError(p, f"{data.shape[1]} channels: expected mono or stereo")
    return Audio(
        # a mapped file stays a view of the file (its channels interleaved): no copy in memory
        samples=data.T if mapped is not None else np.ascontiguousarray(data.T),
        sample_rate=int(sr),
        path=str(p),
        format=str(info.format),
        subtype=str(info.subtype),
    )


def _int16_is_lossless(path: Path, info) -> bool:
    """16-bit or narrower integer samples whose float read is int / 32768 (checked on the first second)."""
    if info.subtype not in ("PCM_16", "PCM_U8", "PCM_S8", "ULAW", "ALAW"):
        return False
    try:
        n = min(int(info.frames), int(info.samplerate))
        a, _ = sf.read(str(path), frames=n, dtype="float32", always_2d=True)
        b, _ = sf.read(str(path), frames=n, dtype="int16", always_2d=True)
    except Exception:  # noqa: BLE001 - the full read below reports what is wrong with the file
        return False
    return bool(np.array_equal(a, b.astype(np.float32) * _INT16_SCALE))


def _wav_data_chunk(path: Path, size: int) -> tuple[int, int, int] | None:
    """(byte offset of the samples, the `data` chunk's declared size, block align) of a plain RIFF WAVE file.

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
                return pos + 8, chunk_size, block_align
            pos += 8 + chunk_size + (chunk_size & 1)
    return None


def _wav_declared_frames(path: Path, size: int) -> int | None:
    """Frames the RIFF `data` chunk header claims (libsndfile silently clamps a cut file to what is there)."""
    chunk = _wav_data_chunk(path, size)
    return None if chunk is None else chunk[1] // chunk[2]


def _map_pcm16_wav(path: Path, size: int, info) -> np.ndarray | None:
    """A long 16-bit PCM WAV file's samples mapped from the file, (frames, channels) int16, or None.

    The samples are read from the page cache as they are used instead of held: a 2-hour 8-kHz call is 115 MB
    that no longer counts against the worker while the models work on one block of it (`callqa.models.memory`
    drops the pages read so far after each block and step). Only when the mapping is exactly libsndfile's
    int16 read (checked on the first and the last second); anything else is decoded as before.
    """
    if info.format != "WAV" or info.subtype != "PCM_16" or info.endian not in ("FILE", "LITTLE"):
        return None
    chunk = _wav_data_chunk(path, size)
    if chunk is None:
        return None
    offset, _declared, align = chunk
    channels = int(info.channels)
    if align != 2 * channels:
        return None
    frames = min(int(info.frames), (size - offset) // align)
    if frames <= 0:
        return None
    from callqa.models.memory import track_mapping

    try:
        mm = np.memmap(path, dtype="<i2", mode="r", offset=offset, shape=(frames, channels))
        n = min(frames, int(info.samplerate))
        head, _ = sf.read(str(path), frames=n, dtype="int16", always_2d=True)
        tail, _ = sf.read(str(path), start=frames - n, frames=n, dtype="int16", always_2d=True)
    except Exception:  # noqa: BLE001 - the plain read reports what is wrong with the file
        return None
    if not (np.array_equal(mm[:n], head) and np.array_equal(mm[frames - n :], tail)):
        return None
    track_mapping(mm)
    return mm


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
    return text[:200]
