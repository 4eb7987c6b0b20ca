"""Importing transcripts made elsewhere: callqa JSON, Amazon Transcribe, Azure fast transcription."""

from pathlib import Path

import pytest

from callqa.checks.closing import ClosingParams, check_closing
from callqa.checks.greeting import GreetingParams, check_greeting
from callqa.features import build_call
from callqa.ingest.transcript import TranscriptError, load_transcript, parse_transcript
from callqa.types import CallMeta

DATA = Path(__file__).resolve().parent.parent / "data"
FIX = DATA / "transcripts"


def test_callqa_utterances_roles_and_words():
    t = load_transcript(FIX / "en_call.json")
    assert t.language == "en" and t.duration_s == 40.0 and t.source == "imported"
    assert [u.role for u in t.utterances] == ["agent", "customer", "agent"]  # spk_0 spoke first
    first = t.utterances[0]
    assert len(first.words) == 9 and first.words[0].text == "Hello," and first.words[0].probability == 0.99
    assert t.utterances[1].start_s == 3.5 and t.utterances[1].words == ()  # "start"/"end" accepted
    call = build_call(CallMeta("c", None, "en", company="Acme", agent_name="Anna"), t)
    assert check_greeting(call, GreetingParams()).status == "pass"
    closing = check_closing(call, ClosingParams())
    assert closing.values.summary and closing.values.thanks and closing.values.farewell


def test_callqa_words_grouped_by_channel_zh():
    t = load_transcript(FIX / "zh_words_by_channel.json")
    assert [(u.role, u.text) for u in t.utterances] == [
        ("agent", "您好，歡迎致電愛克美"),
        ("customer", "你好我想查話費"),
        ("agent", "好的"),
    ]
    assert t.utterances[0].channel == 0 and t.utterances[0].start_s == 0.5 and t.utterances[0].end_s == 2.4
    call = build_call(CallMeta("c", None, "zh", company="艾克美"), t)
    r = check_greeting(call, GreetingParams())
    assert r.values.greeting and r.values.company


def test_amazon_speaker_labels():
    t = load_transcript(FIX / "amazon_speakers.json")
    assert t.language == "en" and t.provenance.format == "amazon"
    assert [(u.speaker, u.role) for u in t.utterances] == [("spk_0", "agent"), ("spk_1", "customer")]
    assert t.utterances[0].text == "Hello, thanks for calling Acme."
    assert t.utterances[0].words[0].text == "Hello," and t.utterances[0].words[-1].probability == 0.61
    assert t.utterances[1].start_s == 3.0 and t.utterances[1].end_s == 4.5


def test_amazon_channels_with_agent_channel():
    t = load_transcript(FIX / "amazon_channels_ru.json", agent_channel=1)
    assert t.language == "ru"
    assert [(u.channel, u.role) for u in t.utterances] == [(0, "customer"), (1, "agent")]
    t = load_transcript(FIX / "amazon_channels_ru.json")
    assert [u.role for u in t.utterances] == ["agent", "customer"]
    assert t.utterances[0].text == "Здравствуйте, компания Ромашка."


def test_azure_fast_transcription_sample():
    t = load_transcript(DATA / "external" / "azure-speech-sdk" / "transcription_response.json")
    assert t.provenance.format == "azure" and t.language == "en" and t.duration_s == 120.0
    assert len(t.utterances) == 33
    u = t.utterances[0]
    assert u.text == "I think we got disconnected." and u.start_s == 0.24 and u.end_s == 1.44
    assert [w.text for w in u.words][-1] == "disconnected." and u.words[-1].start_s == 0.72
    # no speaker or channel labels in this sample: roles stay unknown
    assert {u.role for u in t.utterances} == {"unknown"}


def test_azure_with_speakers_and_ms_keys():
    data = {"phrases": [
        {"offsetMilliseconds": 100, "durationMilliseconds": 900, "text": "Hello.", "speaker": 1, "locale": "ru-RU",
         "words": [{"text": "Hello.", "offsetMilliseconds": 100, "durationMilliseconds": 900}]},
        {"offsetMilliseconds": 1500, "durationMilliseconds": 500, "text": "Hi.", "speaker": 2},
    ]}  # fmt: skip
    t = parse_transcript(data)
    assert t.language == "ru" and [u.role for u in t.utterances] == ["agent", "customer"]
    assert t.utterances[1].start_s == 1.5 and t.utterances[1].end_s == 2.0


def test_bad_input_names_the_problem(tmp_path):
    p = tmp_path / "x.json"
    p.write_text('{"something": 1}')
    with pytest.raises(TranscriptError, match="x.json: not a known transcript format"):
        load_transcript(p)
    with pytest.raises(TranscriptError, match=r"utterances\[0\].start_s"):
        parse_transcript({"utterances": [{"speaker": "a", "start_s": "soon", "end_s": 1, "text": "hi"}]})
    with pytest.raises(TranscriptError, match="role must be"):
        parse_transcript(
            {"utterances": [{"speaker": "a", "role": "boss", "start_s": 0, "end_s": 1, "text": "hi"}]}
        )


def test_manifest_meta_gives_language_layout_and_duration():
    from callqa.types import CallMeta

    meta = CallMeta("c", None, language="ru", channel_layout="stereo_agent_right")
    t = load_transcript(FIX / "amazon_channels_ru.json", meta=meta, duration_s=12.5)
    assert t.duration_s == 12.5
    assert [(u.channel, u.role) for u in t.utterances] == [(0, "customer"), (1, "agent")]
    no_lang = parse_transcript({"utterances": [{"speaker": "a", "start_s": 0, "end_s": 1, "text": "да"}]},
                               fallback_language="ru")  # fmt: skip
    assert no_lang.language == "ru"
