"""Categories on hand-built calls in en / zh / ru: windows, negate, fuzzy, roles, unknowns, features."""

from __future__ import annotations

import pytest
from rule_calls import make_call, rules_from_yaml, run_one, shipped

from callqa.rules.evaluate import run_rules
from callqa.types import CheckResult, CheckValues

DISCLOSURE = shipped("recording-disclosure")  # the shipped example: agent, fuzzy, first 30 s, negate
OPENING = {
    "en": "Thank you for calling Northwind, this is Anna.",
    "zh": "您好，感谢致电北风电信，我是李娜。",
    "ru": "Здравствуйте, компания Нортвинд, меня зовут Анна.",
}
SAYS = {
    "en": "Please note this call may be recorded.",
    "zh": "本次通话可能会被录音。",
    "ru": "Наш разговор записывается.",
}
CUSTOMER = {
    "en": "Hi, my internet is down.",
    "zh": "你好，我的网络断了。",
    "ru": "Здравствуйте, у меня нет интернета.",
}


def disclosure_call(language: str, *, said_at: float | None, by: str = "agent", **kw):
    rows = [("agent", 0.5, 4.0, OPENING[language]), ("customer", 4.5, 7.0, CUSTOMER[language])]
    if said_at is not None:
        rows.append((by, said_at, said_at + 3.0, SAYS[language]))
    rows.append(("agent", 70.0, 73.0, OPENING[language]))
    return make_call(language, sorted(rows, key=lambda r: r[1]), **kw)


@pytest.mark.parametrize("language", ["en", "zh", "ru"])
def test_disclosure_said_in_time_passes_with_the_phrase_as_evidence(language):
    res = run_one(DISCLOSURE, disclosure_call(language, said_at=10.0))
    assert res.name == "rule.recording_disclosure"
    assert res.status == "pass", res.reason
    assert res.values.matched is False  # the violation ("NOT said in the first 30 s") did not happen
    (ev,) = [e for e in res.evidence if e.text]
    assert ev.role == "agent" and 10.0 <= ev.start_s < 13.0


@pytest.mark.parametrize("language", ["en", "zh", "ru"])
def test_disclosure_said_late_fails_and_shows_when_it_was_said(language):
    res = run_one(DISCLOSURE, disclosure_call(language, said_at=45.0))
    assert res.status == "fail", res.reason
    assert res.values.matched is True
    assert "first 30 s" in res.reason and "outside it" in res.reason
    window = [e for e in res.evidence if e.text is None]
    late = [e for e in res.evidence if e.text]
    assert window and (window[0].start_s, window[0].end_s) == (0.0, 30.0) and "did not say" in window[0].note
    assert late and late[0].start_s >= 45.0 and "outside the window" in late[0].note


@pytest.mark.parametrize("language", ["en", "zh", "ru"])
def test_disclosure_never_said_fails_with_the_searched_window(language):
    res = run_one(DISCLOSURE, disclosure_call(language, said_at=None))
    assert res.status == "fail"
    assert [e.text for e in res.evidence] == [None]
    assert res.evidence[0].role == "agent" and "did not say" in res.evidence[0].note


def test_the_disclosure_said_by_the_customer_does_not_count():
    assert run_one(DISCLOSURE, disclosure_call("en", said_at=10.0, by="customer")).status == "fail"


def test_the_window_starts_at_the_answer_after_ringback():
    # 20 s of ringback: "the first 30 s" runs 20-50 s of the recording, so 45 s is in time
    call = disclosure_call("en", said_at=45.0, answer_s=20.0)
    res = run_one(DISCLOSURE, call)
    assert res.status == "pass", res.reason
    assert "00:20.0-00:50.0" in res.reason


@pytest.mark.parametrize(
    "language, garbled",
    [
        ("en", "Please note this call maybe recorded."),
        ("en", "Please note this cal may be recorded."),
        ("zh", "本次通话可能会被路音。"),  # 路音 lù yīn for 录音 lù yīn: a homophone
        ("ru", "Наш разговор записываеться."),
        ("ru", "Наши разговоры записываются."),  # inflected (plural)
    ],
)
def test_fuzzy_matching_accepts_asr_errors_and_inflection(language, garbled):
    call = make_call(language, [("agent", 1.0, 4.0, OPENING[language]), ("agent", 5.0, 8.0, garbled)])
    assert run_one(DISCLOSURE, call).status == "pass"
    exact = rules_from_yaml(
        f"""
        categories:
          - id: exact_disclosure
            when_matched: pass
            match: {{said: {{{language}: ["{SAYS[language].rstrip(".。")}"]}}, role: agent, mode: exact}}
        """
    )
    assert run_one(exact, call).status == "fail"  # the same words are not there exactly


