"""transfer: consent, reason and target before a transfer, in en/zh/ru; a silent hand-over to a new voice fails."""

from language_calls import make_call

from callqa.checks.transfer import TransferParams, check_transfer
from callqa.features import build_call
from callqa.ingest.transcript import parse_transcript
from callqa.types import CallMeta

P = TransferParams()


def test_en_full_transfer_passes_and_bare_transfer_fails():
    good = make_call("en", [
        ("customer", 0.0, 5.0, "I was charged twice for my plan."),
        ("agent", 6.0, 12.0, "May I transfer you to our billing team? They can refund the charge right away."),
        ("customer", 12.5, 13.0, "Sure."),
    ])  # fmt: skip
    r = check_transfer(good, P)
    assert r.status == "pass" and r.values.transfers == 1
    assert r.values.items[0] == {"start_s": r.values.items[0]["start_s"], "source": "phrase",
                                 "consent": True, "reason": True, "target": True}  # fmt: skip
    bare = make_call("en", [
        ("customer", 0.0, 5.0, "I was charged twice for my plan."),
        ("agent", 6.0, 9.0, "I'm transferring you now."),
    ])  # fmt: skip
    r = check_transfer(bare, P)
    assert r.status == "fail" and r.values.with_consent == 0 and r.values.with_target == 0
    lax = TransferParams(require_consent=False, require_reason=False, require_target=False)
    assert check_transfer(bare, lax).status == "pass"


def test_zh_and_ru_transfers():
    zh = make_call("zh", [("agent", 5.0, 10.0, "我帮您转接到信用卡部门，因为他们可以帮您处理退款，可以吗")])
    assert check_transfer(zh, P).status == "pass"
    zh_bad = make_call("zh", [("agent", 5.0, 8.0, "我给您转一下")])
    assert check_transfer(zh_bad, P).status == "fail"
    ru = make_call(
        "ru",
        [
            (
                "agent",
                5.0,
                10.0,
                "Я переключу вас на отдел возвратов, потому что они решат ваш вопрос, хорошо?",
            )
        ],
    )
    assert check_transfer(ru, P).status == "pass"
    ru_bad = make_call("ru", [("agent", 5.0, 8.0, "Соединяю вас.")])
    assert check_transfer(ru_bad, P).status == "fail"
    # "хорошо" as an acknowledgement is not consent; as a question it is
    ack = make_call(
        "ru",
        [
            (
                "agent",
                5.0,
                10.0,
                "Хорошо, я переключу вас на отдел возвратов, потому что они решат ваш вопрос.",
            )
        ],
    )
    assert check_transfer(ack, P).values.with_consent == 0
    asked = make_call("ru", [("agent", 5.0, 12.0, "Я переключу вас на отдел возвратов, они решат ваш вопрос, хорошо? Спасибо.")],
                      timed_words=True)  # fmt: skip
    assert check_transfer(asked, P).values.with_consent == 1


def test_new_voice_after_silence_without_announcement_fails():
    utts = [
        {"speaker": "A", "role": "agent", "start_s": 0.0, "end_s": 3.0, "text": "Hello, how can I help?"},
        {"speaker": "C", "role": "customer", "start_s": 3.5, "end_s": 6.0, "text": "My card is blocked."},
        {"speaker": "B", "role": "agent", "start_s": 20.0, "end_s": 23.0, "text": "Hello, card services."},
    ]
    t = parse_transcript({"language": "en", "utterances": utts})
    r = check_transfer(build_call(CallMeta("t", None, "en"), t), P)
    assert r.status == "fail" and r.values.items[0]["source"] == "new_voice"
    assert r.values.items[0]["start_s"] == 20.0


def test_no_transfer_is_na():
    call = make_call("en", [("agent", 0.0, 3.0, "Hello, how can I help?"), ("customer", 3.0, 5.0, "Hi.")])
    assert check_transfer(call, P).status == "na"
