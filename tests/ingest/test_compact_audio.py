"""A long 16-bit recording kept as int16: every measurement equals the float32 decode, at half the memory."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from callqa.config import load_config
from callqa.ingest.audio import Pcm16Channel, for_model, load_audio
from callqa.ingest.lazy import ModelRateView
from callqa.signal.analyze import analyze_signal
from callqa.types import CallMeta

EXT = Path(__file__).resolve().parents[1] / "data" / "external"


@pytest.fixture()
def call_wav(tmp_path: Path) -> Path:
    """Ringback, then a real stereo call (aws-lca 40, 40 s), then hold music: 8 kHz 16-bit."""
    ring = load_audio(EXT / "baresip" / "ringback.wav").mono()
    agent, _ = sf.read(EXT / "aws-lca" / "Auto_Repairs_40_UTC_agent.wav", dtype="float32", frames=8000 * 40)
    caller, _ = sf.read(EXT / "aws-lca" / "Auto_Repairs_40_UTC_caller.wav", dtype="float32", frames=8000 * 40)
    moh = load_audio(EXT / "qmoh" / "qMOH-friends_inline.wav")
    from callqa.ingest.audio import resample

    music = 0.5 * resample(moh.mono(), moh.sample_rate, 8000)
    left = np.concatenate([np.tile(ring, 2), agent, music])
    right = np.concatenate([np.zeros(2 * len(ring), np.float32), caller, np.zeros(len(music), np.float32)])
    path = tmp_path / "call.wav"
    sf.write(path, np.stack([left, right], axis=1), 8000, subtype="PCM_16")
    return path


def test_compact_decode_only_above_the_limit(call_wav: Path) -> None:
    assert not load_audio(call_wav, compact_above_s=600.0).compact
    compact = load_audio(call_wav, compact_above_s=1.0)
    assert compact.compact and compact.samples.dtype == np.int16
    full = load_audio(call_wav)
    assert compact.peak() == pytest.approx(float(np.max(np.abs(full.samples))), abs=0)
    assert np.array_equal(np.asarray(compact.channel(1)), full.channel(1))
    assert np.array_equal(compact.mono(), full.mono())
    assert isinstance(compact.channel(0), Pcm16Channel)


def test_float_files_are_never_compact(tmp_path: Path) -> None:
    path = tmp_path / "f.wav"
    sf.write(path, np.linspace(-0.5, 0.5, 16000, dtype=np.float32), 8000, subtype="FLOAT")
    assert not load_audio(path, compact_above_s=0.0).compact


@pytest.mark.parametrize("layout", ["stereo_agent_left", "mono"])
def test_signal_layer_and_model_input_equal_the_float_decode(call_wav: Path, layout: str) -> None:
    config = load_config(None, ())
    signal = replace(config.signal, pitch=replace(config.signal.pitch, enabled=True))
    full, compact = load_audio(call_wav), load_audio(call_wav, compact_above_s=1.0)
    if layout == "mono":  # a mono file: the stereo call mixed down
        mono = tmp = call_wav.with_name("mono.wav")
        sf.write(tmp, full.mono(), 8000, subtype="PCM_16")
        full, compact = load_audio(mono), load_audio(mono, compact_above_s=1.0)
    meta = CallMeta(call_id="c", audio_path=str(call_wav), language="en", channel_layout=layout)
    a = analyze_signal(full, config=signal, meta=meta)
    b = analyze_signal(compact, config=signal, meta=meta)
    assert a.events == b.events and a.events  # rings and music found, identically
    assert repr(a.extras) == repr(b.extras)
    for la, lb in zip(a.channels, b.channels, strict=True):
        for name in ("level_dbfs", "peak_dbfs", "clipped", "active"):
            assert np.array_equal(getattr(la, name), getattr(lb, name)), name
    for pa, pb in zip(a.extras.pitch, b.extras.pitch, strict=True):
        assert np.array_equal(pa.f0_hz, pb.f0_hz, equal_nan=True)
    for ch in (None, *range(full.n_channels)):
        ref = for_model(full.mono() if ch is None else full.channel(ch), 8000)
        assert np.array_equal(np.asarray(ModelRateView(compact, ch)), ref)
