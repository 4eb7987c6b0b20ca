"""formal_address: 您 not 你, вы not ты; 你好 greetings, quoted speech and words containing 'ты' are not flagged."""

from language_calls import make_call

from callqa.checks.formal_address import FormalAddressParams, check_formal_address
from callqa.store.codec import check_to_dict

P = FormalAddressParams()


def test_zh_informal_ni_fails_with_time_and_formal_passes():
    call = make_call("zh", [
        ("agent", 0.0, 2.0, "您好，请问有什么可以帮您"),
        ("customer", 2.5, 4.0, "我的网络断了"),
        ("agent", 5.0, 8.0, "你把路由器重启一下"),
    ])  # fmt: skip
    r = check_formal_address(call, P)
    assert r.status == "fail" and r.values.informal_count == 1 and r.values.formal_count == 2
    [item] = r.values.items
    assert item["word"] == "你" and 5.0 <= item["start_s"] < 5.5
    assert check_to_dict(r)["items"][0]["word"] == "你"
    ok = make_call("zh", [("agent", 0.0, 3.0, "您把路由器重启一下，您们那边迷你路由器也可以")])
    assert check_formal_address(ok, P).status == "pass"


def test_zh_ni_hao_greeting_is_conventional_unless_configured():
    call = make_call(
        "zh", [("agent", 0.0, 3.0, "喂，你好，这里是客服中心"), ("agent", 4.0, 6.0, "你们公司的地址是")]
    )
    r = check_formal_address(call, P)
    assert r.status == "pass" and r.values.ni_hao_greetings == 1 and r.values.informal_count == 0
    strict = check_formal_address(call, FormalAddressParams(count_ni_hao_greeting=True))
    assert strict.status == "fail" and strict.values.informal_count == 1
    mid = make_call("zh", [("agent", 0.0, 3.0, "那么你好好想想")])  # not a greeting: counted
    assert check_formal_address(mid, P).status == "fail"


def test_ru_informal_pronouns_verbs_and_imperatives():
    call = make_call("ru", [
        ("agent", 0.0, 3.0, "Здравствуйте, чем могу вам помочь?"),
        ("agent", 4.0, 8.0, "Ты можешь перезагрузить роутер? Подожди минутку."),
    ], timed_words=True)  # fmt: skip
    r = check_formal_address(call, P)
    assert r.status == "fail"
    assert [i["word"] for i in r.values.items] == ["ты", "можешь", "подожди"]
    assert r.values.items[0]["start_s"] == 4.0 and r.values.formal_count == 1


def test_ru_formal_speech_quoted_speech_and_words_containing_ty_pass():
    call = make_call("ru", [
        ("agent", 0.0, 4.0, "Вы можете проверить ответы в личном кабинете, это лишь минута."),
        ("agent", 4.0, 8.0, "Оператор сказал вам: «ты получишь ответ завтра», извините за это."),
        ("customer", 8.0, 9.0, "Ты меня слышишь?"),  # the customer is not judged
    ])  # fmt: skip
    r = check_formal_address(call, P)
    assert r.status == "pass", r.values
    assert r.values.formal_count == 2


def test_en_is_na_and_no_agent_is_na():
    assert check_formal_address(make_call("en", [("agent", 0.0, 2.0, "Can you hear me?")]), P).status == "na"
    assert check_formal_address(make_call("ru", [("customer", 0.0, 2.0, "Ты где?")]), P).status == "na"
