"""callqa.intervals: the one home of interval and frame-mask arithmetic."""

from __future__ import annotations

import doctest

import numpy as np

import callqa.intervals as iv
from callqa.types import SignalEvent


def test_doctests() -> None:
    assert doctest.testmod(iv).failed == 0


def test_union_intersection_gaps_total() -> None:
    a = iv.merge_intervals([(0.0, 1.0), (0.5, 2.0), (3.0, 4.0)])
    assert a == [(0.0, 2.0), (3.0, 4.0)]
    assert iv.intersect_intervals(a, [(1.5, 3.5)]) == [(1.5, 2.0), (3.0, 3.5)]
    assert iv.gaps(a, 0.0, 5.0) == [(2.0, 3.0), (4.0, 5.0)]
    assert iv.total_s(a) == 3.0


def test_masks_round_trip_and_events_are_masked_per_channel() -> None:
    mask = iv.spans_mask([(0.1, 0.3), (0.5, 0.6)], n_frames=10, hop_s=0.1)
    assert iv.mask_runs(mask, hop_s=0.1) == [(0.1, 0.30000000000000004), (0.5, 0.6000000000000001)]
    assert iv.mask_runs(mask, hop_s=0.1, min_s=0.15) == [(0.1, 0.30000000000000004)]
    active = np.ones(10, dtype=bool)
    events = [
        SignalEvent("music", 0.2, 0.4, 0),
        SignalEvent("ring", 0.0, 0.1, 1),
        SignalEvent("silence", 0.6, 0.9),
    ]
    out = iv.without_events(active, events, channel=0, hop_s=0.1)
    assert out.tolist() == [True, True, False, False, True, True, True, True, True, True]
    assert active.all()  # a copy
