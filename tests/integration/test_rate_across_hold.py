"""Stereo calls with a hold (issue 17, item 2): utterances never span the hold, and a hold does not change the
speaking-rate ratio of two parties who speak at the same pace.

* eval call real-03 (aws-lca call 49 legs, agent right, 15.6 s of qMOH on the agent leg): before the fix a
  word stamped across the skipped hold joined the caller's turns on both sides into one utterance
  (0.56-39.18 s, measured), so its speech time grew by the hold (issue: customer 25 wpm, ratio 10.9);
* the same real speaker on both legs (the aws-lca call 49 caller: its first minute on the left, its second on
  the right), without and with 40 s of qMOH on the left leg and silence on the right at 30 s, where the right
  leg's speaker talks just after the hold.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from callqa.config import load_config
from callqa.models.holder import Models
from callqa.pipeline import analyze_call
from callqa.types import CallMeta
from tests.integration.real_mixes import SR, hold_music, legs, scaled_to, write

pytestmark = pytest.mark.integration

EVAL = Path(__file__).resolve().parents[2] / "data" / "eval"


@pytest.fixture(scope="module")
def config():
    return load_config(None, ["runtime.cache=false"])


@pytest.fixture(scope="module")
def models(config):
    return Models(config)


def test_no_utterance_spans_a_real_hold(config, models):
    truth = json.loads((EVAL / "real-03.truth.json").read_text())
    (hold,) = truth["holds"]
    h0, h1 = hold["start_s"], hold["end_s"]
    meta = CallMeta("real-03", str(EVAL / "real-03.wav"), channel_layout="stereo_agent_right")
    result = analyze_call(meta, config, models=models)
    across = [u for u in result.call.utterances if u.start_s < h0 + 1.0 and u.end_s > h1 - 1.0]
    assert not across, [(u.role, u.start_s, u.end_s, u.text) for u in across]
    (row,) = result.checks["holds"].values.holds
    assert abs(row.start_s - h0) <= 1.0 and abs(row.end_s - h1) <= 1.0


def test_a_hold_leaves_the_rate_ratio_of_a_same_pace_pair_in_the_band(tmp_path, config, models):
    _, caller = legs("49")
    left, right = caller[: 60 * SR], caller[60 * SR : 120 * SR]
    at, n = 30 * SR, 40 * SR
    music = scaled_to(np.tile(hold_music(0), 3)[:n], left, -6.0)
    held_left = np.concatenate([left[:at], music, left[at:]])
    held_right = np.concatenate([right[:at], np.zeros(n, dtype=np.float32), right[at:]])
    rates = {}
    for name, legs_ in (("plain", (left, right)), ("held", (held_left, held_right))):
        meta = CallMeta(
            name, str(write(tmp_path / f"{name}.wav", *legs_)), channel_layout="stereo_agent_left"
        )
        rates[name] = analyze_call(meta, config, models=models).checks["speaking_rate"]
    plain, held = rates["plain"], rates["held"]
    assert plain.status != "na" and held.status != "na", (plain.reason, held.reason)
    r0, r1 = plain.values.ratio, held.values.ratio
    print(f"ratio without the hold {r0}, with it {r1}")  # measured 1.143 / 1.138
    band = held.values.band
    assert band[0] <= r0 <= band[1], f"precondition: same pace without the hold, got {r0}"
    assert band[0] <= r1 <= band[1] and held.status == "pass", (
        f"ratio {r1} outside {band} (without the hold: {r0})"
    )
    assert abs(r1 / r0 - 1.0) <= 0.15
    assert np.isclose(plain.values.customer_speech_s, held.values.customer_speech_s, rtol=0.15)
