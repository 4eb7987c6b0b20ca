"""The signal layer on the demo calls, against what scripts/make_demo_data.py built (data/demo/expected.yaml)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from callqa.config import load_config
from callqa.ingest.audio import load_audio
from callqa.signal.analyze import analyze_signal
from callqa.types import CallMeta

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
EXPECTED = yaml.safe_load((DEMO / "expected.yaml").read_text(encoding="utf-8"))["calls"]


def _analyze(call_id: str):
    truth = EXPECTED[call_id]
    meta = CallMeta(
        call_id=call_id,
        audio_path=str(DEMO / truth["audio_path"]),
        language=truth["language"],
        channel_layout=truth["channel_layout"],
    )
    return analyze_signal(load_audio(meta.audio_path), config=load_config().signal, meta=meta), truth


def _overlap_s(a: tuple[float, float], spans: list[tuple[float, float]]) -> float:
    return sum(max(0.0, min(a[1], e) - max(a[0], s)) for s, e in spans)


@pytest.mark.parametrize("call_id", sorted(EXPECTED))
def test_rings_counted_from_the_audio(call_id):
    report, truth = _analyze(call_id)
    if truth["rings"]["ringback_in_audio"]:
        assert report.extras.ring_count == truth["rings"]["count"]
        assert report.extras.ring_profile == "na"
    else:
        assert not report.extras.ring_count
        assert not [e for e in report.events if e.kind == "ring"]


@pytest.mark.parametrize("call_id", sorted(EXPECTED))
def test_hangup_evidence(call_id):
    report, truth = _analyze(call_id)
    hangup = truth["hangup"]
    busy = [e for e in report.events if e.kind == "busy_tone"]
    dead = [e for e in report.events if e.kind == "dead_line"]
    if hangup["evidence"] == "busy_tone":
        start = hangup["busy_tone_s"][0]
        assert any(abs(e.start_s - start) <= 0.6 for e in busy), [(e.start_s, e.end_s) for e in busy]
        assert report.extras.hangup_party == "customer"
    elif hangup["evidence"] == "agent_leg_dead":
        agent_channel = 1 if truth["channel_layout"] == "stereo_agent_right" else 0
        assert any(
            e.channel == agent_channel and abs(e.start_s - hangup["agent_dead_from_s"]) <= 1.0 for e in dead
        )
        assert report.extras.hangup_party == "agent"
        assert not busy
    else:  # the manifest says it; nothing in the audio
        assert not busy and not dead


@pytest.mark.parametrize("call_id", sorted(EXPECTED))
def test_hold_music_found_where_it_was_put(call_id):
    report, truth = _analyze(call_id)
    found = [(e.start_s, e.end_s) for e in report.events if e.kind == "music"]
    placed = [(e["start_s"], e["end_s"]) for e in truth["events"] if e["kind"] == "music"]
    for span in placed:  # music edges are accurate to about +-1.5 s (3-s analysis windows)
        assert _overlap_s(span, found) >= 0.8 * (span[1] - span[0]), (span, found)
    spurious = sum(e - s for s, e in found) - sum(_overlap_s(f, placed) for f in found)
    assert spurious <= 3.0 * max(1, len(found)), found


def test_loud_agent_is_clipping_and_others_are_not():
    for call_id, truth in EXPECTED.items():
        report, _ = _analyze(call_id)
        clipped = int(sum(np.sum(ch.clipped) for ch in report.channels))
        if truth["volume"]["loud_agent"]:
            assert clipped > 100, call_id
        else:
            assert clipped == 0, call_id
