"""Music-on-hold vs a steady line-noise floor: real call legs over hum + noise near −48 dBFS are not music."""

from __future__ import annotations

import numpy as np
import pytest
from signal_audio import analyze, real

from callqa.signal.synth import hum_and_noise, mulaw_roundtrip


def music_s(x: np.ndarray) -> float:
    return sum(e.end_s - e.start_s for e in analyze(x).events if e.kind == "music")


@pytest.fixture(scope="module")
def moh() -> np.ndarray:
    return real("qmoh/qMOH-friends_inline.wav")


@pytest.mark.parametrize(
    ("call", "leg", "level_dbfs", "mains_hz", "hum_share"),
    [
        ("40", "mix", -48.0, 60.0, 0.5),  # found 36 s of 'music' before the fix
        ("40", "mix", -44.0, 60.0, 0.5),  # 91 s before
        ("40", "agent", -48.0, 60.0, 0.9),  # 133 s before (the agent's leg is mostly pauses)
        ("49", "mix", -48.0, 50.0, 0.5),
        ("49", "agent", -48.0, 50.0, 0.9),
        ("49", "caller", -52.0, 50.0, 0.0),
    ],
)
def test_real_speech_over_steady_line_noise_is_not_music(call, leg, level_dbfs, mains_hz, hum_share):
    legs = {k: real(f"aws-lca/Auto_Repairs_{call}_UTC_{k}.wav") for k in ("agent", "caller")}
    n = min(len(v) for v in legs.values())
    x = 0.5 * (legs["agent"][:n] + legs["caller"][:n]) if leg == "mix" else legs[leg][:n]
    noisy = mulaw_roundtrip(
        x + hum_and_noise(n, level_dbfs=level_dbfs, mains_hz=mains_hz, hum_share=hum_share)
    )
    assert music_s(noisy) == 0.0


@pytest.mark.parametrize("hum_share", [0.0, 0.5, 1.0])
def test_line_noise_alone_is_not_music(hum_share):
    assert music_s(mulaw_roundtrip(hum_and_noise(8000 * 40, level_dbfs=-48.0, hum_share=hum_share))) == 0.0


def test_real_music_is_found_over_the_same_line_noise(moh, agent_leg):
    x = np.concatenate([agent_leg[: 8000 * 20], moh, agent_leg[8000 * 20 : 8000 * 40]])
    rep = analyze(mulaw_roundtrip(x + hum_and_noise(len(x), level_dbfs=-48.0, mains_hz=60.0)))
    music = [(e.start_s, e.end_s) for e in rep.events if e.kind == "music"]
    end_s = 20.0 + len(moh) / 8000
    assert sum(e - s for s, e in music) >= 0.8 * (end_s - 20.0)
    assert music[0][0] == pytest.approx(20.0, abs=1.6) and music[-1][1] == pytest.approx(end_s, abs=1.6)


def test_music_alone_is_found(moh):
    """A recording that is nothing but hold music: its own quiet passages are not a noise floor."""
    assert music_s(mulaw_roundtrip(np.tile(moh, 2))) >= 0.9 * 2 * len(moh) / 8000
