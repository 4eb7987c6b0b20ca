"""Time intervals and frame masks: union, intersection, gaps, mask <-> runs, tones masked out of activity.

The one place these loops live; everything else (signal layer, diarization by channel, checks) calls them.
Intervals are `(start_s, end_s)` in seconds; masks are boolean frame arrays with a hop of `hop_s` seconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from callqa.types import Interval, SignalEvent

NON_SPEECH_EVENTS = ("ring", "busy_tone", "music")  # energy on a leg that is not talk


def merge_intervals(intervals: Iterable[Interval], *, gap_s: float = 0.0) -> list[Interval]:
    """Union of intervals; intervals closer than `gap_s` are joined.

    >>> merge_intervals([(3.0, 4.0), (0.0, 1.0), (1.2, 2.0)], gap_s=0.5)
    [(0.0, 2.0), (3.0, 4.0)]
    """
    out: list[list[float]] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if out and start <= out[-1][1] + gap_s:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


def intersect_intervals(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """Pairwise intersection of two sorted, merged interval lists."""
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if hi > lo:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def total_s(intervals: Iterable[Interval]) -> float:
    return float(sum(e - s for s, e in intervals))


def gaps(intervals: Sequence[Interval], start_s: float, end_s: float) -> list[Interval]:
    """Complement of merged `intervals` within [start_s, end_s]."""
    out: list[Interval] = []
    cursor = start_s
    for s, e in intervals:
        if s > cursor:
            out.append((cursor, min(s, end_s)))
        cursor = max(cursor, e)
    if cursor < end_s:
        out.append((cursor, end_s))
    return [(s, e) for s, e in out if e > s]


def mask_run_frames(mask: np.ndarray) -> list[tuple[int, int]]:
    """Runs of True frames as (first, one past last) frame indices.

    >>> mask_run_frames(np.array([0, 1, 1, 0, 1], dtype=bool))
    [(1, 3), (4, 5)]
    """
    edges = np.diff(np.concatenate([[0], np.asarray(mask, dtype=np.int8), [0]]))
    starts, ends = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]
    return [(int(s), int(e)) for s, e in zip(starts, ends, strict=True)]


def mask_runs(mask: np.ndarray, *, hop_s: float, min_s: float = 0.0) -> list[Interval]:
    """Runs of True frames as intervals (frame i covers [i*hop_s, (i+1)*hop_s)), at least `min_s` long.

    >>> mask_runs(np.array([0, 1, 1, 0, 1], dtype=bool), hop_s=0.5)
    [(0.5, 1.5), (2.0, 2.5)]
    """
    return [(s * hop_s, e * hop_s) for s, e in mask_run_frames(mask) if (e - s) * hop_s >= min_s]


def frame_span(start_s: float, end_s: float, *, hop_s: float) -> slice:
    """Frames touched by [start_s, end_s): floor of the start, ceiling of the end."""
    return slice(max(0, int(start_s / hop_s)), max(0, int(np.ceil(end_s / hop_s))))


def spans_mask(spans: Iterable[Interval], *, n_frames: int, hop_s: float) -> np.ndarray:
    """A frame mask that is True over `spans` (floor/ceiling frames)."""
    mask = np.zeros(n_frames, dtype=bool)
    for s, e in spans:
        mask[frame_span(s, e, hop_s=hop_s)] = True
    return mask


def mark_rounded(mask: np.ndarray, spans: Iterable[Interval], *, hop_s: float) -> None:
    """Set `mask` True over `spans`, rounding both ends to the nearest frame (the signal layer's tone masks)."""
    for s, e in spans:
        mask[max(0, int(round(s / hop_s))) : max(0, int(round(e / hop_s)))] = True


def without_events(
    active: np.ndarray,
    events: Iterable[SignalEvent],
    *,
    channel: int,
    hop_s: float,
    kinds: Sequence[str] = NON_SPEECH_EVENTS,
) -> np.ndarray:
    """A copy of an activity mask with tone/music events of that channel (or of every channel) masked out."""
    out = np.asarray(active, dtype=bool).copy()
    for ev in events:
        if ev.kind in kinds and ev.channel in (None, channel):
            out[frame_span(ev.start_s, ev.end_s, hop_s=hop_s)] = False
    return out
