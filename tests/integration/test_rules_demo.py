"""The shipped example rule sets on the demo calls with the real models (Whisper base, pyannote).

What the demo agents say is scripted (scripts/make_demo_data.py): none of them gives a recording disclosure
or says a prohibited word, none talks about a debt, and demo-en-02's agent refunds a double charge. The
zh / ru demo calls are real speech (customer clips from public corpora, agent lines from offline TTS that
Whisper base understands): the rules judge them as they judge the English ones. The same rule sets on imported transcripts in en / zh / ru: tests/rules/test_rules_in_results.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from callqa.config import load_config
from callqa.ingest.manifest import collect_inputs
from callqa.models.holder import Models
from callqa.pipeline import analyze_call

pytestmark = pytest.mark.integration

DEMO = Path(__file__).resolve().parent.parent.parent / "data" / "demo"


@pytest.fixture(scope="module")
def results():
    config = load_config(None, ["rules.enabled=true"])  # the files listed in configs/default.yaml
    metas, errors = collect_inputs([str(DEMO / "manifest.csv")], defaults=config.defaults)
    assert not errors
    models = Models(config)
    return config, {m.call_id: analyze_call(m, config, models=models) for m in metas}


def test_every_category_has_a_result_on_every_demo_call(results):
    config, calls = results
    names = set(config.resolved.rules.names())
    assert len(names) >= 10 and len(calls) == 6
    for call_id, r in calls.items():
        assert names <= set(r.checks), call_id
        for name in names:
            assert r.checks[name].reason, (call_id, name)  # every result says why


@pytest.mark.parametrize("call_id", ["demo-en-01", "demo-en-02", "demo-en-03", "demo-en-04"])
def test_english_demo_agents_fail_the_disclosure_and_pass_the_prohibited_words(results, call_id):
    _, calls = results
    checks = calls[call_id].checks
    disclosure = checks["rule.recording_disclosure"]
    assert disclosure.status == "fail", disclosure.reason
    assert disclosure.values.matched is True
    (window,) = disclosure.evidence  # the searched window, nothing said in or out of it
    assert window.role == "agent" and window.end_s - window.start_s == pytest.approx(30.0)
    assert checks["rule.prohibited_language"].status == "pass"
    mini = checks["rule.mini_miranda"]
    assert mini.status == "na" and mini.reason.startswith("does not apply")


def test_the_refund_in_demo_en_02_is_flagged_with_the_agents_words(results):
    _, calls = results
    flags = {n: c.values.matched for n, c in calls["demo-en-02"].checks.items() if n.startswith("rule.")}
    refund = calls["demo-en-02"].checks["rule.refund_discussed"]
    assert refund.status == "na" and refund.values.matched is True  # a flag: informational
    assert any(e.role == "agent" and "refund" in (e.text or "") for e in refund.evidence)
    for other in ("demo-en-01", "demo-en-03", "demo-en-04"):
        assert calls[other].checks["rule.refund_discussed"].values.matched is False, other
    assert flags["rule.competitor_mention"] is False


@pytest.mark.parametrize("call_id", ["demo-zh-05", "demo-ru-06"])
def test_zh_ru_demo_agents_are_judged_like_the_english_ones(results, call_id):
    """The zh / ru demo calls are real speech Whisper base understands (mean word probability 0.77-0.89): the
    rules read them. Neither agent gives a disclosure or says a prohibited phrase; nobody discusses a refund."""
    _, calls = results
    r = calls[call_id]
    checks = r.checks
    disclosure = checks["rule.recording_disclosure"]
    assert disclosure.status == "fail" and disclosure.values.matched is True, disclosure.reason
    (window,) = disclosure.evidence
    answer = r.call.signal.extras.answer_s if r.call.signal is not None else None
    assert window.role == "agent" and window.end_s - window.start_s == pytest.approx(30.0)
    # counted from the end of the ringback (zh: 5 rings end at 26.0 s, the agent speaks at 30.3 s)
    assert (answer or 0.0) - 5.0 <= window.start_s <= (answer or 0.0) + 0.01
    assert checks["rule.prohibited_language"].status == "pass", checks["rule.prohibited_language"].reason
    assert checks["rule.refund_discussed"].values.matched is False
    assert checks["rule.mini_miranda"].status == "na"
