"""Whisper's features computed block by block are faster-whisper's own, bit for bit, in a fraction of the memory."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from faster_whisper.feature_extractor import FeatureExtractor

from callqa.asr.features import BlockFeatureExtractor
from callqa.ingest.audio import load_audio, resample

CALL = Path(__file__).resolve().parents[1] / "data" / "external" / "aws-lca" / "Auto_Repairs_40_UTC_agent.wav"


@pytest.fixture(scope="module")
def speech() -> np.ndarray:
    a = load_audio(CALL)
    return resample(a.mono(), a.sample_rate, 16000).astype(np.float32)


@pytest.fixture(scope="module")
def stock() -> FeatureExtractor:
    return FeatureExtractor(feature_size=80)


def lengths() -> list[int]:
    # around each block edge (a piece of 1, 63, 64 frames left over), a 30-s window, very short and odd lengths
    edge = [1000 * 160 + k * 160 + d for k in (0, 1, 2, 62, 63, 64, 65, 999) for d in (0, 37)]
    return [*edge, 1, 100, 401, 12_345, 30 * 16000, 30 * 16000 + 77, 120 * 16000]


@pytest.mark.parametrize("n", lengths())
def test_block_features_equal_faster_whispers_on_real_speech(speech, stock, n) -> None:
    x = speech[:n]
    assert len(x) == n
    want = stock(x, chunk_length=30)
    got = BlockFeatureExtractor.like(stock)(x, chunk_length=30)
    assert got.dtype == want.dtype and got.shape == want.shape
    assert np.array_equal(got, want)


@pytest.mark.parametrize("block_frames", [64, 500, 997, 3000])
def test_block_size_does_not_change_the_features(stock, block_frames) -> None:
    rng = np.random.default_rng(7)
    x = (0.1 * rng.standard_normal(16000 * 61)).astype(np.float32)
    x[16000 * 20 : 16000 * 25] = 0.0  # digital silence: the 1e-10 floor and the max - 8 clamp both act
    want = stock(x)
    assert np.array_equal(BlockFeatureExtractor.like(stock, block_frames=block_frames)(x), want)


def test_chunk_length_is_remembered_as_faster_whisper_does(stock) -> None:
    block = BlockFeatureExtractor.like(FeatureExtractor(feature_size=80))
    block(np.zeros(16000, np.float32), chunk_length=10)
    assert block.n_samples == 10 * 16000 and block.nb_max_frames == 1000


def test_a_120_s_block_needs_a_fraction_of_the_memory(speech, stock) -> None:
    x = speech[: 120 * 16000]

    def peak(extract) -> int:
        tracemalloc.start()
        try:
            extract(x)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    stock_peak, block_peak = peak(stock), peak(BlockFeatureExtractor.like(stock))
    # measured: 123 MB vs 32 MB (the padded copy of the block and the Mel matrix remain)
    assert block_peak < 0.4 * stock_peak, (block_peak, stock_peak)


def test_whisper_model_uses_the_block_extractor() -> None:
    from callqa.asr.whisper import WhisperTranscriber
    from callqa.config import load_config

    model = WhisperTranscriber(load_config(None).asr).model
    assert isinstance(model.feature_extractor, BlockFeatureExtractor)