def test_zh_without_spaces_and_without_word_times():
    call = make_call(
        "zh", [("agent", 0.0, 9.0, "您好感谢致电北风电信本次通话可能会被录音请问有什么可以帮您")], words=False
    )
    res = run_one(DISCLOSURE, call)
    assert res.status == "pass"
    assert any(e.text == "本次通话可能会被录音" for e in res.evidence)


def test_unknown_roles_unreliable_text_or_no_transcript_are_na_never_fail():
    unknown = make_call("en", [("unknown", 1.0, 4.0, "Hello, how can I help?")])
    res = run_one(DISCLOSURE, unknown)
    assert res.status == "na" and "no agent speech" in res.reason
    garbled = disclosure_call("en", said_at=None, probability=0.4)
    res = run_one(DISCLOSURE, garbled)
    assert res.status == "na" and "transcript unreliable" in res.reason
    empty = make_call("en", [])
    assert run_one(DISCLOSURE, empty).status == "na"


def test_a_language_without_phrases_is_na_and_an_empty_list_is_false():
    rules = rules_from_yaml(
        """
        categories:
          - id: only_en
            when_matched: fail
            match: {said: {en: [shut up]}, role: agent}
          - id: nothing_in_zh
            when_matched: fail
            match: {said: {en: [shut up], zh: []}, role: agent}
        """
    )
    call = make_call("zh", [("agent", 0.0, 2.0, "您好")])
    res = run_one(rules, call, category="only_en")
    assert res.status == "na" and "no phrases for zh" in res.reason
    assert run_one(rules, call, category="nothing_in_zh").status == "pass"


def test_prohibited_words_fail_the_agent_not_the_customer_in_every_language():
    rules = shipped("prohibited-language")
    cases = {
        "en": ("Calm down, sir, that is not my problem.", "You are an idiot."),
        "zh": ("这不关我的事。", "你们是笨蛋。"),
        "ru": ("Это не мои проблемы.", "Вы идиоты."),
    }
    for lang, (agent_says, customer_says) in cases.items():
        bad = make_call(lang, [("agent", 0.0, 3.0, OPENING[lang]), ("agent", 4.0, 7.0, agent_says)])
        res = run_one(rules, bad)
        assert res.status == "fail", (lang, res.reason)
        assert any(e.role == "agent" and e.text for e in res.evidence)
        rude_customer = make_call(
            lang, [("agent", 0.0, 3.0, OPENING[lang]), ("customer", 4.0, 7.0, customer_says)]
        )
        assert run_one(rules, rude_customer).status == "pass", lang


def test_three_valued_groups_decide_what_they_can():
    rules = rules_from_yaml(
        """
        language: en
        categories:
          - id: both
            when_matched: fail
            match:
              all:
                - said: [refund]
                - check: sentiment
                  value: customer_end
                  op: "<"
                  than: -1
          - id: either
            when_matched: fail
            match:
              any:
                - said: [refund]
                - check: sentiment
                  value: customer_end
                  op: "<"
                  than: -1
        """
    )
    says_refund = make_call("en", [("customer", 0.0, 2.0, "I want a refund")])
    no_refund = make_call("en", [("customer", 0.0, 2.0, "Thanks, bye")])
    # sentiment did not run: unknown. all(true, ?) = ?, all(false, ?) = false; any(true, ?) = true, any(false, ?) = ?
    assert run_one(rules, says_refund, category="both").status == "na"
    assert run_one(rules, no_refund, category="both").status == "pass"
    assert run_one(rules, says_refund, category="either").status == "fail"
    res = run_one(rules, no_refund, category="either")
    assert res.status == "na" and "check 'sentiment' did not run" in res.reason


