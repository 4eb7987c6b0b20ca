"""The 16-kHz view of a long call: every slice equals the whole-signal resampling, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from callqa.asr.regions import cut_regions
from callqa.ingest.audio import Audio, for_model
from callqa.ingest.lazy import JoinedRegions, ModelRateView


@pytest.mark.parametrize(
    "sr, channels", [(8000, 1), (8000, 2), (44100, 2), (48000, 1), (16000, 1), (11025, 1)]
)
def test_slices_equal_the_whole_resampling(sr: int, channels: int) -> None:
    rng = np.random.default_rng(sr + channels)
    x = rng.uniform(-0.5, 0.5, (channels, sr * 21 + 123)).astype(np.float32)
    audio = Audio(samples=x, sample_rate=sr, path="x.wav", format="WAV", subtype="PCM_16")
    for channel in [None, *range(channels)]:
        whole = for_model(audio.mono() if channel is None else audio.channel(channel), sr)
        view = ModelRateView(audio, channel)
        assert len(view) == len(whole)
        n = len(whole)
        for a, b in ((0, 100), (5, 16000 * 3), (16000 * 10 + 7, 16000 * 20), (n - 500, n), (0, n)):
            assert np.array_equal(view[a:b], whole[a:b]), (channel, a, b)
        regions = [(0.3, 2.1), (5.0, 9.99), (12.345, 20.0), (20.5, 40.0)]  # the last one runs past the end
        joined, ref = JoinedRegions(view, regions), cut_regions(whole, regions)
        assert len(joined) == len(ref) and np.array_equal(np.asarray(joined), ref)
        for a, b in ((0, 10), (16000 + 5, 16000 * 9), (len(ref) - 999, len(ref))):
            assert np.array_equal(joined[a:b], ref[a:b])
