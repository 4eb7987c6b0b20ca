"""Every pass/fail carries a confidence (issue 17 item 4): words, roles and the margin to the limit."""

from __future__ import annotations

import math

import pytest

from callqa.checks.confidence import (
    Limit,
    attach_confidence,
    finding_confidence,
    phi,
    role_factor,
    words_factor,
)
from callqa.checks.fillers import FillerItem, FillersParams, FillersValues
from callqa.checks.speaking_rate import SpeakingRateParams, SpeakingRateValues
from callqa.checks.volume import PartyLevel, VolumeParams, VolumeValues
from callqa.ingest.transcript import parse_transcript
from callqa.store.codec import check_from_dict, check_to_dict
from callqa.types import Call, CallMeta, CheckResult, Evidence, TranscriptProvenance


def rate(ratio: float, agent_s: float = 20.0, customer_s: float = 20.0) -> SpeakingRateValues:
    return SpeakingRateValues(agent_rate=150.0 * ratio, customer_rate=150.0, unit="wpm", ratio=ratio,
                              agent_syllables_per_s=4.0, customer_syllables_per_s=4.0, syllable_ratio=None,
                              agent_speech_s=agent_s, customer_speech_s=customer_s, ratio_first_third=None,
                              ratio_last_third=None, evolution=None, adapted=None, band=[0.8, 1.25])  # fmt: skip


def volume(level: float, *, clipping: float = 0.0, over_customer: float | None = None) -> VolumeValues:
    return VolumeValues(PartyLevel(level, 0.5, -3.0, clipping, ()), None, over_customer)


def fillers(probs: list[float]) -> FillersValues:
    items = tuple(FillerItem("um", 1.0 + i, "agent", q) for i, q in enumerate(probs))
    return FillersValues(count=len(items), per_min=6.0, speech_s=30.0, by_word={"um": len(items)}, items=items,
                         uncertain=0, uncertain_items=(), max_per_min=4.0)  # fmt: skip


def make_call(prob_agent: float, *, roles_info: dict | None = None, low_word: float | None = None) -> Call:
    words, t = [], 0.5
    for i, w in enumerate("thank you for calling contoso my name is anna how can i help".split()):
        p = low_word if (low_word is not None and i == 0) else prob_agent
        words.append({"text": w, "start_s": t, "end_s": t + 0.3, "probability": p})
        t += 0.4
    cust = [{"text": w, "start_s": 8.0 + 0.4 * i, "end_s": 8.3 + 0.4 * i, "probability": 0.95}
            for i, w in enumerate("hi i have a question".split())]  # fmt: skip
    utts = [
        {"speaker": "S0", "role": "agent", "start_s": 0.5, "end_s": words[-1]["end_s"],
         "text": " ".join(w["text"] for w in words), "words": words},
        {"speaker": "S1", "role": "customer", "start_s": 8.0, "end_s": cust[-1]["end_s"],
         "text": "hi i have a question", "words": cust},
    ]  # fmt: skip
    tr = parse_transcript({"language": "en", "utterances": utts, "duration_s": 12.0})
    if roles_info is not None:
        from dataclasses import replace

        tr = replace(tr, provenance=TranscriptProvenance(**roles_info))
    return Call(CallMeta(call_id="t", audio_path=None, language="en"), tr, None)


def test_phi_is_the_normal_cdf():
    assert phi(0.0) == pytest.approx(0.5)
    assert phi(1.0) == pytest.approx(0.8413, abs=1e-4)
    assert phi(-2.0) == pytest.approx(0.0228, abs=1e-4)


def test_limit_factor_grows_with_the_distance_to_the_limit():
    near = Limit("x", 1.27, 1.25, False, 0.14)
    far = Limit("x", 2.0, 1.25, False, 0.14)
    assert not near.holds and not far.holds
    assert 0.5 < near.factor < 0.6 < 0.99 < far.factor


def test_rate_ratio_just_outside_the_band_is_a_low_confidence_fail():
    call = make_call(0.95)
    p = SpeakingRateParams()
    res = CheckResult("speaking_rate", "fail", values=rate(1.27))
    conf, basis = finding_confidence(call, res, params=p, text_roles=("agent", "customer"))
    assert conf is not None and conf < 0.6
    assert any("rate ratio 1.27 vs limit 1.25" in b for b in basis)
    far = CheckResult("speaking_rate", "fail", values=rate(2.5))
    conf_far, _ = finding_confidence(call, far, params=p, text_roles=("agent", "customer"))
    assert conf_far is not None and conf_far > 0.9 > conf


