"""The `sentiment` check on hand-built calls (real en/zh/ru scorers): the trend, fail/pass/na, evidence, and
the trust gate through the registry."""

from language_calls import make_call

from callqa.checks.run import run_checks
from callqa.checks.sentiment import SentimentParams, check_sentiment
from callqa.checks.trust import TrustConfig
from callqa.store.codec import check_to_dict
from callqa.types import Call, Utterance, Word

P = SentimentParams()
NAMES = {
    "agent_mean",
    "customer_mean",
    "customer_start",
    "customer_end",
    "customer_trend",
    "quarters",
    "utterances",
}


def published(r):
    d = check_to_dict(r)  # the check as published
    return {k: v for k, v in d.items() if k not in ("status", "reason", "evidence")}


def test_en_customer_who_started_angry_and_ended_happy_improved_passes():
    call = make_call("en", [
        ("agent", 0.0, 3.0, "Thank you for calling Northwind, how can I help?"),
        ("customer", 3.0, 8.0, "My internet keeps dropping every evening and I'm really frustrated."),
        ("agent", 8.0, 12.0, "I'm sorry to hear that, let me check your line."),
        ("agent", 14.0, 20.0, "I found a fault and booked a technician for tomorrow."),
        ("customer", 20.0, 24.0, "Great, thank you so much, that works for me."),
    ])  # fmt: skip
    r = check_sentiment(call, P)
    v = published(r)
    assert set(v) == NAMES and r.status == "pass"
    assert v["customer_start"] < -1.0 < 1.0 < v["customer_end"] and v["customer_trend"] == "improved"
    assert len(v["quarters"]) == 4 and set(v["quarters"][0]) == {"agent", "customer"}
    assert [x["role"] for x in v["utterances"]] == ["agent", "customer", "agent", "agent", "customer"]
    assert set(v["utterances"][0]) == {"start_s", "end_s", "role", "score"}
    assert [e.start_s for e in r.evidence] == [3.0] and "keeps dropping" in r.evidence[0].note


def test_ru_customer_who_ended_angry_and_worse_fails_with_the_lines():
    call = make_call("ru", [
        ("agent", 0.0, 3.0, "Здравствуйте, компания Нортвинд, меня зовут Анна, чем могу помочь?"),
        ("customer", 3.0, 7.0, "Здравствуйте, хорошо, спасибо, я звоню по поводу счёта."),
        ("agent", 7.0, 12.0, "В счёте есть комиссия за обслуживание, она не возвращается."),
        ("customer", 12.0, 17.0, "Это безобразие, я очень разочарован, верните деньги!"),
    ])  # fmt: skip
    r = check_sentiment(call, P)
    assert r.status == "fail" and r.values.customer_trend == "worsened" and r.values.customer_end <= -1.0
    assert "ended negative" in r.reason and r.evidence[0].start_s == 12.0


def test_zh_customer_negative_throughout_is_steady_not_fail():
    call = make_call("zh", [
        ("customer", 0.0, 4.0, "你们这是什么服务，太差了，我要投诉。"),
        ("agent", 4.0, 8.0, "非常抱歉，我马上帮您处理。"),
        ("customer", 8.0, 12.0, "太离谱了，我很生气，一直都没解决。"),
    ])  # fmt: skip
    r = check_sentiment(call, P)
    # negative but not worse than it started: the trend flag is about a call that went wrong
    assert r.values.customer_trend == "steady" and r.values.customer_end < -1.0 and r.status == "pass"


def test_too_few_customer_words_is_na_with_values():
    call = make_call(
        "en", [("agent", 0.0, 4.0, "Thanks for calling, anything else?"), ("customer", 4.0, 5.0, "No.")]
    )
    r = check_sentiment(call, P)
    assert r.status == "na" and "too few customer words" in r.reason and r.values.agent_mean is not None


def test_unsupported_language_is_na():
    call = make_call("en", [("customer", 0.0, 4.0, "Guten Tag, ich habe eine Frage zu meiner Rechnung.")])
    call = Call(call.meta.__class__(call_id="t", audio_path=None, language="de"),
                call.transcript.__class__(language="de", duration_s=4.0, utterances=call.utterances))  # fmt: skip
    r = check_sentiment(call, P)
    assert r.status == "na" and "'de'" in r.reason and set(published(r)) == NAMES


def test_untrusted_customer_transcript_gates_the_check():
    words = tuple(
        Word(w, i * 0.5, i * 0.5 + 0.4, probability=0.3)
        for i, w in enumerate("this is terrible awful".split())
    )
    call = make_call("en", [("agent", 0.0, 2.0, "How can I help?")])
    utts = call.utterances + (Utterance("c", "customer", 3.0, 5.0, "this is terrible awful", words),)
    call = Call(call.meta, call.transcript.__class__(language="en", duration_s=5.0, utterances=utts))
    r = run_checks(call, {"sentiment": P}, trust=TrustConfig())["sentiment"]
    assert r.status == "na" and "transcript unreliable" in r.reason


def test_company_terms_extend_the_lexicon_and_bad_ones_are_config_errors():
    import pytest

    from callqa.checks import build_params
    from callqa.dataconf import ConfigError

    rows = [("customer", 0.0, 4.0, "I want a port-out code for my number please, today")]
    plain = check_sentiment(make_call("en", rows), P)
    custom = build_params("sentiment", {"extra_terms": {"en": {"port-out": -3.0}}})
    assert (
        check_sentiment(make_call("en", rows), custom).values.customer_mean < plain.values.customer_mean - 1
    )
    with pytest.raises(ConfigError, match="extra_terms.en.port-out: valence 9"):
        build_params("sentiment", {"extra_terms": {"en": {"port-out": 9}}})
    with pytest.raises(ConfigError, match="extra_terms.de"):
        build_params("sentiment", {"extra_terms": {"de": {"x": 1.0}}})
