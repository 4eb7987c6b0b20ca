"""jargon: listed internal terms used without explanation fail; explained, customer-first and unlisted pass."""

from language_calls import make_call

from callqa.checks.jargon import JargonParams, check_jargon

P = JargonParams(terms=["ONT", "port-out PIN"])


def test_en_company_term_unexplained_fails_explained_passes():
    bad = make_call("en", [("agent", 0.0, 4.0, "Please reboot your ONT and call us back."),
                           ("agent", 5.0, 8.0, "Then we check the SLA.")], timed_words=True)  # fmt: skip
    r = check_jargon(bad, P)
    assert r.status == "fail" and r.values.terms == ("ONT", "sla") and r.values.items[0]["start_s"] == 1.5
    good = make_call("en", [
        ("agent", 0.0, 5.0, "Please reboot your ONT, which means the white box where the fibre comes in."),
        ("agent", 6.0, 9.0, "After the ONT restarts, wait two minutes."),  # explained earlier
    ], timed_words=True)  # fmt: skip
    r = check_jargon(good, P)
    assert r.status == "pass" and r.values.count == 2 and r.values.unexplained == 0


def test_explanation_just_before_the_term_in_the_same_sentence():
    good = make_call(
        "en", [("agent", 0.0, 4.0, "Yeah, that's our engineering team on the back end.")], timed_words=True
    )
    assert check_jargon(good, JargonParams()).status == "pass"
    bad = make_call("en", [("agent", 0.0, 4.0, "I will ask the back end about it.")], timed_words=True)
    assert check_jargon(bad, JargonParams()).status == "fail"


def test_customer_used_the_term_first():
    call = make_call("en", [("customer", 0.0, 3.0, "I need my port-out PIN please."),
                            ("agent", 4.0, 7.0, "Sure, your port-out PIN is on the way.")])  # fmt: skip
    assert check_jargon(call, P).status == "pass"
    strict = JargonParams(terms=["port-out PIN"], customer_first_ok=False)
    assert check_jargon(call, strict).status == "fail"


def test_zh_and_ru_terms():
    zh = make_call("zh", [("agent", 0.0, 4.0, "我已经给您提交了工单，请等待回复")])
    r = check_jargon(zh, JargonParams())
    assert r.status == "fail" and r.values.terms == ("工单",)
    zh_ok = make_call("zh", [("agent", 0.0, 6.0, "我已经给您提交了工单，也就是一个处理申请，请等待回复")])
    assert check_jargon(zh_ok, JargonParams()).status == "pass"
    ru = make_call("ru", [("agent", 0.0, 4.0, "Я передам вопрос на вторую линию.")])
    assert check_jargon(ru, JargonParams()).status == "fail"
    ru_ok = make_call(
        "ru", [("agent", 0.0, 6.0, "Я передам вопрос на вторую линию, то есть нашим инженерам.")]
    )
    assert check_jargon(ru_ok, JargonParams()).status == "pass"


def test_no_terms_is_na_and_plain_speech_passes():
    call = make_call("en", [("agent", 0.0, 3.0, "Your refund is on its way.")])
    assert check_jargon(call, JargonParams(use_phrasebook=False)).status == "na"
    assert check_jargon(call, P).status == "pass"
