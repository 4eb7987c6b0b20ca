"""The models' 16-kHz signal, made piece by piece on demand, so a long call never holds a whole 16-kHz copy.

A 2-hour 8-kHz call is 230 MB as decoded; its 16-kHz version 460 MB, and the speech regions cut out of it and
joined another 460 MB. `ModelRateView` slices like that 16-kHz array (`view[a:b]`) but resamples only the
piece asked for, with enough filter context around it that the samples are exactly those of resampling the
whole channel (polyphase FIR: each output sample depends on a few input samples only; tested bit for bit).
`JoinedRegions` is the regions of such a view back to back, sliced the same way. Both also turn into a real
array (`np.asarray`) when a consumer needs one whole (short audio).
"""

from __future__ import annotations

from math import ceil, gcd

import numpy as np
from scipy.signal import resample_poly

from callqa.ingest.audio import COMPACT_ABOVE_S, MODEL_SAMPLE_RATE, Audio


class ModelRateView:
    """One channel of `audio` (or its mono mix, `channel=None`) at 16 kHz, float32, resampled per slice."""

    dtype = np.dtype(np.float32)
    ndim = 1

    def __init__(self, audio: Audio, channel: int | None = None):
        self.audio, self.channel = audio, channel
        sr = int(audio.sample_rate)
        g = gcd(sr, MODEL_SAMPLE_RATE)
        self.up, self.down = MODEL_SAMPLE_RATE // g, sr // g
        n_in = audio.samples.shape[1]
        self._n_in = n_in
        self._len = n_in if self.up == self.down else ceil(n_in * self.up / self.down)
        # input samples of filter context on each side (scipy: half length 10 * max(up, down) at the up rate),
        # a multiple of `down` so every piece starts on the same polyphase phase as the whole signal
        half = 10 * max(self.up, self.down) // self.up + 2
        self._context = ceil(half / self.down) * self.down

    def __len__(self) -> int:
        return self._len

    @property
    def size(self) -> int:
        return self._len

    @property
    def shape(self) -> tuple[int]:
        return (self._len,)

    def _source(self, a: int, b: int) -> np.ndarray:
        return self.audio.span(a, b, self.channel)

    def __getitem__(self, key: slice) -> np.ndarray:
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("ModelRateView takes contiguous slices only")
        a, b, _ = key.indices(self._len)
        if b <= a:
            return np.zeros(0, dtype=np.float32)
        if self.up == self.down:
            return np.ascontiguousarray(self._source(a, b), dtype=np.float32)
        # input span of outputs [a, b), widened to whole polyphase periods plus the filter context
        s = max(0, (a * self.down // self.up) // self.down * self.down - self._context)
        e = min(self._n_in, ceil(b * self.down / self.up / self.down) * self.down + self._context)
        y = resample_poly(np.asarray(self._source(s, e), dtype=np.float32), self.up, self.down)
        offset = s * self.up // self.down
        return np.ascontiguousarray(y[a - offset : b - offset], dtype=np.float32)

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        out = self[0 : self._len]
        return out if dtype is None else out.astype(dtype, copy=False)


class JoinedRegions:
    """`regions` (start_s, end_s) of a 16-kHz signal back to back, sliced on demand (`cut_regions`, lazily)."""

    dtype = np.dtype(np.float32)
    ndim = 1

    def __init__(self, source, regions: list[tuple[float, float]], *, sample_rate: int = MODEL_SAMPLE_RATE):
        self.source = source
        spans = [(int(round(a * sample_rate)), int(round(b * sample_rate))) for a, b in regions]
        n = len(source)
        self.spans = [(min(a, n), min(max(a, b), n)) for a, b in spans]  # as slicing would clip them
        lengths = [b - a for a, b in self.spans]
        self.starts = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)

    def __len__(self) -> int:
        return int(self.starts[-1])

    @property
    def size(self) -> int:
        return len(self)

    @property
    def shape(self) -> tuple[int]:
        return (len(self),)

    def __getitem__(self, key: slice) -> np.ndarray:
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("JoinedRegions takes contiguous slices only")
        a, b, _ = key.indices(len(self))
        parts = []
        i = max(0, int(np.searchsorted(self.starts, a, side="right")) - 1)
        while i < len(self.spans) and self.starts[i] < b:
            lo, hi = max(a, int(self.starts[i])), min(b, int(self.starts[i + 1]))
            if hi > lo:
                src = self.spans[i][0] - int(self.starts[i])
                parts.append(np.asarray(self.source[src + lo : src + hi], dtype=np.float32))
            i += 1
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        out = self[0 : len(self)]
        return out if dtype is None else out.astype(dtype, copy=False)


# Shorter audio is handed to the models as a plain array (as before: 38 MB at 10 min); longer as a view.
WHOLE_ARRAY_MAX_S = COMPACT_ABOVE_S


def model_signal(audio: Audio, channel: int | None = None) -> np.ndarray | ModelRateView:
    """One channel (None: the mono mix) at 16 kHz: an array for calls up to `WHOLE_ARRAY_MAX_S`, else a view."""
    view = ModelRateView(audio, channel)
    return np.asarray(view) if audio.duration_s <= WHOLE_ARRAY_MAX_S else view