def sentiment(status="pass", **values) -> CheckResult:
    """A hand-built `sentiment` result with the published values of callqa/sentiment (not built here)."""
    base = {"agent_mean": 1.0, "customer_mean": -0.5, "customer_start": 1.5, "customer_end": -2.5,
            "customer_trend": "worsened",
            "quarters": [{"agent": 1, "customer": 1.5}, {"agent": 1, "customer": 0.5},
                         {"agent": 1, "customer": -1}, {"agent": 1, "customer": -2.5}]}  # fmt: skip
    base.update(values)
    return CheckResult("sentiment", status, values=base)


ENDS_NEGATIVE = """
categories:
  - id: ended_negative
    when_matched: fail
    match:
      check: sentiment
      value: customer_end
      op: "<"
      than: -1
  - id: last_quarter
    when_matched: fail
    match: {check: sentiment, value: quarters.3.customer, op: "<=", than: -2}
  - id: worsened
    when_matched: flag
    match: {check: sentiment, value: customer_trend, op: in, than: [worsened]}
  - id: sentiment_failed
    when_matched: flag
    match: {check: sentiment, value: status, op: "==", than: fail}
"""


def test_feature_conditions_read_another_checks_published_values():
    rules = rules_from_yaml(ENDS_NEGATIVE)
    call = make_call("en", [("agent", 0.0, 2.0, "Hello")])
    res = run_one(rules, call, {"sentiment": sentiment()})
    assert res.status == "fail" and res.values.matched is True
    assert res.evidence[0].note == "sentiment.customer_end = -2.5 (< -1)"
    assert run_one(rules, call, {"sentiment": sentiment(customer_end=0.5)}).status == "pass"
    assert run_one(rules, call, {"sentiment": sentiment()}, category="last_quarter").status == "fail"
    worse = run_one(rules, call, {"sentiment": sentiment()}, category="worsened")
    assert worse.status == "na" and worse.values.matched is True  # a flag: informational
    steady = run_one(rules, call, {"sentiment": sentiment(customer_trend="steady")}, category="worsened")
    assert steady.values.matched is False
    assert run_one(
        rules, call, {"sentiment": sentiment(status="fail")}, category="sentiment_failed"
    ).values.matched


@pytest.mark.parametrize(
    "checks, why",
    [
        ({}, "check 'sentiment' did not run"),
        ({"sentiment": CheckResult("sentiment", "na", "no customer speech")}, "is na (no customer speech)"),
        ({"sentiment": sentiment(customer_end=None)}, "is null"),
        ({"sentiment": CheckResult("sentiment", "pass", values={"agent_mean": 1.0})}, "publishes no value"),
        ({"sentiment": sentiment(customer_end="low")}, "cannot be compared"),
    ],
)
def test_a_missing_or_na_check_makes_the_category_na_never_a_wrong_fail(checks, why):
    res = run_one(rules_from_yaml(ENDS_NEGATIVE), make_call("en", [("agent", 0.0, 2.0, "Hello")]), checks)
    assert res.status == "na" and res.values.matched is None
    assert why in res.reason


def test_typed_check_values_are_read_too():
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class HoldsLike(CheckValues):
        count: int
        total_hold_s: float

    rules = rules_from_yaml(
        "categories:\n  - id: long_holds\n    when_matched: fail\n"
        "    match: {check: holds, value: total_hold_s, op: '>', than: 120}\n"
    )
    call = make_call("en", [("agent", 0.0, 2.0, "Hello")])
    assert (
        run_one(rules, call, {"holds": CheckResult("holds", "pass", values=HoldsLike(2, 150.0))}).status
        == "fail"
    )
    assert (
        run_one(rules, call, {"holds": CheckResult("holds", "pass", values=HoldsLike(1, 30.0))}).status
        == "pass"
    )


def test_escalation_example_with_a_hand_built_sentiment_result():
    rules = shipped("escalation")
    calm = make_call("en", [("agent", 0.0, 2.0, "Hello"), ("customer", 3.0, 5.0, "Fine, thanks.")])
    asks = make_call(
        "ru", [("agent", 0.0, 2.0, "Здравствуйте"), ("customer", 3.0, 6.0, "Позовите вашего руководителя!")]
    )
    assert run_one(rules, calm, {"sentiment": sentiment()}).values.matched is True  # ended -2.5, worsened
    assert run_one(rules, calm, {"sentiment": sentiment(customer_end=0.5)}).values.matched is False
    assert run_one(rules, calm, {}).values.matched is None  # no sentiment: cannot say
    assert run_one(rules, asks, {}).values.matched is True  # the phrase decides without sentiment


