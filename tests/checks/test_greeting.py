"""The greeting check in en / zh / ru, with ASR near-misses."""

from language_calls import make_call

from callqa.checks.greeting import GreetingParams, check_greeting, opening_end_s
from callqa.features import build_call
from callqa.types import SignalSummary

P = GreetingParams()


def test_en_pass_with_company_mangled_by_asr():
    call = make_call(
        "en",
        [
            ("agent", 0.5, 5.0, "Hello, thank you for calling at me. My name is Anna, how can I help you?"),
            ("customer", 5.5, 8.0, "Hi, my internet is down."),
        ],
        company="Acme",
        agent_name="Anna Smith",
    )
    r = check_greeting(call, P)
    assert r.status == "pass"
    assert r.values.greeting and r.values.company and r.values.agent_name and r.values.help_offer
    company_ev = [e for e in r.evidence if e.note.startswith("company")]
    assert company_ev[0].text == "at me" and 0.5 < company_ev[0].start_s < 5.0


def test_en_greeting_after_the_window_fails():
    call = make_call(
        "en",
        [
            (
                "agent",
                0.5,
                10.5,
                "this is the billing line please state your account number after the tone now",
            ),
            ("customer", 11.0, 13.0, "one two three"),
            ("agent", 14.0, 20.0, "okay and your date of birth please and the postcode too"),
            ("agent", 21.0, 24.0, "good morning and welcome to Acme"),
        ],
        company="Acme",
    )
    # the agent has spoken 10 s + 6 s = 16 s before the greeting: past the 15 s window
    assert abs(opening_end_s(call, window_s=15.0) - 19.0) < 1e-9
    r = check_greeting(call, P)
    assert r.status == "fail" and r.values.greeting is False and r.values.company is False
    assert check_greeting(call, GreetingParams(window_s=30.0)).status == "pass"


def test_unknown_company_and_name_are_not_failed():
    call = make_call("en", [("agent", 0.0, 3.0, "Good afternoon, how may I help you?")])
    r = check_greeting(call, P)
    assert r.status == "pass" and r.values.company is None and r.values.agent_name is None


def test_wrong_agent_name_fails():
    call = make_call(
        "en", [("agent", 0.0, 4.0, "Hello, Acme, this is Peter speaking")], company="Acme", agent_name="Anna"
    )
    r = check_greeting(call, P)
    assert r.status == "fail" and r.values.agent_name is False and "agent_name" in r.reason


def test_help_offer_required_only_when_configured():
    call = make_call(
        "en", [("agent", 0.0, 3.0, "Hello, Acme, John speaking")], company="Acme", agent_name="John"
    )
    assert check_greeting(call, P).status == "pass"
    r = check_greeting(call, GreetingParams(require_help_offer=True))
    assert r.status == "fail" and r.values.help_offer is False


def test_zh_traditional_asr_output_and_pinyin_company():
    call = make_call(
        "zh",
        [
            ("agent", 0.3, 5.0, "您好，歡迎致電愛克美公司，我是小麗，有什麼可以幫您？"),
            ("customer", 5.5, 7.0, "你好"),
        ],
        company="艾克美",
        agent_name="王小丽",
    )
    r = check_greeting(call, P)
    assert r.status == "pass" and r.values.help_offer
    assert [e.text for e in r.evidence if e.note.startswith("company")] == ["爱克美"]


def test_zh_other_company_fails():
    call = make_call("zh", [("agent", 0.3, 4.0, "您好，欢迎致电中国银行")], company="艾克美")
    assert check_greeting(call, P).values.company is False


def test_ru_with_latin_manifest_names():
    call = make_call(
        "ru",
        [("agent", 0.5, 5.0, "Добрый день, компания Ромашка, меня зовут Светлана, чем могу помочь?")],
        company="Romashka",
        agent_name="Svetlana",
    )
    r = check_greeting(call, P)
    assert r.status == "pass" and r.values.company and r.values.agent_name and r.values.help_offer


