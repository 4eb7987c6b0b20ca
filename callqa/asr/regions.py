"""ASR only where someone may be talking: skip ringback, busy tone, hold music and silence found by the signal layer.

`speech_regions` turns a `SignalReport` into the stretches worth transcribing; `transcribe_regions` cuts them out,
joins them, runs any `Transcriber` once on the joined audio and maps every timestamp back to the recording.
"""

from __future__ import annotations

import bisect
from dataclasses import replace

import numpy as np

from callqa.ingest.audio import Samples
from callqa.ingest.lazy import JoinedRegions
from callqa.types import SignalReport

NOT_TALK_EVENTS = ("ring", "busy_tone", "music")
SPEECH_EVENT = (
    "speech"  # speech found by VAD in a stretch that would be skipped (callqa/asr/guard.py): always heard
)
SAMPLE_RATE = 16000


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def speech_regions(
    signal: SignalReport, *, channel: int = 0, min_skip_s: float = 2.0, pad_s: float = 0.3
) -> list[tuple[float, float]]:
    """Stretches (start_s, end_s) of one channel that may hold speech, in recording time.

    Skipped: ring, busy-tone and music events on the channel, and stretches where the channel is inactive
    (below its activity threshold) for at least `min_skip_s`; never a `speech` event of the channel (speech
    the guard found there, callqa/asr/guard.py). Every skipped stretch gives back `pad_s` at each end, so a
    word that starts in a quiet onset is still heard.

    >>> from callqa.types import ChannelLevels, SignalEvent, SignalReport
    >>> act = np.ones(500, dtype=bool); act[100:300] = False      # 2 s pause at 2-6 s (20-ms frames)
    >>> lv = ChannelLevels(0, 0.02, np.zeros(500), np.zeros(500), np.zeros(500, int), act)
    >>> rep = SignalReport(8000, 10.0, 1, (lv,), (SignalEvent("music", 7.0, 9.5, 0),), {})
    >>> speech_regions(rep)
    [(0.0, 2.3), (5.7, 7.3), (9.2, 10.0)]
    """
    ch = signal.channels[channel]
    hop_s = ch.frame_hop_s
    n = len(ch.active)
    skip = np.zeros(n, dtype=bool)
    for a, b in _runs(~np.asarray(ch.active, dtype=bool)):
        if (b - a) * hop_s >= min_skip_s:
            skip[a:b] = True
    for ev in signal.events:
        if ev.kind in NOT_TALK_EVENTS and ev.channel in (None, channel):
            skip[max(0, int(ev.start_s / hop_s)) : int(np.ceil(ev.end_s / hop_s))] = True
    for ev in signal.events:
        if ev.kind == SPEECH_EVENT and ev.channel in (None, channel):
            skip[max(0, int(ev.start_s / hop_s)) : int(np.ceil(ev.end_s / hop_s))] = False
    pad = int(round(pad_s / hop_s))
    keep = np.ones(n, dtype=bool)
    for a, b in _runs(skip):
        lo, hi = a + (pad if a > 0 else 0), b - (pad if b < n else 0)
        if hi > lo:
            keep[lo:hi] = False
    end_s = signal.duration_s
    return [
        (round(a * hop_s, 3), round(min(b * hop_s, end_s), 3)) for a, b in _runs(keep) if a * hop_s < end_s
    ]


