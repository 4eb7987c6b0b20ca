"""The volume check per party: stereo by channel, mono by turns; quiet, loud, clipping, shouting."""

from __future__ import annotations

import numpy as np
import pytest
from signal_calls import call_from_audio

from callqa.checks.volume import VolumeParams, check_volume
from callqa.signal.synth import line_noise, speechlike

ACTIVE_OFFSET_DB = 10 * np.log10(0.6)  # speechlike: 0.15-s syllables every 0.25 s, gaps bridged by hangover


def _legs(agent_dbfs: float, customer_dbfs: float, *, clip: float | None = None):
    a = speechlike(30.0, level_dbfs=agent_dbfs, seed=1) + line_noise(8000 * 30, level_dbfs=-65.0, seed=2)
    c = speechlike(30.0, level_dbfs=customer_dbfs, seed=3) + line_noise(8000 * 30, level_dbfs=-65.0, seed=4)
    if clip is not None:
        a = np.clip(a, -clip, clip)
    return a, c


ROWS = [("agent", 0.0, 2.4, "hello"), ("customer", 3.0, 5.4, "hi"), ("agent", 6.0, 8.4, "how can I help")]


@pytest.mark.parametrize(
    "agent,customer,status,problem",
    [
        (-20.0, -22.0, "pass", None),
        (-42.0, -45.0, "fail", "too quiet"),
        (-5.0, -8.0, "fail", "too loud"),
        (-12.0, -30.0, "fail", "louder than the customer"),
        # a normal agent over a faint customer line is not a loud agent (issue 17)
        (-20.0, -36.0, "pass", None),
    ],
)
def test_stereo_levels_per_channel(agent, customer, status, problem):
    a, c = _legs(agent, customer)
    res = check_volume(call_from_audio(ROWS, a, c, channel_layout="stereo_agent_left"), VolumeParams())
    assert res.status == status
    assert res.values.agent.active_level_dbfs == pytest.approx(agent + ACTIVE_OFFSET_DB, abs=0.5)
    assert res.values.customer.active_level_dbfs == pytest.approx(customer + ACTIVE_OFFSET_DB, abs=0.5)
    assert res.values.agent_minus_customer_db == pytest.approx(agent - customer, abs=0.5)
    assert (problem is None) == (res.reason is None) and (problem or "") in (res.reason or "")
    assert [u.start_s for u in res.values.agent.utterance_levels] == [0.0, 6.0]


def test_channel_layout_right_swaps_parties():
    a, c = _legs(-20.0, -35.0)
    res = check_volume(call_from_audio(ROWS, c, a, channel_layout="stereo_agent_right"), VolumeParams())
    assert res.values.agent.active_level_dbfs == pytest.approx(-20.0 + ACTIVE_OFFSET_DB, abs=0.5)


def test_clipping_agent_fails():
    a, c = _legs(-6.0, -20.0, clip=0.6)
    res = check_volume(call_from_audio(ROWS, a, c, channel_layout="stereo_agent_left"), VolumeParams())
    assert res.status == "fail" and "clipping" in res.reason
    assert res.values.agent.clipping_ratio > 0.01 and res.values.customer.clipping_ratio == 0.0


def test_mono_uses_each_party_turns():
    x = np.concatenate(
        [
            speechlike(2.4, level_dbfs=-15.0),
            np.zeros(4000, np.float32),
            speechlike(2.4, level_dbfs=-30.0, seed=5),
        ]
    )
    x = x + line_noise(len(x), level_dbfs=-65.0)
    rows = [("agent", 0.0, 2.4, "hello"), ("customer", 2.9, 5.3, "hi")]
    res = check_volume(call_from_audio(rows, x), VolumeParams())
    assert res.values.agent.active_level_dbfs == pytest.approx(-15.0 + ACTIVE_OFFSET_DB, abs=0.7)
    assert res.values.customer.active_level_dbfs == pytest.approx(-30.0 + ACTIVE_OFFSET_DB, abs=0.7)
    assert res.status == "fail" and "louder than the customer" in res.reason


def test_no_agent_speech_is_na():
    x = line_noise(8000 * 5, level_dbfs=-70.0)
    assert check_volume(call_from_audio([("customer", 0, 1, "hi")], x), VolumeParams()).status == "na"
