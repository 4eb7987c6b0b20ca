"""restating_need: the agent restates the customer's need after it is explained, in en/zh/ru."""

from language_calls import make_call

from callqa.checks.restating_need import RestatingNeedParams, check_restating_need
from callqa.store.codec import check_to_dict

P = RestatingNeedParams()


def test_en_restatement_after_explanation_passes_with_time():
    call = make_call("en", [
        ("agent", 0.0, 3.0, "Thank you for calling Acme, how can I help?"),
        ("customer", 3.5, 10.0, "My internet keeps dropping every evening since Monday."),
        ("agent", 11.0, 15.0, "So you're saying the connection drops every evening, right?"),
        ("customer", 15.5, 16.0, "Yes."),
    ])  # fmt: skip
    r = check_restating_need(call, P)
    assert r.status == "pass" and r.values.restated_at_s == 11.0 and r.values.delay_s == 1.0
    assert r.values.explanation_start_s == 3.5 and check_to_dict(r)["phrase"] == "so you're saying"


def test_no_restatement_or_too_late_fails():
    rows = [
        ("agent", 0.0, 3.0, "Hello, how can I help?"),
        ("customer", 3.5, 10.0, "My internet keeps dropping every evening."),
        ("agent", 11.0, 15.0, "Okay, I will reset your line now."),
    ]
    r = check_restating_need(make_call("en", rows), P)
    assert r.status == "fail" and r.values.restated_at_s is None
    late = rows + [("agent", 200.0, 203.0, "If I understand correctly, the line drops at night?")]
    r = check_restating_need(make_call("en", late), P)
    assert r.status == "fail" and r.values.delay_s == 190.0
    # a "restatement" before the customer said anything is not one
    early = [("agent", 0.0, 3.0, "So you'd like to pay a bill?")] + rows[1:]
    assert check_restating_need(make_call("en", early), P).status == "fail"


def test_zh_and_ru_restatements():
    zh = make_call("zh", [
        ("customer", 1.0, 6.0, "我的信用卡昨天被扣了两次年费"),
        ("agent", 7.0, 11.0, "您的意思是年费被重复扣了，对吗"),
    ])  # fmt: skip
    assert check_restating_need(zh, P).status == "pass"
    ru = make_call("ru", [
        ("customer", 1.0, 6.0, "У меня списали деньги дважды за один заказ."),
        ("agent", 7.0, 11.0, "Правильно ли я понимаю, что оплата прошла два раза?"),
    ])  # fmt: skip
    assert check_restating_need(ru, P).status == "pass"
    ru_no = make_call("ru", [
        ("customer", 1.0, 6.0, "У меня списали деньги дважды за один заказ."),
        ("agent", 7.0, 11.0, "Сейчас оформлю возврат."),
    ])  # fmt: skip
    assert check_restating_need(ru_no, P).status == "fail"


def test_hedged_real_world_restatement():
    """From a real sales call (Azure sample transcript): "So you're kind of comparing Shopify versus Azure"."""
    call = make_call("en", [
        ("customer", 0.0, 6.0, "We are looking at Shopify and at Azure for our shop."),
        ("agent", 36.7, 40.7, "So you're kind of comparing Shopify versus Azure."),
    ])  # fmt: skip
    r = check_restating_need(call, P)
    assert r.status == "pass" and r.values.phrase == "so you're kind of"


def test_customer_who_does_not_explain_or_a_mailbox_is_na():
    call = make_call("en", [("agent", 0.0, 3.0, "Hello?"), ("customer", 3.0, 4.0, "Hi.")])
    assert check_restating_need(call, P).status == "na"
    mailbox = make_call("en", [
        ("customer", 0.0, 6.0, "Hi, this is Sam, I cannot take your call, please leave a message after the tone."),
        ("agent", 7.0, 15.0, "Hi Sam, this is Daniel from Northwind, please call us back."),
    ])  # fmt: skip
    r = check_restating_need(mailbox, P)
    assert r.status == "na" and "mailbox" in r.reason
