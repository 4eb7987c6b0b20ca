"""Ringback and busy tone detection on synthetic profiles (µ-law, noise, −30…−10 dBFS) and real tones."""

from __future__ import annotations

import numpy as np
import pytest
from signal_audio import analyze, real

from callqa.signal.config import SignalConfig
from callqa.signal.synth import cadence_signal, line_noise, mulaw_roundtrip

RINGS = SignalConfig().rings.profiles
BUSY = SignalConfig().busy.profiles
CASES = [(name, c) for name, p in RINGS.items() for c in range(len(p.cadences_s))]


def _line(x: np.ndarray, *, noise_dbfs: float, seed: int = 1) -> np.ndarray:
    return mulaw_roundtrip(x + line_noise(len(x), level_dbfs=noise_dbfs, seed=seed))


@pytest.mark.parametrize("name,cadence", CASES)
@pytest.mark.parametrize("level_dbfs", [-30.0, -10.0])
@pytest.mark.parametrize("partial", [False, True])
def test_every_ring_profile_counts_exactly(name, cadence, level_dbfs, partial, agent_leg):
    prof = RINGS[name]
    on_s = prof.cadences_s[cadence][0]
    rings = cadence_signal(
        prof,
        3,
        level_dbfs=level_dbfs,
        cadence=cadence,
        modulation_hz=16.0 if name == "jp" else None,
        partial_on_s=max(0.35, 0.6 * on_s) if partial else None,
    )
    speech = agent_leg[: 8000 * 20]  # real agent speech, active from 0.2 s
    x = _line(np.concatenate([rings, speech]), noise_dbfs=level_dbfs - 25)
    rep = analyze(x, language="ru" if name == "ru" else "en")
    assert rep.extras.ring_count == (4 if partial else 3)
    assert rep.extras.ring_profile == name
    assert len([e for e in rep.events if e.kind == "ring"]) == (4 if partial else 3)
    assert rep.extras.answer_s == pytest.approx(
        len(rings) / 8000 + 0.35, abs=0.16
    )  # onset 0.2–0.5 s, noise-dependent


def test_ru_long_cadence_without_language_hint_is_cept():
    x = _line(cadence_signal(RINGS["ru"], 2, cadence=1, level_dbfs=-20), noise_dbfs=-50)
    assert analyze(x, language="en").extras.ring_profile == "cept"


def test_forced_profile_is_used():
    x = _line(cadence_signal(RINGS["cept"], 2, level_dbfs=-20), noise_dbfs=-50)
    assert analyze(x, ring_profile="na").extras.ring_count == 0
    assert analyze(x, ring_profile="cept").extras.ring_count == 2


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_real_ringback_looped_before_real_speech(n, agent_leg):
    ringback = real("baresip/ringback.wav")  # one 6-s cycle of North-American ringback
    x = np.concatenate([np.tile(ringback, n), agent_leg[: 8000 * 15]])
    rep = analyze(x)
    assert rep.extras.ring_count == n
    assert rep.extras.ring_profile == "na"
    assert rep.extras.answer_s == pytest.approx(6.0 * n + 0.3, abs=0.15)


def test_real_speech_has_no_tones_and_no_music(agent_leg, caller_leg):
    for leg in (
        agent_leg,
        caller_leg,
        real("aws-lca/Auto_Repairs_49_UTC_agent.wav"),
        real("aws-lca/Auto_Repairs_49_UTC_caller.wav"),
    ):
        rep = analyze(leg)
        assert rep.extras.ring_count == 0
        assert [e.kind for e in rep.events if e.kind in ("ring", "busy_tone", "music")] == []


@pytest.mark.parametrize("name", list(BUSY))
@pytest.mark.parametrize("level_dbfs", [-30.0, -10.0])
def test_every_busy_profile_after_speech_means_customer_hung_up(name, level_dbfs, agent_leg):
    speech = agent_leg[: 8000 * 10]
    x = _line(
        np.concatenate([speech, cadence_signal(BUSY[name], 5, level_dbfs=level_dbfs)]),
        noise_dbfs=level_dbfs - 25,
    )
    rep = analyze(x)
    busy = [e for e in rep.events if e.kind == "busy_tone"]
    assert [(e.profile, e.cycles) for e in busy] == [(name, 5)]
    assert busy[0].start_s == pytest.approx(10.0, abs=0.06)
    assert rep.extras.ring_count == 0
    assert rep.extras.hangup_party == "customer"


def test_real_busy_tone_after_real_speech(agent_leg):
    x = np.concatenate([agent_leg[: 8000 * 10], np.tile(real("baresip/busy.wav"), 4)])
    rep = analyze(x)
    assert [(e.kind, e.profile, e.cycles) for e in rep.events if e.kind == "busy_tone"] == [
        ("busy_tone", "na", 4)
    ]
    assert rep.extras.hangup_party == "customer"


def test_one_busy_burst_is_not_a_busy_tone(agent_leg):
    x = np.concatenate([agent_leg[: 8000 * 10], real("baresip/busy.wav")])
    assert [e for e in analyze(x).events if e.kind == "busy_tone"] == []


def test_ring_like_tone_after_the_answer_is_not_a_ring(agent_leg):
    """Ringback precedes the answer: a 440+480 Hz burst in the middle of a conversation is not counted."""
    from callqa.signal.synth import line_noise, tone

    sr = 8000
    speech = agent_leg[: 20 * sr].copy()
    x = speech + line_noise(len(speech), level_dbfs=-60.0, seed=3)
    burst = tone([440.0, 480.0], 2.0, level_dbfs=-20.0)
    x[int(12 * sr) : int(12 * sr) + len(burst)] += burst
    report = analyze(x)
    assert report.extras.ring_count == 0
    assert not [e for e in report.events if e.kind == "ring"]
    # the same burst before any speech is one ring
    y = np.concatenate([line_noise(3 * sr, level_dbfs=-60.0, seed=4), speech])
    y[sr // 2 : sr // 2 + len(burst)] += burst
    assert analyze(y).extras.ring_count == 1
