"""Closing order: summary before thanks, farewell, who hung up (unknown -> that part na)."""

from language_calls import make_call

from callqa.checks.closing import ClosingParams, check_closing

P = ClosingParams()
EN_BODY = [
    ("agent", 0.0, 5.0, "Hello, Acme, how can I help?"),
    ("customer", 6.0, 40.0, "My router is broken."),
]


def test_en_good_closing_customer_hangs_up():
    call = make_call(
        "en",
        EN_BODY + [
            ("agent", 41.0, 48.0, "Just to recap, we reset the router and booked a visit."),
            ("customer", 48.5, 49.0, "Great."),
            ("agent", 49.5, 53.0, "Thank you for calling Acme, have a nice day. Goodbye."),
        ],
        hangup_party="customer",
    )  # fmt: skip
    r = check_closing(call, P)
    assert r.status == "pass"
    assert r.values.summary and r.values.thanks and r.values.farewell
    assert r.values.order_ok is True and r.values.hangup_ok is True and r.values.hangup_party == "customer"
    notes = [e.note for e in r.evidence]
    assert any(n.startswith("summary") for n in notes) and any(n.startswith("thanks") for n in notes)


def test_summary_after_thanks_fails():
    call = make_call(
        "en",
        EN_BODY + [
            ("agent", 41.0, 44.0, "Thank you for calling Acme."),
            ("agent", 44.5, 50.0, "Oh and to summarize, the visit is on Monday. Bye."),
        ],
        hangup_party="customer",
    )  # fmt: skip
    r = check_closing(call, P)
    assert r.status == "fail" and r.values.order_ok is False and "summary after thanks" in r.reason


def test_agent_hangs_up_first_fails():
    call = make_call(
        "en",
        EN_BODY
        + [("agent", 41.0, 50.0, "To summarize, the visit is on Monday. Thank you for calling, goodbye.")],
        hangup_party="agent",
    )
    r = check_closing(call, P)
    assert r.status == "fail" and r.values.hangup_ok is False and r.values.order_ok is False


def test_unknown_hangup_is_na_not_failed():
    call = make_call(
        "en",
        EN_BODY
        + [("agent", 41.0, 50.0, "To summarize, the visit is on Monday. Thank you for calling, goodbye.")],
    )
    r = check_closing(call, P)
    assert r.status == "pass" and r.values.hangup_party == "unknown" and r.values.hangup_ok is None
    assert r.values.order_ok is True and "na" in r.reason


def test_missing_farewell_and_early_thanks_outside_window():
    call = make_call(
        "en",
        [("agent", 0.0, 4.0, "Hello, thank you for calling Acme."), ("customer", 5.0, 200.0, "long story"),
         ("agent", 201.0, 205.0, "Let me recap: the visit is on Monday.")],
        hangup_party="customer",
    )  # fmt: skip
    r = check_closing(call, P)
    # the opening "thank you for calling" is 3 minutes before the end: not part of the closing
    assert r.status == "fail" and not r.values.thanks and not r.values.farewell


def test_zh_closing():
    call = make_call(
        "zh",
        [("agent", 0.0, 3.0, "您好"), ("customer", 4.0, 20.0, "我的网络断了"),
         ("agent", 21.0, 28.0, "我總結一下，明天師傅上門。感謝您的來電，祝您生活愉快，再見。")],
        hangup_party="customer",
    )  # fmt: skip
    r = check_closing(call, P)
    assert r.status == "pass" and r.values.order_ok is True


def test_ru_summary_after_thanks():
    call = make_call(
        "ru",
        [("agent", 0.0, 3.0, "Здравствуйте"), ("customer", 4.0, 20.0, "У меня не работает интернет"),
         ("agent", 21.0, 24.0, "Спасибо за звонок."),
         ("agent", 25.0, 30.0, "Итак, подведу итог: мастер придет завтра. До свидания.")],
        hangup_party="customer",
    )  # fmt: skip
    r = check_closing(call, P)
    assert r.status == "fail" and r.values.summary_before_thanks is False


def test_ru_good_closing():
    call = make_call(
        "ru",
        [("agent", 0.0, 3.0, "Здравствуйте"), ("customer", 4.0, 20.0, "У меня не работает интернет"),
         ("agent", 21.0, 30.0, "Итак, подведу итог: мастер придет завтра. Спасибо за обращение, всего доброго!")],
        hangup_party="customer",
    )  # fmt: skip
    assert check_closing(call, P).status == "pass"
