"""Optional etiquette checks: hold permission and thanks, customer's name, positive language."""

from language_calls import make_call

from callqa.checks.etiquette import (
    CustomerNameParams,
    HoldEtiquetteParams,
    PositiveLanguageParams,
    check_customer_name,
    check_hold_etiquette,
    check_positive_language,
)

H, N, PL = HoldEtiquetteParams(), CustomerNameParams(), PositiveLanguageParams()


def test_hold_with_permission_and_thanks_passes():
    call = make_call("en", [
        ("agent", 10.0, 13.0, "May I put you on hold for a minute?"),
        ("customer", 13.5, 14.0, "Sure."),
        ("agent", 80.0, 83.0, "Thank you for holding, I found it."),
    ])  # fmt: skip
    r = check_hold_etiquette(call, H)
    assert r.status == "pass" and r.values.holds == 1 and r.values.source == "transcript"


def test_thanks_without_permission_fails():
    call = make_call("en", [("agent", 80.0, 83.0, "Thanks for waiting, I found it.")])
    r = check_hold_etiquette(call, H)
    assert r.status == "fail" and r.values.permission_asked == 0


def test_hold_event_without_thanks_fails():
    call = make_call(
        "en",
        [("agent", 10.0, 13.0, "Can I place you on hold?"), ("agent", 80.0, 83.0, "Okay, I found it.")],
        events=[("hold", 14.0, 79.0)],
    )
    r = check_hold_etiquette(call, H)
    assert r.status == "fail" and r.values.source == "signal" and r.values.items[0].permission is True
    assert r.values.items[0].thanked is False


def test_no_hold_is_na():
    call = make_call("en", [("agent", 0.0, 3.0, "Hello, how can I help?")])
    assert check_hold_etiquette(call, H).status == "na"


def test_zh_and_ru_holds():
    zh = make_call(
        "zh", [("agent", 10.0, 12.0, "麻烦您稍等，我帮您查一下"), ("agent", 60.0, 62.0, "感谢您的耐心等待")]
    )
    assert check_hold_etiquette(zh, H).status == "pass"
    ru = make_call(
        "ru", [("agent", 10.0, 12.0, "Оставайтесь, пожалуйста, на линии"), ("agent", 60.0, 62.0, "Нашла.")]
    )
    assert check_hold_etiquette(ru, H).status == "fail"


def test_customer_name():
    call = make_call(
        "en", [("agent", 0.0, 3.0, "Thank you, Mister Jonson, one moment")], customer_name="David Johnson"
    )
    r = check_customer_name(call, N)
    assert r.status == "pass" and r.values.mentions == 1
    call = make_call("en", [("agent", 0.0, 3.0, "Thank you, sir, one moment")], customer_name="David Johnson")
    assert check_customer_name(call, N).status == "fail"
    assert check_customer_name(make_call("en", [("agent", 0.0, 3.0, "Thank you")]), N).status == "na"


def test_customer_name_ru_and_zh():
    ru = make_call("ru", [("agent", 0.0, 3.0, "Спасибо, Ирина Петровна")], customer_name="Irina")
    assert check_customer_name(ru, N).status == "pass"
    zh = make_call("zh", [("agent", 0.0, 3.0, "好的，張先生，請稍等")], customer_name="张")
    assert check_customer_name(zh, N).values.mentions == 1


def test_positive_language():
    for lang, text in [
        ("en", "Hmm, I don't know, maybe"),
        ("zh", "这个我不知道"),
        ("ru", "Я не знаю, честно"),
    ]:
        r = check_positive_language(make_call(lang, [("agent", 0.0, 3.0, text)]), PL)
        assert r.status == "fail" and r.values.count == 1, lang
    ok = make_call(
        "en", [("agent", 0.0, 3.0, "Let me find that out for you"), ("customer", 3.5, 5.0, "I don't know")]
    )
    assert check_positive_language(ok, PL).status == "pass"  # the customer may say it
    zh_ok = make_call("zh", [("agent", 0.0, 3.0, "您知不知道密码")])
    assert check_positive_language(zh_ok, PL).status == "pass"


def test_help_offer_is_not_a_fuzzy_negative_phrase():
    # Whisper's words on the ru demo call: "чем могу помочь" is 0.77 similar to "ничем не могу помочь"
    ru = make_call("ru", [("agent", 0.0, 4.0, "Меня зовут Николай, чем могу помочь.")])
    assert check_positive_language(ru, PL).status == "pass"
    said = make_call("ru", [("agent", 0.0, 4.0, "Извините, ничем не могу помочь.")])
    assert check_positive_language(said, PL).status == "fail"  # said exactly, it still counts


def test_closing_thanks_is_not_a_fuzzy_hold_thanks():
    # zh demo call: 感谢您的来电 (thanks for calling) is 0.77 similar to 感谢您的等待 (thanks for waiting)
    zh = make_call("zh", [("agent", 60.0, 62.0, "好的，感谢您的来电，再见")])
    assert check_hold_etiquette(zh, H).status == "na"
    waited = make_call("zh", [("agent", 60.0, 62.0, "感谢您的等待，查到了")])
    assert check_hold_etiquette(waited, H).status == "fail"  # a real hold thanks with no request