def test_ru_no_greeting_fails():
    call = make_call(
        "ru", [("agent", 0.5, 3.0, "Ромашка, Светлана, слушаю")], company="Ромашка", agent_name="Светлана"
    )
    r = check_greeting(call, P)
    assert r.status == "fail" and r.values.greeting is False


def test_no_agent_speech_is_na():
    call = make_call("en", [("customer", 0.0, 2.0, "hello?")])
    assert check_greeting(call, P).status == "na"


def test_window_starts_at_answer_from_signal():
    from dataclasses import replace

    call = make_call(
        "en",
        [("agent", 0.0, 15.0, "thank you for holding your call is important to us please stay on the line"),
         ("agent", 20.0, 23.0, "Hello, this is Acme")],
        company="Acme",
        events=[("ring", 0.0, 19.0)],
    )  # fmt: skip
    # without an answer time the recorded IVR message fills the whole 15 s window: greeting at 20 s is late
    assert check_greeting(call, GreetingParams(window_s=15.0)).values.greeting is False
    answered = build_call(
        call.meta, call.transcript, replace(call.signal, extras=SignalSummary(answer_s=19.5))
    )
    r = check_greeting(answered, GreetingParams(window_s=15.0))
    assert r.status == "pass" and r.values.greeting is True


def test_opening_ends_at_max_wall_time_in_short_agent_calls():
    call = make_call(
        "en",
        [("agent", 0.0, 2.0, "Acme support"), ("customer", 3.0, 90.0, "long complaint"),
         ("agent", 91.0, 93.0, "hello, are you there")],
        company="Acme",
    )  # fmt: skip
    # the agent spoke only 4 s in all, but the "hello" at 91 s is not part of the opening
    r = check_greeting(call, P)
    assert r.status == "fail" and r.values.greeting is False and r.values.window_end_s == 60.0


# --- greetings that do not count (issue 11) -------------------------------------------------------


def test_allo_alone_is_not_a_greeting_with_the_reason():
    call = make_call("ru", [("agent", 0.0, 4.0, "Алло, слушаю вас.")])
    r = check_greeting(call, GreetingParams())
    assert r.status == "fail" and r.values.greeting is False
    assert r.values.not_counted == ["алло"]
    assert "not a proper greeting" in r.reason
    assert any("not a proper greeting" in (e.note or "") for e in r.evidence)


def test_allo_then_a_real_greeting_passes():
    call = make_call("ru", [("agent", 0.0, 4.0, "Алло, здравствуйте, слушаю вас.")])
    r = check_greeting(call, GreetingParams())
    assert r.status == "pass" and r.values.greeting is True


def test_wei_is_not_a_greeting_but_wei_nihao_is():
    bad = check_greeting(make_call("zh", [("agent", 0.0, 3.0, "喂？请讲。")]), GreetingParams())
    assert bad.status == "fail" and bad.values.not_counted == ["喂"]
    good = check_greeting(make_call("zh", [("agent", 0.0, 3.0, "喂，您好，请讲。")]), GreetingParams())
    assert good.status == "pass"


def test_hello_asked_or_alone_is_not_a_greeting_but_hello_with_an_introduction_is():
    for text in ("Hello?", "hello, hello?", "Hello? Yes, what is it?"):
        r = check_greeting(make_call("en", [("agent", 0.0, 3.0, text)]), GreetingParams())
        assert r.status == "fail" and r.values.greeting is False, text
    ok = check_greeting(make_call("en", [("agent", 0.0, 3.0, "Hello, this is Anna, how can I help?")]),
                        GreetingParams())  # fmt: skip
    assert ok.status == "pass" and ok.values.greeting is True


def test_not_counting_list_is_configurable():
    call = make_call("ru", [("agent", 0.0, 4.0, "Алло, слушаю вас.")])
    r = check_greeting(call, GreetingParams(not_counting={"ru": []}))
    assert r.status == "pass" and r.values.not_counted == []
