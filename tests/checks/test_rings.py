"""The rings check: audio rings, manifest ring_s, and na without either."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from signal_calls import call_from_audio, call_with, events_report

from callqa.checks.rings import RingsParams, check_rings
from callqa.ingest.audio import load_audio

RINGBACK = Path(__file__).resolve().parents[1] / "data" / "external" / "baresip" / "ringback.wav"


@pytest.fixture(scope="module")
def ringback() -> np.ndarray:
    return load_audio(RINGBACK).samples[0]


@pytest.mark.parametrize("n,status", [(2, "pass"), (3, "pass"), (4, "fail")])
def test_rings_counted_from_real_ringback(n, status, ringback):
    x = np.concatenate([np.tile(ringback, n), np.zeros(8000 * 5, np.float32)])
    answer = 6.0 * n + 0.5
    call = call_from_audio([("agent", answer, answer + 2.0, "thank you for calling")], x)
    res = check_rings(call, RingsParams())
    assert res.status == status
    assert res.values.count == n and res.values.source == "audio" and res.values.profile == "na"
    assert res.values.answer_time_s == pytest.approx(answer)
    assert res.values.ring_s == pytest.approx(answer, abs=0.05)
    assert len(res.evidence) == n


def test_max_rings_is_configurable(ringback):
    call = call_from_audio([("agent", 12.5, 14.0, "hello")], np.tile(ringback, 2))
    assert check_rings(call, RingsParams(max_rings=1)).status == "fail"


@pytest.mark.parametrize(
    "ring_s,profile,count",
    [(13.0, None, 3), (12.0, None, 2), (0.5, None, 1), (10.0, "uk", 4), (9.0, "jp", 3)],
)
def test_manifest_ring_s_over_the_cadence_period(ring_s, profile, count):
    call = call_with(
        [("agent", 0.5, 2.0, "hello")],
        signal=events_report([], duration_s=5.0),
        ring_s=ring_s,
        ring_profile=profile,
    )
    res = check_rings(call, RingsParams())
    assert (res.values.count, res.values.source) == (count, "metadata")


def test_no_rings_and_no_manifest_is_na_not_zero():
    call = call_with([("agent", 0.5, 2.0, "hello")], signal=events_report([], duration_s=5.0))
    res = check_rings(call, RingsParams())
    assert res.status == "na" and "ring_s" in (res.reason or "") and "count" not in res.values
