"""voicemail: the mailbox greeting is excluded; the agent's message is short and gives name, company,
callback number ([PHONE] from redaction too) and a time, in en/zh/ru."""

from language_calls import make_call

from callqa.checks.voicemail import VoicemailParams, check_voicemail
from callqa.features import build_call
from callqa.ingest.transcript import parse_transcript
from callqa.types import CallMeta

P = VoicemailParams()
META = {"agent_name": "Anna Smith", "company": "Acme", "direction": "outbound"}
GREETING = (
    "customer",
    0.0,
    6.0,
    "Hi, you've reached John. I can't come to the phone, please leave a message after the tone.",
)


def test_en_complete_message_passes_and_greeting_is_excluded():
    call = make_call("en", [GREETING, ("agent", 7.0, 22.0,
        "Hi John, this is Anna from Acme about your repair. Please call us back at 555 123 4567, "
        "we're open until 6 pm today.")], **META)  # fmt: skip
    r = check_voicemail(call, P)
    assert r.status == "pass", r.reason
    assert (r.values.greeting_end_s, r.values.message_start_s, r.values.message_s) == (6.0, 7.0, 15.0)
    assert r.values.agent_name and r.values.company and r.values.callback_number and r.values.callback_time
    assert (r.evidence[0].start_s, r.evidence[0].end_s) == (0.0, 6.0) and "excluded" in r.evidence[0].note


def test_en_long_message_without_number_or_time_fails():
    call = make_call("en", [GREETING, ("agent", 7.0, 45.0,
        "Hi, this is Anna from Acme. I wanted to talk about your repair, please call us back when you can.")],
        **META)  # fmt: skip
    r = check_voicemail(call, P)
    assert r.status == "fail" and set(r.values.missing) == {
        "message_length",
        "callback_number",
        "callback_time",
    }


def test_redacted_phone_token_and_spoken_digits_count():
    msg = "This is Anna from Acme, call me back at [PHONE] before five p.m. tomorrow."
    r = check_voicemail(make_call("en", [GREETING, ("agent", 7.0, 15.0, msg)], **META), P)
    assert r.status == "pass" and r.values.callback_number
    spoken = "This is Anna at Acme, call me at five five five, one two three, four five six seven, tomorrow."
    assert check_voicemail(
        make_call("en", [GREETING, ("agent", 7.0, 15.0, spoken)], **META), P
    ).values.callback_number
    short = "This is Anna at Acme, call me at extension five five, tomorrow."
    assert not check_voicemail(
        make_call("en", [GREETING, ("agent", 7.0, 15.0, short)], **META), P
    ).values.callback_number


def test_mono_greeting_labelled_agent_is_still_excluded():
    """On a mono recording the mailbox greeting may get the agent role (first speaker): the message is the
    other voice after it."""
    utts = [
        {"speaker": "S0", "role": "agent", "start_s": 0.0, "end_s": 5.0, "text": "The person you are calling is not available. Please leave a message after the tone."},
        {"speaker": "S1", "role": "customer", "start_s": 6.0, "end_s": 14.0, "text": "Hello, this is Anna from Acme, please call 555 123 4567 until 5 pm."},
    ]  # fmt: skip
    call = build_call(
        CallMeta("t", None, "en", **META), parse_transcript({"language": "en", "utterances": utts})
    )
    r = check_voicemail(call, P)
    assert r.status == "pass" and r.values.message_start_s == 6.0


def test_zh_and_ru_messages():
    zh = make_call("zh", [
        ("customer", 0.0, 5.0, "您拨打的用户暂时无法接听，请在提示音后留言"),
        ("agent", 6.0, 16.0, "您好，我是艾克美公司的王丽，请您明天下午五点前回电，电话是13812345678"),
    ], agent_name="王丽", company="艾克美", direction="outbound")  # fmt: skip
    assert check_voicemail(zh, P).status == "pass"
    zh_bad = make_call("zh", [("customer", 0.0, 5.0, "您拨打的用户暂时无法接听，请在提示音后留言"),
                              ("agent", 6.0, 12.0, "您好，我是王丽，请回电")],
                       agent_name="王丽", company="艾克美", direction="outbound")  # fmt: skip
    r = check_voicemail(zh_bad, P)
    assert r.status == "fail" and {"company", "callback_number", "callback_time"} <= set(r.values.missing)
    ru = make_call("ru", [
        ("customer", 0.0, 5.0, "Абонент не может ответить. Оставьте сообщение после звукового сигнала."),
        ("agent", 6.0, 18.0, "Здравствуйте, меня зовут Ирина, компания Акме. Перезвоните нам по номеру 8 800 555 35 35 с 9 до 18."),
    ], agent_name="Ирина", company="Акме", direction="outbound")  # fmt: skip
    assert check_voicemail(ru, P).status == "pass"


def test_operator_announcement_without_mailbox_is_na():
    """ "The subscriber is switched off" is no mailbox: there is nowhere to leave a message."""
    zh = make_call("zh", [("customer", 0.0, 4.0, "您拨打的电话已关机，请稍后再拨")], direction="outbound")
    assert check_voicemail(zh, P).status == "na"
    ru = make_call(
        "ru", [("customer", 0.0, 4.0, "Абонент не отвечает или временно недоступен.")], direction="outbound"
    )
    assert check_voicemail(ru, P).status == "na"


def test_not_a_mailbox_or_inbound_is_na():
    live = make_call("en", [("agent", 0.0, 3.0, "Hi, this is Anna from Acme."), ("customer", 3.0, 4.0, "Hi!"),
                            ("agent", 4.0, 7.0, "I'll call you back tomorrow with the quote.")], **META)  # fmt: skip
    assert check_voicemail(live, P).status == "na"
    inbound = make_call("en", [GREETING], agent_name="Anna", direction="inbound")
    assert check_voicemail(inbound, P).status == "na"
