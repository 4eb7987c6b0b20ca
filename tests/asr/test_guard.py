"""The speech guard: what ASR would skip is checked with Silero VAD; speech there is heard and ends the music.

Real audio (Silero only, no Whisper): aws-lca legs and qMOH hold music from tests/data/external.
"""

from __future__ import annotations

import numpy as np
import pytest

from callqa.asr.guard import SureSpeech, cut_at_speech, guard_speech, speech_probabilities, speech_runs
from callqa.asr.regions import speech_regions
from callqa.config import load_config
from callqa.ingest.audio import Audio, resample
from callqa.intervals import intersect_intervals, merge_intervals, total_s
from callqa.signal.analyze import analyze_signal
from callqa.types import CallMeta, SignalEvent
from tests.integration.real_mixes import EXT, SR, hold_music, legs, music_under_speech, with_hold

pytestmark = pytest.mark.skipif(not (EXT / "qmoh").exists(), reason="real clips missing")

CFG = load_config()


def _guard(audio: Audio, layout: str = "mono"):
    signal = analyze_signal(audio, config=CFG.signal, meta=CallMeta("t", None, channel_layout=layout))
    a = CFG.asr
    guarded = guard_speech(
        audio,
        signal,
        threshold=a.guard_threshold,
        min_speech_s=a.guard_min_speech_s,
        sure=SureSpeech(a.guard_sure_s, a.guard_sure_probability, a.guard_min_piece_s),
        min_music_s=CFG.signal.music.min_music_s,
        min_silence_s=CFG.signal.silence_min_s,
    )
    return signal, guarded


def _spans(report, kind: str, channel: int | None = None) -> list[tuple[float, float]]:
    return merge_intervals(
        (e.start_s, e.end_s) for e in report.events if e.kind == kind and channel in (None, e.channel)
    )


def _vad_speech(x: np.ndarray) -> list[tuple[float, float]]:
    return speech_runs(speech_probabilities(resample(x, SR, 16000)), threshold=0.5, min_speech_s=0.25)


def test_speech_runs_bridge_short_gaps_and_drop_clicks():
    hop = 0.032
    p = np.zeros(100)
    p[10:20] = 0.9  # 0.32 s
    p[25:40] = 0.9  # 0.16 s later: bridged
    p[60:65] = 0.9  # 0.16 s alone: a click
    assert speech_runs(p, threshold=0.5, min_speech_s=0.25) == [(round(10 * hop, 3), round(40 * hop, 3))]


def test_cut_at_speech_splits_and_drops_short_pieces():
    events = (
        SignalEvent("music", 0.0, 30.0, 0),
        SignalEvent("silence", 40.0, 45.0),
        SignalEvent("ring", 0, 2, 0),
    )
    speech = [
        SignalEvent("speech", 2.0, 5.0, 0),
        SignalEvent("speech", 26.5, 28.0, 0),
        SignalEvent("speech", 41, 42, 1),
    ]
    out = cut_at_speech(events, speech, min_s={"music": 4.0, "silence": 2.0})
    got = [(e.kind, e.start_s, e.end_s) for e in out]
    # music 0-2 (too short) and 28-30 (too short) go; silence is cut by speech on any channel
    assert got == [("music", 5.0, 26.5), ("silence", 42.0, 45.0), ("ring", 0, 2)]


def test_hold_music_alone_is_never_speech():
    for track in (0, 1):
        assert _vad_speech(hold_music(track)) == []


@pytest.mark.parametrize(("track", "rel_db"), [(0, -20.0), (0, -10.0), (1, -10.0), (1, -6.0)])
def test_music_under_real_dialogue_is_given_back_as_speech(track, rel_db):
    """qMOH under 60 s of real dialogue: the signal layer calls much of it music; the guard finds the
    speech in it again, so ASR hears it and no music (no hold) is left in the conversation."""
    x = music_under_speech("40", 30.0, 90.0, track=track, rel_db=rel_db)
    signal, guarded = _guard(Audio(x[None], SR))
    music_before = _spans(signal, "music")
    assert total_s(music_before) >= 4.0  # the detector's error this guards against
    agent, caller = legs("40")
    clean = _vad_speech(agent[30 * SR : 90 * SR] + caller[30 * SR : 90 * SR])
    in_music = total_s(intersect_intervals(clean, music_before))
    heard = speech_regions(guarded)
    lost = total_s(intersect_intervals(intersect_intervals(clean, music_before), _gaps(heard, 60.0)))
    assert lost <= 0.05 * in_music, f"{lost:.1f} s of {in_music:.1f} s of speech in 'music' still skipped"
    assert total_s(_spans(guarded, "music")) < 4.0


def _gaps(regions, end_s):
    from callqa.intervals import gaps

    return gaps(regions, 0.0, end_s)


@pytest.mark.parametrize("layout", ["stereo_agent_left", "mono"])
def test_a_real_music_hold_is_still_found(layout):
    """40 s of qMOH on the agent leg inside a real call (inserted in the pause at 29.7 s): the guard finds no
    speech in it and the hold keeps its edges within 1 s."""
    agent, caller, (h0, h1) = with_hold("40", 0.0, 29.7, 60.0, hold_s=40.0, track=1, music_rel_db=-6.0)
    samples = np.stack([agent, caller]) if layout != "mono" else (0.5 * (agent + caller))[None]
    signal, guarded = _guard(Audio(samples.astype(np.float32), SR), layout)
    music = _spans(guarded, "music", 0)
    inside = [e for e in guarded.events if e.kind == "speech" and h0 + 1.0 < e.start_s < h1 - 1.0]
    assert not inside, inside
    assert len(music) == 1, music
    assert abs(music[0][0] - h0) <= 1.0 and abs(music[0][1] - h1) <= 1.0, (music, (h0, h1))
