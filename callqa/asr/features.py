"""Whisper's log-Mel features computed a few thousand frames at a time, equal to faster-whisper's.

faster-whisper's `FeatureExtractor` frames the whole input at once: for a 120-s block it holds the windowed
frames (12,000 x 400 float32), their complex spectrum and its squared magnitude together, ≈ 90 MB for a moment
on top of the worker's models — the largest transient of the ASR step (benchmarks/bench_memory.py). The frames
are independent, so the same spectrum can be computed `block_frames` frames at a time into the (small) Mel
matrix; only the final clamp to `max - 8` needs the whole block, and it runs on the Mel matrix. The values are
the same numbers (tests/asr/test_block_features.py compares them bit for bit on real and random audio).
"""

from __future__ import annotations

import numpy as np
from faster_whisper.feature_extractor import FeatureExtractor


class BlockFeatureExtractor(FeatureExtractor):
    """`FeatureExtractor` with the STFT and Mel projection done `block_frames` frames at a time."""

    block_frames: int = 1000

    @classmethod
    def like(cls, other: FeatureExtractor, *, block_frames: int = 1000) -> BlockFeatureExtractor:
        """A block extractor with `other`'s settings (the one a `WhisperModel` made for its model)."""
        new = cls.__new__(cls)
        new.__dict__.update(other.__dict__)
        new.block_frames = int(block_frames)
        return new

    def __call__(
        self, waveform: np.ndarray, padding: int = 160, chunk_length: int | None = None
    ) -> np.ndarray:
        if chunk_length is not None:  # as faster-whisper: a call with chunk_length sets it for later calls
            self.n_samples = chunk_length * self.sampling_rate
            self.nb_max_frames = self.n_samples // self.hop_length
        if waveform.dtype is not np.float32:
            waveform = waveform.astype(np.float32)
        if padding:
            waveform = np.pad(waveform, (0, padding))
        n_fft, hop = self.n_fft, self.hop_length
        # the centred STFT's reflect padding, done once (a copy of the block's samples: 4 bytes a sample)
        padded = np.pad(waveform, (n_fft // 2, n_fft // 2), mode="reflect")
        n_frames = 1 + (len(padded) - n_fft) // hop  # >= 1: the padding alone is n_fft long
        window = np.hanning(n_fft + 1)[:-1].astype("float32")
        frames = np.lib.stride_tricks.as_strided(
            padded, (n_frames, n_fft), (hop * padded.strides[0], padded.strides[0]), writeable=False
        )
        kept = n_frames - 1  # faster-whisper drops the last frame (stft[..., :-1])
        log_spec = np.empty((self.mel_filters.shape[0], kept), dtype=np.float32)
        # a very short last piece would go to BLAS as a matrix-vector product, which rounds differently:
        # it joins the piece before it (every piece has >= 64 frames unless the whole block is shorter)
        starts = list(range(0, kept, max(64, self.block_frames)))
        if len(starts) > 1 and kept - starts[-1] < 64:
            starts.pop()
        for a, b in zip(starts, [*starts[1:], kept], strict=True):
            spectrum = np.fft.rfft(frames[a:b] * window, n=n_fft, axis=-1).astype("complex64")
            magnitudes = np.abs(spectrum.T) ** 2
            mel = self.mel_filters @ magnitudes
            log_spec[:, a:b] = np.log10(np.clip(mel, a_min=1e-10, a_max=None))
        if kept:
            np.maximum(log_spec, log_spec.max() - 8.0, out=log_spec)
        log_spec += 4.0
        log_spec /= 4.0
        return log_spec