class RegionMap:
    """Maps times in the joined audio (the regions back to back) to times in the recording."""

    def __init__(self, regions: list[tuple[float, float]]):
        self.regions = regions
        lengths = [b - a for a, b in regions]
        self.joined_starts = (
            [float(s) for s in np.concatenate([[0.0], np.cumsum(lengths)[:-1]])] if regions else []
        )

    def to_recording(self, t_s: float, *, is_end: bool = False) -> float:
        """A joined-audio time in recording time; an end exactly on a join stays in the earlier region.

        >>> RegionMap([(1.0, 2.0), (5.0, 6.0)]).to_recording(1.5)
        5.5
        >>> RegionMap([(1.0, 2.0), (5.0, 6.0)]).to_recording(1.0, is_end=True)
        2.0
        """
        if not self.regions:
            return t_s
        find = bisect.bisect_left if is_end else bisect.bisect_right
        i = max(0, min(find(self.joined_starts, t_s) - 1, len(self.regions) - 1))
        return round(float(self.regions[i][0] + t_s - self.joined_starts[i]), 3)

    def span_to_recording(self, start_s: float, end_s: float) -> tuple[float, float]:
        """A word's (start, end) in joined time, in recording time inside one region: the region holding
        the word's middle, its edges clamped to that region.

        Whisper stamps a word across a join when it runs into the next region (measured on the eval set:
        a customer's "Hi," at 0.59-9.89 s, an agent's "it's" at 19.5-35.8 s across a hold); mapped edge by
        edge, such a word spans the skipped stretch, so one utterance spans a hold and a party's speech time
        grows by the hold (issue 17: rate ratio 10.9 on a stereo call with a 40-s hold).

        >>> RegionMap([(1.0, 2.0), (50.0, 60.0)]).span_to_recording(0.8, 1.5)   # middle in the second region
        (50.0, 50.5)
        >>> RegionMap([(1.0, 2.0), (50.0, 60.0)]).span_to_recording(0.5, 1.2)
        (1.5, 2.0)
        """
        if not self.regions:
            return start_s, end_s
        mid = 0.5 * (start_s + end_s)
        i = max(0, min(bisect.bisect_right(self.joined_starts, mid) - 1, len(self.regions) - 1))
        a, b = self.regions[i]
        j0 = self.joined_starts[i]
        lo = min(max(a + start_s - j0, a), b)
        hi = min(max(a + end_s - j0, lo), b)
        return round(float(lo), 3), round(float(hi), 3)


def cut_regions(
    samples: np.ndarray, regions: list[tuple[float, float]], *, sample_rate: int = SAMPLE_RATE
) -> np.ndarray:
    """The regions of `samples` back to back."""
    parts = [samples[int(round(a * sample_rate)) : int(round(b * sample_rate))] for a, b in regions]
    return np.concatenate(parts) if parts else samples[:0]


def joined_regions(samples_16k, regions: list[tuple[float, float]]):
    """`cut_regions` as an array for a short call (an array in), sliced on demand for a long one (a
    `ModelRateView` in), so a long call never holds its joined speech whole."""
    if isinstance(samples_16k, np.ndarray):
        return cut_regions(samples_16k, regions)
    return JoinedRegions(samples_16k, regions)


def transcribe_regions(
    transcriber, samples_16k: Samples, *, language: str, regions: list[tuple[float, float]] | None
):
    """`transcriber.transcribe` on the regions only, timestamps in recording time (None: the whole signal)."""
    if regions is None:
        return transcriber.transcribe(samples_16k, language=language)
    if not regions:
        return []
    joined = joined_regions(samples_16k, regions)
    rmap = RegionMap(regions)
    out = []
    for seg in transcriber.transcribe(joined, language=language):
        words = tuple(
            replace(w, start_s=s, end_s=e)
            for w in seg.words
            for s, e in [rmap.span_to_recording(w.start_s, w.end_s)]
        )
        start_s = words[0].start_s if words else rmap.to_recording(seg.start_s)
        end_s = words[-1].end_s if words else rmap.to_recording(seg.end_s, is_end=True)
        out.append(replace(seg, start_s=start_s, end_s=end_s, words=words))
    return out


def diarize_regions(diarizer, samples_16k: Samples, *, regions: list[tuple[float, float]] | None):
    """`diarizer.diarize` on the regions only, turns in recording time, cut at the joins (None: the whole signal)."""
    from callqa.types import SpeakerTurn

    if regions is None:
        return diarizer.diarize(samples_16k)
    if not regions:
        return []
    rmap = RegionMap(regions)
    out: list[SpeakerTurn] = []
    for turn in diarizer.diarize(joined_regions(samples_16k, regions)):
        for (a, b), j0 in zip(
            regions, rmap.joined_starts, strict=True
        ):  # the part of the turn in each region
            lo, hi = max(turn.start_s, j0), min(turn.end_s, j0 + (b - a))
            if hi - lo > 1e-3:
                out.append(SpeakerTurn(turn.speaker, round(a + lo - j0, 3), round(a + hi - j0, 3)))
    return sorted(out, key=lambda t: (t.start_s, t.end_s))