def test_only_if_gates_the_mini_miranda():
    rules = shipped("collections-mini-miranda")
    debt_without = make_call("en", [("agent", 0.0, 5.0, "Hi, I am calling about your overdue balance.")])
    debt_with = make_call("en", [("agent", 0.0, 5.0, "Hi, this is an attempt to collect a debt."),
                                 ("agent", 6.0, 9.0, "Your payment is past due.")])  # fmt: skip
    other = make_call("en", [("agent", 0.0, 5.0, "Hi, how can I help you today?")])
    assert run_one(rules, debt_without).status == "fail"
    assert run_one(rules, debt_with).status == "pass"
    res = run_one(rules, other)
    assert res.status == "na" and res.reason.startswith("does not apply")
    ru = make_call("ru", [("agent", 0.0, 5.0, "У вас просроченная задолженность по договору.")])
    assert run_one(rules, ru).status == "fail"
    ru_long = make_call("ru", [("agent", 0.0, 5.0, "Подождите, это займёт долго.")])  # "долго" is not "долг"
    assert run_one(rules, ru_long).status == "na"


def test_min_count_and_when_unmatched_na():
    rules = rules_from_yaml(
        """
        language: en
        categories:
          - id: many_sorry
            when_matched: flag
            match: {said: [sorry], role: agent, min_count: 3}
          - id: upsell
            when_matched: pass
            when_unmatched: na
            match: {said: ["[upgrade*|premium plan]"], role: agent, mode: pattern}
        """
    )
    twice = make_call("en", [("agent", 0.0, 2.0, "Sorry, sorry."), ("agent", 3.0, 4.0, "Hello")])
    three = make_call("en", [("agent", 0.0, 2.0, "Sorry, sorry."), ("agent", 3.0, 4.0, "So sorry")])
    assert run_one(rules, twice, category="many_sorry").values.matched is False
    assert run_one(rules, three, category="many_sorry").values.matched is True
    assert run_one(rules, twice, category="upsell").status == "na"
    offer = make_call("en", [("agent", 0.0, 3.0, "Would you like to upgrade to the premium plan?")])
    assert run_one(rules, offer, category="upsell").status == "pass"


def test_measures_over_windows():
    rules = rules_from_yaml(
        """
        categories:
          - id: long_gap
            when_matched: fail
            match: {measure: nontalk_longest_s, op: ">", than: 20}
          - id: monologue_late
            when_matched: flag
            match: {measure: talk_ratio, window: {last_pct: 50}, op: ">", than: 0.9}
          - id: held
            when_matched: flag
            match: {measure: hold_count, op: ">=", than: 1}
        """
    )
    rows = [("agent", 0.0, 5.0, "Hello there"), ("customer", 5.5, 10.0, "Hi, a question"),
            ("agent", 35.0, 60.0, "Let me explain everything at length")]  # fmt: skip
    call = make_call("en", rows)
    res = run_one(rules, call, category="long_gap")
    assert res.status == "fail" and (res.evidence[0].start_s, res.evidence[0].end_s) == (10.0, 35.0)
    assert run_one(rules, call, category="monologue_late").values.matched is True
    res = run_one(rules, call, category="held")
    assert res.status == "na" and "need the audio" in res.reason
    held = make_call("en", rows, events=[("hold", 12.0, 33.0)])
    assert run_one(rules, held, category="held").values.matched is True


def test_a_rule_that_raises_is_na_and_the_other_rules_still_run(monkeypatch):
    import callqa.rules.evaluate as ev

    rules = shipped("refunds-cancellations")
    call = make_call("en", [("customer", 0.0, 3.0, "I want a refund and cancel my account")])

    def broken(*a, **k):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(ev, "measure", broken)
    flow = shipped("call-flow")
    out = run_rules(call, {}, type(rules)(rules.categories + flow.categories))
    assert out["rule.long_silence"].status == "na"
    assert out["rule.long_silence"].reason == "rule failed: ZeroDivisionError: boom"
    assert out["rule.refund_discussed"].values.matched is True
    assert out["rule.cancellation_intent"].values.matched is True