def test_less_speech_means_a_less_sure_rate():
    call, p = make_call(0.95), SpeakingRateParams()
    long_ = CheckResult("speaking_rate", "fail", values=rate(1.4, 30, 30))
    short = CheckResult("speaking_rate", "fail", values=rate(1.4, 30, 5))
    assert finding_confidence(call, short, params=p)[0] < finding_confidence(call, long_, params=p)[0]


def test_margin_is_left_out_when_the_limits_disagree_with_the_verdict():
    # volume failed for a reason the level limits do not show: no margin factor
    call = make_call(0.95)
    res = CheckResult("volume", "fail", values=volume(-20.0, over_customer=0.0))
    conf, basis = finding_confidence(call, res, params=VolumeParams())
    assert conf == 1.0 and basis == ()


def test_volume_pass_near_the_quiet_limit_is_unsure():
    res = CheckResult("volume", "pass", values=volume(-34.0))
    conf, basis = finding_confidence(make_call(0.95), res, params=VolumeParams())
    assert conf == pytest.approx(phi(1.0 / 3.0), abs=1e-3)
    assert basis and "agent level dBFS -34 vs limit -35" in basis[0]


def test_words_factor_is_the_probability_of_the_cited_words():
    call = make_call(0.9, low_word=0.3)
    ev = (Evidence(0.5, 0.8, role="agent", text="thank"),)  # only the unsure first word
    f_pass, why = words_factor(call, ("agent",), ev, failed=False)
    assert f_pass == pytest.approx(0.3) and "1 cited" in (why or "")
    f_none, why_none = words_factor(call, ("agent",), (), failed=True)  # nothing cited: the party's mean
    assert f_none == pytest.approx((0.3 + 12 * 0.9) / 13) and "party mean" in (why_none or "")


def test_imported_text_without_probabilities_has_no_words_factor():
    call = make_call(0.9)
    stripped = [u.__class__(**{**u.__dict__, "words": ()}) for u in call.utterances]
    from dataclasses import replace

    bare = replace(call, transcript=replace(call.transcript, utterances=tuple(stripped)))
    assert words_factor(bare, ("agent",), (), failed=True) == (1.0, None)


def test_role_factor_from_the_score_margin_on_mono_calls():
    sure = make_call(0.95, roles_info={"role_method": "opening", "role_scores": {"S0": 3.0, "S1": 0.0}})
    toss = make_call(0.95, roles_info={"role_method": "opening", "role_scores": {"S0": 1.0, "S1": 1.0}})
    stereo = make_call(0.95, roles_info={"role_method": "channel_layout", "role_scores": {}})
    assert role_factor(sure)[0] == pytest.approx(phi(3.0))
    assert role_factor(toss)[0] == pytest.approx(0.5)
    assert role_factor(stereo) == (1.0, None)


def test_fillers_weigh_each_filler_by_its_probability():
    call, p = make_call(0.95), FillersParams(max_per_min=4.0)
    unsure = CheckResult("fillers", "fail", values=fillers([0.55] * 3))
    sure = CheckResult("fillers", "fail", values=fillers([0.98] * 3))
    c_unsure, _ = finding_confidence(call, unsure, params=p, text_roles=("agent",))
    c_sure, _ = finding_confidence(call, sure, params=p, text_roles=("agent",))
    assert c_unsure < 0.5 < c_sure  # 3 x 0.55 = 1.65 expected fillers in 30 s is 3.3/min: under the limit


def test_na_has_no_confidence_and_attach_marks_only_unsure_fails():
    call = make_call(0.95)
    p = {"speaking_rate": SpeakingRateParams()}
    results = {
        "speaking_rate": CheckResult("speaking_rate", "fail", values=rate(1.26)),
        "greeting": CheckResult("greeting", "na", reason="not enough speech"),
    }  # fmt: skip
    out = attach_confidence(call, results, p, {"speaking_rate": ("agent", "customer")}, low=0.7)
    assert out["speaking_rate"].low_confidence and out["speaking_rate"].confidence < 0.7
    assert out["greeting"].confidence is None and not out["greeting"].low_confidence
    d = check_to_dict(out["speaking_rate"])
    assert d["low_confidence"] is True and isinstance(d["confidence_basis"], list)
    assert "confidence" not in check_to_dict(out["greeting"])
    relaxed = attach_confidence(call, results, p, {}, low=0.3)
    assert not relaxed["speaking_rate"].low_confidence  # the threshold is the config's


def test_published_frame_keeps_confidence_out_of_the_values():
    d = check_to_dict(CheckResult("volume", "pass", values={"x": 1}, confidence=0.9, confidence_basis=("a",)))
    back = check_from_dict(d)
    assert dict(back.values) == {"x": 1}  # the frame is not read back as values
    assert math.isclose(d["confidence"], 0.9) and back.confidence == 0.9 and back.confidence_basis == ("a",)
    assert math.isclose(d["confidence"], 0.9)
