"""Hold etiquette: the agent says why and for how long before the hold (issue 11)."""

from language_calls import make_call

from callqa.checks.etiquette import HoldEtiquetteParams, check_hold_etiquette

H = HoldEtiquetteParams()


def test_reason_and_duration_before_a_signal_hold():
    call = make_call(
        "en",
        [
            ("agent", 10.0, 16.0, "I need to check your account, it will take about two minutes."),
            ("agent", 16.5, 18.0, "May I put you on hold?"),
            ("agent", 140.0, 143.0, "Thank you for holding."),
        ],
        events=[("hold", 19.0, 139.0)],
    )
    r = check_hold_etiquette(call, H)
    item = r.values.items[0]
    assert item.explained_reason is True and item.said_duration is True
    assert r.values.explained_reason == 1 and r.values.said_duration == 1 and r.status == "pass"
    notes = [e.note for e in r.evidence]
    assert any("reason for the hold" in n for n in notes) and any("duration" in n for n in notes)


def test_bare_hold_request_reports_no_reason_and_fails_only_when_required():
    rows = [("agent", 10.0, 12.0, "Please hold."), ("agent", 80.0, 82.0, "Thanks for waiting.")]
    call = make_call("en", rows, events=[("hold", 13.0, 79.0)])
    r = check_hold_etiquette(call, H)
    assert r.status == "pass" and r.values.items[0].explained_reason is False
    assert r.values.items[0].said_duration is False
    strict = check_hold_etiquette(call, HoldEtiquetteParams(require_reason=True, require_duration=True))
    assert strict.status == "fail" and "reason" in strict.reason and "duration" in strict.reason


def test_digits_and_units_count_as_duration_but_a_moment_does_not():
    for text, expected, reason in (
        ("Let me check, it takes 3 minutes, can I put you on hold?", True, True),
        ("Can I put you on hold for a moment?", False, False),
        ("Let me check that, could you hold for a couple of minutes?", True, True),
    ):
        call = make_call("en", [("agent", 10.0, 15.0, text), ("agent", 80.0, 82.0, "Thank you for holding.")],
                         events=[("hold", 16.0, 79.0)])  # fmt: skip
        item = check_hold_etiquette(call, H).values.items[0]
        assert item.said_duration is expected, text
        assert item.explained_reason is reason, text


def test_zh_and_ru_reason_and_duration():
    zh = make_call(
        "zh",
        [
            ("agent", 5.0, 10.0, "我帮您查询一下，大概需要两分钟，请您稍等。"),
            ("agent", 100.0, 103.0, "感谢您的耐心等待。"),
        ],
        events=[("hold", 11.0, 99.0)],
    )
    it = check_hold_etiquette(zh, H).values.items[0]
    assert it.explained_reason and it.said_duration
    ru = make_call(
        "ru",
        [("agent", 5.0, 10.0, "Мне нужно уточнить у коллег, это займет пару минут, оставайтесь на линии."),
         ("agent", 100.0, 103.0, "Спасибо за ожидание.")],
        events=[("hold", 11.0, 99.0)],
    )  # fmt: skip
    it = check_hold_etiquette(ru, H).values.items[0]
    assert it.explained_reason and it.said_duration
    ru_bare = make_call("ru", [("agent", 5.0, 7.0, "Минуточку."), ("agent", 100.0, 103.0, "Спасибо за ожидание.")],
                        events=[("hold", 8.0, 99.0)])  # fmt: skip
    it = check_hold_etiquette(ru_bare, H).values.items[0]
    assert not it.explained_reason and not it.said_duration


def test_transcript_only_holds_get_reason_and_duration_too():
    call = make_call(
        "en",
        [("agent", 10.0, 15.0, "Let me look into that, may I put you on hold for two minutes?"),
         ("agent", 140.0, 143.0, "Thank you for holding.")],
    )  # fmt: skip
    r = check_hold_etiquette(call, H)
    assert r.values.source == "transcript"
    assert r.values.items[0].explained_reason and r.values.items[0].said_duration
