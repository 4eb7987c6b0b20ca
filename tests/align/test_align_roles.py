"""Words onto speaker turns, utterances, and agent/customer roles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from foundation_fakes import FakeDiarizer, FakeTranscriber, build_signal, write_wav

from callqa.align.roles import assign_roles, roles_from_layout
from callqa.align.words import assign_words, group_utterances, speaker_of
from callqa.cli import main
from callqa.models.holder import Models
from callqa.types import SpeakerTurn, Utterance, Word

A, B = "SPEAKER_00", "SPEAKER_01"


def T(spk: str, a: float, b: float) -> SpeakerTurn:
    return SpeakerTurn(spk, a, b)


# words onto turns ---------------------------------------------------------------------------------
def test_word_goes_to_the_turn_it_overlaps_most() -> None:
    turns = [T(A, 0.0, 1.3), T(B, 1.2, 3.0)]
    assert speaker_of(Word("x", 1.0, 2.0), turns) == B  # 0.3 s with A, 0.8 s with B
    assert speaker_of(Word("x", 0.5, 1.25), turns) == A  # 0.75 s with A, 0.05 s with B
    assert speaker_of(Word("x", 0.2, 0.6), [T(A, 0.0, 5.0), T(B, 0.5, 0.7)]) == A  # 0.4 vs 0.1


def test_word_in_a_gap_goes_to_the_nearest_turn() -> None:
    turns = [T(A, 0.0, 1.0), T(B, 3.0, 4.0)]
    assert speaker_of(Word("x", 1.2, 1.4), turns) == A  # mid 1.3: 0.3 s after A, 1.7 s before B
    assert speaker_of(Word("x", 2.6, 2.8), turns) == B  # mid 2.7: 1.7 s after A, 0.3 s before B
    assert speaker_of(Word("x", 9.0, 9.5), turns) == B  # after every turn
    assert speaker_of(Word("x", -0.0, 0.0), [T(B, 0.5, 1.0), T(A, 2.0, 3.0)]) == B  # before every turn
    assert speaker_of(Word("x", 1.0, 1.5), []) is None


def test_zero_length_word_inside_a_long_turn_stays_with_that_turn() -> None:
    # Whisper emits words with start == end; such a word has no overlap with anything
    turns = [T(A, 0.0, 20.0), T(B, 12.5, 13.0)]
    assert speaker_of(Word("x", 11.0, 11.0), turns) == A  # inside A, 1.5 s from B


def test_assign_words_sorts_turns_and_labels_every_word() -> None:
    turns = [T(B, 2.0, 4.0), T(A, 0.0, 2.0)]  # not sorted
    words = [Word("a", 0.1, 0.5), Word("b", 2.1, 2.5), Word("c", 5.0, 5.2)]
    assert [s for s, _ in assign_words(words, turns)] == [A, B, B]
    assert [s for s, _ in assign_words(words, [])] == ["unknown"] * 3


def test_utterances_split_on_speaker_change_and_long_pause() -> None:
    labelled = [
        (A, Word("good", 0.0, 0.3)),
        (A, Word("morning", 0.3, 0.8)),
        (B, Word("hi", 1.0, 1.2)),
        (B, Word("there", 2.6, 3.0)),  # 1.4 s after "hi": under max_gap_s, same utterance
        (B, Word("again", 4.6, 5.0)),  # 1.6 s pause: new utterance
        (A, Word("ok", 5.1, 5.3)),
    ]
    utts = group_utterances(labelled, language="en", roles={A: "agent", B: "customer"})
    assert [(u.speaker, u.role, u.start_s, u.end_s, u.text) for u in utts] == [
        (A, "agent", 0.0, 0.8, "good morning"),
        (B, "customer", 1.0, 3.0, "hi there"),
        (B, "customer", 4.6, 5.0, "again"),
        (A, "agent", 5.1, 5.3, "ok"),
    ]
    assert [w.text for w in utts[1].words] == ["hi", "there"]
    assert group_utterances([], language="en") == []


def test_chinese_words_join_without_spaces() -> None:
    labelled = [(A, Word("您好", 0.0, 0.4)), (A, Word("欢迎", 0.4, 0.8)), (A, Word("致电", 0.8, 1.2))]
    (u,) = group_utterances(labelled, language="zh")
    assert u.text == "您好欢迎致电" and u.role == "unknown"


# roles -------------------------------------------------------------------------------------------
def test_stereo_layouts() -> None:
    assert roles_from_layout("stereo_agent_left").roles == {"ch0": "agent", "ch1": "customer"}
    assert roles_from_layout("stereo_agent_right").roles == {"ch0": "customer", "ch1": "agent"}
    with pytest.raises(ValueError):
        roles_from_layout("mono")


def U(spk: str, a: float, b: float, text: str) -> Utterance:
    return Utterance(spk, "unknown", a, b, text)


def test_mono_first_speaker_is_agent_when_nothing_else_is_known() -> None:
    utts = [U(B, 0.5, 2.0, "okay"), U(A, 2.5, 4.0, "right")]
    turns = [T(B, 0.5, 2.0), T(A, 2.5, 4.0)]
    d = assign_roles(utts, turns, language="en")
    assert d.roles == {A: "customer", B: "agent"}
    assert d.method == "opening"


def test_first_speaker_ignores_blips_and_speech_before_answer() -> None:
    utts = [U(B, 0.0, 0.2, "mm"), U(A, 1.0, 3.0, "okay"), U(B, 4.0, 6.0, "right")]
    turns = [T(B, 0.0, 0.2), T(A, 1.0, 3.0), T(B, 4.0, 6.0)]
    assert assign_roles(utts, turns, language="en").roles[A] == "agent"  # a 0.2 s blip is not "first"
    utts = [U(B, 0.0, 2.0, "okay"), U(A, 3.5, 5.0, "right")]
    turns = [T(B, 0.0, 2.0), T(A, 3.5, 5.0)]
    assert (
        assign_roles(utts, turns, language="en", answer_s=3.0).roles[A] == "agent"
    )  # B was before answer (IVR)


def test_agent_opening_overturns_a_customer_who_speaks_first() -> None:
    utts = [
        U(A, 0.5, 2.0, "hello? I'm calling about my order"),
        U(B, 2.5, 6.0, "Thank you for calling Acme, my name is Sarah"),
    ]
    turns = [T(A, 0.5, 2.0), T(B, 2.5, 6.0)]
    d = assign_roles(utts, turns, language="en")
    assert d.roles == {A: "customer", B: "agent"}
    # A: +1 first, -2 customer openers ("i'm calling about", "my order"), -2 own-matter phrases said
    # ("i'm calling", "my order"); B: +2 openers
    assert d.scores == {A: -3.0, B: 2.0}


def test_a_window_that_starts_mid_conversation_gets_roles_from_the_whole_call() -> None:
    """No opener anywhere (the recording starts inside the call): the service language decides, not who
    happened to speak first after the cut (eval real-04, aws-lca call 49 at 75 s: roles were swapped)."""
    utts = [
        U(A, 0.5, 6.0, "I'm already home, but I drive by you all on my way to and from work."),
        U(B, 6.5, 14.0, "Let's see if we can make this as easy as possible for you. What's your last name?"),
        U(A, 14.5, 16.0, "It's Tilly."),
        U(B, 16.5, 22.0, "Okay, give me just one second, I see in our system you've been in twice."),
    ]
    turns = [T(u.speaker, u.start_s, u.end_s) for u in utts]
    d = assign_roles(utts, turns, language="en")
    assert d.roles == {A: "customer", B: "agent"}, d.scores
    assert any("service" in e for e in d.evidence)


def test_agent_name_and_company_boost() -> None:
    utts = [U(A, 0.5, 2.0, "hi"), U(B, 2.5, 6.0, "Acme, Sarah here")]
    turns = [T(A, 0.5, 2.0), T(B, 2.5, 6.0)]
    assert assign_roles(utts, turns, language="en").roles[A] == "agent"  # no names known: first speaker wins
    d = assign_roles(utts, turns, language="en", agent_name="Sarah", company="Acme")
    assert d.roles == {A: "customer", B: "agent"}
    assert d.scores[B] == 2.0


def test_configured_extra_agent_phrase() -> None:
    utts = [U(A, 0.5, 2.0, "yes"), U(B, 2.5, 6.0, "zebra desk at your service"), U(B, 6.5, 7.0, "zebra desk")]
    turns = [T(A, 0.5, 2.0), T(B, 2.5, 7.0)]
    assert assign_roles(utts, turns, language="en").roles[A] == "agent"
    d = assign_roles(
        utts, turns, language="en", extra_agent_phrases={"en": ["zebra desk", "at your service"]}
    )
    assert d.roles[B] == "agent"


def test_chinese_and_russian_openers() -> None:
    turns = [T(A, 0.5, 2.0), T(B, 2.5, 6.0)]
    zh = [U(A, 0.5, 2.0, "我想问一下我的订单"), U(B, 2.5, 6.0, "您好，感谢您的来电，有什么可以帮您")]
    assert assign_roles(zh, turns, language="zh").roles[B] == "agent"
    ru = [
        U(A, 0.5, 2.0, "алло, я звоню по поводу заказа"),
        U(B, 2.5, 6.0, "здравствуйте, меня зовут Анна, чем могу помочь"),
    ]
    assert assign_roles(ru, turns, language="ru").roles[B] == "agent"


def test_roles_through_the_pipeline_mono(tmp_path: Path, monkeypatch) -> None:
    """Customer speaks first; the other speaker's opening makes them the agent, in the stored result."""
    write_wav(tmp_path / "m.wav", build_signal(8.0, [(0.5, 2.0), (2.5, 6.0), (6.5, 7.5)]))
    words = [
        Word("i'm", 0.6, 0.8),
        Word("calling", 0.8, 1.2),
        Word("about", 1.2, 1.5),
        Word("my", 1.5, 1.7),
        Word("order", 1.7, 1.9),
        Word("thank", 2.6, 2.9),
        Word("you", 2.9, 3.0),
        Word("for", 3.0, 3.2),
        Word("calling", 3.2, 3.6),
        Word("acme", 3.7, 4.2),
        Word("sure", 6.6, 7.0),
    ]
    turns = [T(B, 0.5, 2.0), T(A, 2.5, 6.0), T(B, 6.5, 7.5)]
    asr, dia = FakeTranscriber(words), FakeDiarizer(turns)
    monkeypatch.setattr(Models, "asr", lambda self: asr)
    monkeypatch.setattr(Models, "diarization", lambda self: dia)
    assert main(["score", str(tmp_path / "m.wav"), "--out", str(tmp_path / "out")]) == 0
    data = json.loads((tmp_path / "out" / "calls" / "m.json").read_text())
    assert [(u["role"], u["text"]) for u in data["utterances"]] == [
        ("customer", "i'm calling about my order"),
        ("agent", "thank you for calling acme"),
        ("customer", "sure"),
    ]
    assert {t["speaker"]: t["role"] for t in data["turns"]} == {A: "agent", B: "customer"}
    assert data["timing"]["talk_s"] == {"agent": 3.5, "customer": 2.5}
