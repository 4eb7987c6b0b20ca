"""redact_transcript: utterance text and words rewritten, times and token counts kept, the score unchanged."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from pathlib import Path

import pytest
from pii_calls import SECRETS, transcript_doc, write_calls

from callqa.config import load_config
from callqa.ingest.transcript import parse_transcript
from callqa.pipeline import analyze_call
from callqa.redact import PLACEHOLDER_RE, RedactConfig, redact_transcript, redact_words
from callqa.store.codec import StoredResult, stored_result
from callqa.text.tokens import tokens_of_utterance
from callqa.types import CallMeta, CallTranscript, Utterance, Word

CFG = RedactConfig()


def _utt(words: list[Word], text: str | None = None) -> Utterance:
    text = text if text is not None else " ".join(w.text.strip() for w in words)
    return Utterance("spk_1", "customer", words[0].start_s if words else 0.0, words[-1].end_s if words else 5.0,
                     text, tuple(words))  # fmt: skip


def _transcript(lang: str, *utts: Utterance) -> CallTranscript:
    return CallTranscript(language=lang, duration_s=60.0, utterances=tuple(utts), source="imported")


def test_spoken_card_over_many_words_becomes_card_words_with_their_times() -> None:
    texts = [
        "My",
        "card",
        "is",
        "four",
        "five",
        "three",
        "two,",
        "zero",
        "one",
        "five",
        "one,",
        "1283",
        "0366.",
        "Thanks",
    ]
    words = [Word(t, 1.0 + 0.4 * i, 1.0 + 0.4 * i + 0.3, 0.9) for i, t in enumerate(texts)]
    out = redact_transcript(_transcript("en", _utt(words)), CFG).utterances[0]
    assert out.text == "My card is [CARD]. Thanks"
    assert [w.text for w in out.words] == ["My", "card", "is"] + ["[CARD]"] * 9 + ["[CARD].", "Thanks"]
    assert [(w.start_s, w.end_s) for w in out.words] == [(w.start_s, w.end_s) for w in words]
    assert out.start_s == words[0].start_s and out.end_s == words[-1].end_s


def test_zh_word_holding_text_and_digits_is_split_with_the_original_span() -> None:
    words = [
        Word("我的", 0.0, 0.4),
        Word("手机号是一三八", 0.4, 1.2),
        Word("一二三四", 1.2, 2.0),
        Word("五六七八。", 2.0, 3.0),
    ]
    utt = _utt(words, "我的手机号是一三八一二三四五六七八。")
    out = redact_transcript(_transcript("zh", utt), CFG).utterances[0]
    assert out.text == "我的手机号是[PHONE]。"
    texts = [w.text for w in out.words]
    assert texts[:2] == ["我的", "手机号是"] and set(texts[2:-1]) == {"[PHONE]"} and texts[-1] == "[PHONE]。"
    assert len(texts) == 2 + 11  # one placeholder per character: the character rate does not change
    assert out.words[1].start_s == 0.4 and out.words[-1].end_s == 3.0
    assert all(a.end_s == b.start_s for a, b in zip(out.words[1:], out.words[2:], strict=False))


@pytest.mark.parametrize("lang", ["en", "zh", "ru"])
@pytest.mark.parametrize("with_words", [True, False])
def test_secrets_gone_token_counts_and_times_kept(lang: str, with_words: bool) -> None:
    t = parse_transcript(transcript_doc(lang, with_words=with_words))
    red = redact_transcript(t, CFG)
    dump = " ".join(u.text + " " + " ".join(w.text for w in u.words) for u in red.utterances)
    for secret in SECRETS[lang]:
        assert secret not in dump
    for kind in ("[CARD]", "[PHONE]", "[EMAIL]"):
        assert kind in dump
    assert red.provenance.redaction.found == {"card": 1, "email": 1, "phone": 1}
    assert {m.group(1) for u in red.utterances for m in PLACEHOLDER_RE.finditer(u.text)} == {
        "CARD",
        "PHONE",
        "EMAIL",
    }
    for a, b in zip(t.utterances, red.utterances, strict=True):
        assert (a.start_s, a.end_s, a.role, a.speaker) == (b.start_s, b.end_s, b.role, b.speaker)
        before = tokens_of_utterance(a, language=lang)
        after = tokens_of_utterance(b, language=lang)
        assert len(before) == len(after)  # speaking rates count tokens
        if a.words:
            assert (a.words[0].start_s, a.words[-1].end_s) == (b.words[0].start_s, b.words[-1].end_s)


def test_idempotent_and_off_switch() -> None:
    t = parse_transcript(transcript_doc("en"))
    once = redact_transcript(t, CFG)
    assert redact_transcript(once, CFG) == once
    assert redact_transcript(t, RedactConfig(kinds=[])) is t


def test_redact_words_without_pii_returns_them_unchanged() -> None:
    words = (Word("see", 0.0, 0.2), Word("you", 0.2, 0.4), Word("at", 0.4, 0.5), Word("2:30", 0.5, 0.9))
    assert redact_words(words, language="en", config=CFG) == (words, [])


@pytest.mark.parametrize("lang", ["en", "zh", "ru"])
def test_score_and_check_values_do_not_change(tmp_path: Path, lang: str) -> None:
    write_calls(tmp_path)
    meta = CallMeta(call_id=f"pii_{lang}", audio_path=None, language=lang, agent_name="Anna", company="Acme",
                    transcript_path=str(tmp_path / f"pii_{lang}.json"))  # fmt: skip
    on = load_config()
    off = dataclasses.replace(on, redact=RedactConfig(kinds=[]))
    a, b = stored_result(analyze_call(meta, on)), stored_result(analyze_call(meta, off))
    assert a.score == b.score
    # every status and value is the same, except the informational syllable rate of the customer who said
    # the numbers (a placeholder word counts as one syllable; "seven" has two)
    syllables = ("customer_syllables_per_s", "agent_syllables_per_s", "syllable_ratio")

    def values(result: StoredResult) -> dict:
        return {name: (c.status, c.reason, {k: v for k, v in c.values.items() if k not in syllables})
                for name, c in result.checks.items()}  # fmt: skip

    assert values(a) == values(b)
    assert a.checks["speaking_rate"].status != "na"  # the rate check really ran on the redacted words


def _said(speaker: str, start_s: float, text: str, role: str = "customer") -> Utterance:
    words = tuple(Word(t, start_s + 0.3 * i, start_s + 0.3 * i + 0.25) for i, t in enumerate(text.split()))
    return Utterance(speaker, role, words[0].start_s, words[-1].end_s, text, words)  # type: ignore[arg-type]


@pytest.mark.parametrize("with_words", [True, False])
def test_number_read_with_pauses_over_two_utterances_is_found(with_words: bool) -> None:
    utts = [
        _said("spk_1", 10.0, "My card is 4532 0151."),
        _said("spk_0", 11.6, "Okay.", role="agent"),  # the agent's backchannel in between
        _said("spk_1", 12.5, "1283 0366."),
    ]
    if not with_words:
        utts = [replace(u, words=()) for u in utts]
    red = redact_transcript(_transcript("en", *utts), CFG).utterances
    assert red[0].text == "My card is [CARD]" if with_words else red[0].text.startswith("My card is [CARD]")
    assert red[1] == utts[1]
    assert "1283" not in red[2].text and "[CARD]" in red[2].text
    if with_words:
        assert [w.text for w in red[2].words] == ["[CARD]", "[CARD]."]


def test_far_apart_or_other_speakers_numbers_are_not_joined() -> None:
    far = [_said("spk_1", 10.0, "My card is 4532 0151."), _said("spk_1", 30.0, "1283 0366 is the ticket.")]
    assert redact_transcript(_transcript("en", *far), CFG).utterances == tuple(far)
    other = [_said("spk_1", 10.0, "My card is 4532 0151."), _said("spk_0", 12.0, "1283 0366.", role="agent")]
    assert redact_transcript(_transcript("en", *other), CFG).utterances == tuple(other)


def test_whisper_zh_subword_pieces_are_redacted_like_the_text() -> None:
    """Whisper splits Latin inside zh into sub-word pieces with no spaces: the words alone hide the e-mail."""
    pieces = ["邮箱", "是", "zh", "ang", "wei", "@", "qq", ".", "com", "，", "谢谢"]
    words = [Word(p, 0.2 * i, 0.2 * i + 0.2) for i, p in enumerate(pieces)]
    utt = _utt(words, "".join(pieces))
    out = redact_transcript(_transcript("zh", utt), CFG).utterances[0]
    assert out.text == "邮箱是[EMAIL]，谢谢"
    texts = [w.text for w in out.words]
    assert texts[:2] == ["邮箱", "是"] and texts[-2:] == ["，", "谢谢"]
    assert set(texts[2:-2]) == {"[EMAIL]"} and "".join(texts).count("qq") == 0
