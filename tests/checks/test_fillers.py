"""Filler words per minute of agent speech, with the per-language context rules."""

from language_calls import make_call

from callqa.checks.fillers import FillersParams, check_fillers

P = FillersParams()


def test_en_counts_and_items():
    call = make_call(
        "en",
        [
            (
                "agent",
                0.0,
                30.0,
                "um so your order, like, shipped uh yesterday and I'd like to, you know, help",
            ),
            ("customer", 31.0, 40.0, "um okay uh"),  # customer fillers are not counted by default
        ],
        timed_words=True,
    )
    r = check_fillers(call, P)
    assert r.values.count == 4
    assert [i.word for i in r.values.items] == ["um", "like", "uh", "you know"]
    assert r.values.items[0].start_s == 0.0
    assert abs(r.values.per_min - 8.0) < 0.01 and r.status == "fail"  # 4 in 30 s of speech


def test_en_clean_speech_passes_and_id_like_is_no_filler():
    call = make_call(
        "en",
        [("agent", 0.0, 20.0, "I'd like to confirm your address and I like that you called early today")],
        timed_words=True,
    )
    r = check_fillers(call, P)
    assert r.status == "pass" and r.values.count == 0


def test_threshold_is_configurable():
    call = make_call("en", [("agent", 0.0, 60.0, "um " + "fine " * 40 + "uh")], timed_words=True)
    assert check_fillers(call, P).status == "pass"  # 2 per minute
    assert check_fillers(call, FillersParams(max_per_min=1.0)).status == "fail"


def test_zh_fillers():
    call = make_call(
        "zh",
        [("agent", 0.0, 20.0, "嗯 那个， 您的 那个人 就是， 余额， 还有 呃 五十元")],
        timed_words=True,
    )
    r = check_fillers(call, P)
    assert sorted(i.word for i in r.values.items) == sorted(["嗯", "那个", "就是", "呃"])


def test_ru_fillers():
    call = make_call(
        "ru",
        [("agent", 0.0, 20.0, "Ну, э-э, ваш заказ как бы отправлен, это самое главное, ммм")],
        timed_words=True,
    )
    r = check_fillers(call, P)
    assert [i.word for i in r.values.items] == ["ну", "ээ", "как бы", "ммм"]


def test_customer_role_can_be_checked():
    call = make_call(
        "en", [("agent", 0.0, 12.0, "fine " * 20), ("customer", 13.0, 25.0, "um uh " * 5)], timed_words=True
    )
    assert check_fillers(call, FillersParams(roles=["customer"])).values.count == 10


def test_short_speech_is_na():
    call = make_call("en", [("agent", 0.0, 3.0, "um hello")], timed_words=True)
    assert check_fillers(call, P).status == "na"
