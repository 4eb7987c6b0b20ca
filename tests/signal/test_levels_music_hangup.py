"""Levels (P.56-style active level, clipping), music-on-hold vs speech, silence and dead legs."""

from __future__ import annotations

import numpy as np
import pytest
from signal_audio import analyze, real

from callqa.signal.levels import active_speech_level_dbfs, channel_levels
from callqa.signal.synth import line_noise, mulaw_roundtrip, speechlike, tone

LEVEL_KW = {
    "sample_rate": 8000,
    "hop_s": 0.02,
    "floor_dbfs": -50.0,
    "above_noise_db": 12.0,
    "clip_level": 0.999,
    "clip_min_peak": 0.5,
}


def test_sine_level_and_peak_follow_the_dbfs_convention():
    lv = channel_levels(tone([1000.0], 1.0, level_dbfs=-20.0), channel=0, **LEVEL_KW)
    assert np.median(lv.level_dbfs) == pytest.approx(-20.0, abs=0.05)
    assert np.median(lv.peak_dbfs) == pytest.approx(-20.0, abs=0.1)
    assert lv.clipped.sum() == 0


@pytest.mark.parametrize("level_dbfs", [-35.0, -20.0, -8.0])
def test_active_level_ignores_pauses(level_dbfs):
    x = speechlike(30.0, level_dbfs=level_dbfs) + line_noise(8000 * 30, level_dbfs=-65.0)
    lv = channel_levels(x, channel=0, **LEVEL_KW)
    level, activity = active_speech_level_dbfs(lv.level_dbfs, hop_s=0.02)
    # the 0.2-s hangover bridges the 0.1-s gaps between 0.15-s syllables, not the 0.6-s phrase pauses
    assert level == pytest.approx(level_dbfs + 10 * np.log10(0.6), abs=0.5)
    assert 0.4 < activity < 0.9


def test_active_level_of_real_speech_moves_with_gain(agent_leg):
    lv0 = channel_levels(agent_leg, channel=0, **LEVEL_KW)
    lv1 = channel_levels(agent_leg * 10 ** (-12 / 20), channel=0, **LEVEL_KW)
    a0 = active_speech_level_dbfs(lv0.level_dbfs, hop_s=0.02)[0]
    a1 = active_speech_level_dbfs(lv1.level_dbfs, hop_s=0.02)[0]
    assert a0 - a1 == pytest.approx(12.0, abs=0.2)
    assert -18.0 < a0 < -10.0  # real telephone agent leg (overall RMS −21 dBFS, talks ~25 %)


def test_silence_has_no_active_level():
    assert active_speech_level_dbfs(np.full(100, -150.0), hop_s=0.02) is None


def test_clipping_counts_flat_tops_below_full_scale_and_not_clean_peaks():
    x = tone([300.0], 1.0, level_dbfs=0.0) * 0.9
    assert channel_levels(x, channel=0, **LEVEL_KW).clipped.sum() == 0
    clipped = np.clip(x * 2.0, -0.7, 0.7)  # a recorder that clips at 0.7
    n = channel_levels(clipped, channel=0, **LEVEL_KW).clipped.sum()
    assert n > 0.3 * len(x)
    hard = np.clip(x * 2.0, -1.0, 1.0)
    assert channel_levels(hard, channel=0, **LEVEL_KW).clipped.sum() > 0.3 * len(x)


@pytest.fixture(scope="module")
def moh() -> np.ndarray:
    return real("qmoh/qMOH-friends_inline.wav")  # 21.8 s music on hold, used unmodified, mixed here


def test_real_music_on_hold_between_real_speech(moh, agent_leg):
    x = mulaw_roundtrip(np.concatenate([agent_leg[: 8000 * 20], 0.5 * moh, agent_leg[8000 * 20 : 8000 * 40]]))
    rep = analyze(x)
    music = [(e.start_s, e.end_s) for e in rep.events if e.kind == "music"]
    assert len(music) == 1
    end_s = 20.0 + len(moh) / 8000
    assert music[0][0] == pytest.approx(20.0, abs=1.6) and music[0][1] == pytest.approx(end_s, abs=1.6)
    assert [e for e in rep.events if e.kind in ("ring", "busy_tone")] == []


def test_steady_line_noise_is_not_music():
    x = mulaw_roundtrip(line_noise(8000 * 30, level_dbfs=-35.0))
    assert [e for e in analyze(x).events if e.kind == "music"] == []


def test_silence_events_need_every_channel_quiet():
    quiet = line_noise(8000 * 30, level_dbfs=-70.0)
    a = np.concatenate([speechlike(10.0), np.zeros(8000 * 10, dtype=np.float32), speechlike(10.0)]) + quiet
    sil = [
        (e.start_s, e.end_s)
        for e in analyze(a, quiet, layout="stereo_agent_left").events
        if e.kind == "silence"
    ]
    assert [(round(s, 1), round(e, 1)) for s, e in sil] == [(9.9, 20.0)]  # last syllable ends at 9.9 s
    c = quiet.copy()
    c[8000 * 12 : 8000 * 18] += speechlike(6.0)  # the customer talks during the agent's pause
    sil = [
        (e.start_s, e.end_s) for e in analyze(a, c, layout="stereo_agent_left").events if e.kind == "silence"
    ]
    assert [(round(s, 1), round(e, 1)) for s, e in sil] == [(9.9, 12.0), (17.4, 20.0)]


@pytest.mark.parametrize("first,expected", [("agent", "agent"), ("customer", "customer")])
def test_leg_that_goes_dead_first_hung_up(first, expected, agent_leg, caller_leg):
    a, c = agent_leg[: 8000 * 60].copy(), caller_leg[: 8000 * 60].copy()
    a += line_noise(len(a), level_dbfs=-60.0, seed=2)
    c += line_noise(len(c), level_dbfs=-60.0, seed=3)
    early, late = (a, c) if first == "agent" else (c, a)
    early[8000 * 50 :] = 0.0
    late[8000 * 55 :] = 0.0
    rep = analyze(a, c, layout="stereo_agent_left")
    dead = {e.channel: e.start_s for e in rep.events if e.kind == "dead_line"}
    assert dead[0] == pytest.approx(50.0 if first == "agent" else 55.0, abs=0.03)
    assert rep.extras.hangup_party == expected
    rep_r = analyze(c, a, layout="stereo_agent_right")
    assert rep_r.extras.hangup_party == expected


def test_both_legs_dead_together_is_unknown(agent_leg, caller_leg):
    a = agent_leg[: 8000 * 30] + line_noise(8000 * 30, level_dbfs=-60.0, seed=2)
    c = caller_leg[: 8000 * 30] + line_noise(8000 * 30, level_dbfs=-60.0, seed=3)
    a[8000 * 25 :] = 0.0
    c[8000 * 25 :] = 0.0
    assert analyze(a, c, layout="stereo_agent_left").extras.hangup_party == "unknown"


def test_mono_without_tones_is_unknown(agent_leg):
    assert analyze(agent_leg[: 8000 * 30]).extras.hangup_party == "unknown"
