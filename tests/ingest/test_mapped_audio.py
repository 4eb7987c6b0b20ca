"""A long 16-bit PCM WAV is mapped from its file: the same samples as libsndfile's read, pages dropped on release."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from callqa.ingest.audio import load_audio
from callqa.models import memory

EXT = Path(__file__).resolve().parents[1] / "data" / "external"


def _real(seconds: float) -> np.ndarray:
    x, sr = sf.read(EXT / "aws-lca" / "Auto_Repairs_40_UTC_agent.wav", dtype="float32")
    assert sr == 8000
    return np.resize(x, int(seconds * sr))


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.mark.parametrize("channels", [1, 2])
def test_mapped_samples_equal_the_decoded_ones(tmp_path: Path, channels: int) -> None:
    x = _real(90.0)
    data = x if channels == 1 else np.stack([x, np.roll(x, 8000)], axis=1)
    path = tmp_path / "call.wav"
    sf.write(path, data, 8000, subtype="PCM_16")
    mapped = load_audio(path, compact_above_s=10.0)
    decoded, _ = sf.read(path, dtype="int16", always_2d=True)
    assert isinstance(mapped.samples.base, np.memmap) or isinstance(mapped.samples, np.memmap)
    assert mapped.samples.shape == (channels, len(x)) and mapped.samples.dtype == np.int16
    assert np.array_equal(mapped.samples, decoded.T)
    full = load_audio(path)  # float32, as short calls are decoded
    for ch in range(channels):
        assert np.array_equal(np.asarray(mapped.channel(ch)), full.channel(ch))
        assert np.array_equal(mapped.span(8000, 16000, ch), full.channel(ch)[8000:16000])
    assert np.array_equal(mapped.mono(), full.mono())
    assert mapped.peak() == float(np.max(np.abs(full.samples)))


def test_other_encodings_are_decoded_not_mapped(tmp_path: Path) -> None:
    x = _real(30.0)
    for subtype in ("ULAW", "ALAW", "PCM_U8"):
        path = tmp_path / f"{subtype}.wav"
        sf.write(path, x, 8000, subtype=subtype)
        audio = load_audio(path, compact_above_s=10.0)
        assert audio.compact and not isinstance(audio.samples.base, np.memmap)
        assert np.array_equal(audio.samples[0], sf.read(path, dtype="int16")[0])
    path = tmp_path / "short.wav"
    sf.write(path, x, 8000, subtype="PCM_16")
    assert not isinstance(load_audio(path).samples.base, np.memmap)  # short calls: float32 in memory


def test_a_wav_whose_header_lies_is_not_mapped(tmp_path: Path) -> None:
    # a data chunk declared bigger than the file (a recorder that died): libsndfile clamps; the load refuses it
    x = _real(60.0)
    path = tmp_path / "cut.wav"
    sf.write(path, x, 8000, subtype="PCM_16")
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ValueError, match="truncated"):
        load_audio(path, compact_above_s=10.0)


def test_release_drops_the_pages_read_so_far(tmp_path: Path) -> None:
    path = tmp_path / "long.wav"
    sf.write(path, _real(1800.0), 8000, subtype="PCM_16")  # 30 min: 28.8 MB of samples
    audio = load_audio(path, compact_above_s=600.0)
    before = _rss_kb()
    assert int(audio.samples[0].astype(np.int64).sum()) != 0  # every page read once
    touched = _rss_kb()
    memory.release()
    after = _rss_kb()
    assert touched - before > 20_000, (before, touched)  # KB: the file's pages became resident
    assert touched - after > 20_000, (touched, after)  # and left the resident set again
    assert np.array_equal(
        audio.samples[0][:8000], sf.read(path, frames=8000, dtype="int16")[0]
    )  # still readable
