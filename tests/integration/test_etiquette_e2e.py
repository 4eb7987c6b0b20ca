"""The issue-11 etiquette checks end to end: generated stereo calls (scripts/make_etiquette_clips.py, espeak-ng)
-> signal layer (pitch, silences) -> real Whisper -> checks. What each call should score is in calls.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from callqa.config import load_config
from callqa.models.holder import Models
from callqa.pipeline import analyze_call
from callqa.store.codec import check_to_dict
from callqa.types import CallMeta

pytestmark = pytest.mark.integration

GEN = Path(__file__).resolve().parent.parent / "data" / "generated" / "etiquette"
CALLS = json.loads((GEN / "calls.json").read_text())["calls"]


@pytest.fixture(scope="module")
def results():
    config = load_config(None)
    models = Models(config)
    out = {}
    for call_id, c in CALLS.items():
        meta = CallMeta(call_id=call_id, audio_path=str(GEN / c["audio"]), language="en",
                        channel_layout=c["channel_layout"], company=c["company"], agent_name=c["agent_name"],
                        direction=c["direction"])  # fmt: skip
        out[call_id] = analyze_call(meta, config, models=models)
    return out


@pytest.mark.parametrize("call_id", list(CALLS))
def test_checks_score_what_the_call_contains(results, call_id):
    checks = results[call_id].checks
    got = {name: checks[name].status for name in CALLS[call_id]["expect"]}
    assert got == CALLS[call_id]["expect"], {n: check_to_dict(checks[n]) for n in got}


def test_evidence_times(results):
    good, bad = results["en-etq-good"].checks, results["en-etq-bad"].checks
    [silence] = bad["dead_air"].values.items
    assert 11.0 < silence["duration_s"] < 14.0  # the 12 s pause (plus the gaps around it)
    assert good["dead_air"].values.items[0]["explained"] is True
    assert good["monotone"].values.sd_st > 1.5 > bad["monotone"].values.sd_st
    vm = results["en-voicemail"].checks["voicemail"].values
    assert vm.greeting_end_s < vm.message_start_s and vm.message_s < 30 and vm.callback_number
