"""Patterns: wildcards, [num], alternatives, NEAR / NOT NEAR, per language (zh characters, ru inflection)."""

from __future__ import annotations

import pytest

from callqa.rules.pattern import PatternError, compile_exact, compile_pattern, find_pattern, tokenize_words


def found(pattern: str, text: str, language: str = "en") -> list[str]:
    p = compile_pattern(pattern, language=language)
    return [m.text for m in find_pattern([tokenize_words(text, language=language)], p, language=language)]


def test_prefix_wildcard_matches_word_forms_only_at_the_start_of_a_word():
    assert found("refund*", "Refunds were refunded, no refund") == ["refunds", "refunded", "refund"]
    assert found("refund*", "a re fund or prerefund") == []


def test_lone_star_is_exactly_one_word():
    assert found("this * is recorded", "This call is recorded.") == ["this call is recorded"]
    assert found("this * is recorded", "This is recorded.") == []
    assert found("this * is recorded", "This phone call is recorded.") == []


@pytest.mark.parametrize(
    "text, language, pattern, expected",
    [
        ("within 30 days", "en", "within [num] days", ["within 30 days"]),
        ("within thirty days", "en", "within [num] days", ["within thirty days"]),
        ("within twenty-five days", "en", "within [num] days", ["within twentyfive days"]),
        ("within twenty five days", "en", "within [num] days", ["within twenty five days"]),
        ("within many days", "en", "within [num] days", []),
        ("в течение тридцати дней", "ru", "в течение [num] дн*", ["в течение тридцати дней"]),
        ("в течение 5 дней", "ru", "в течение [num] дн*", ["в течение 5 дней"]),
        ("в течение семьи дней", "ru", "в течение [num] дн*", []),
        ("三十天内到账", "zh", "[num]天内", ["三十天内"]),
        ("58天内", "zh", "[num]天内", ["58天内"]),
    ],
)
def test_number_placeholder_digits_and_number_words(text, language, pattern, expected):
    assert found(pattern, text, language) == expected


def test_alternatives_may_be_several_words():
    p = "[speak|talk] to [a|the|your] [manager|supervisor]"
    assert found(p, "I want to talk to your supervisor now") == ["talk to your supervisor"]
    assert found("[credit card|debit card] number", "my debit card number is") == ["debit card number"]
    assert found(p, "talk to my friend") == []


def test_near_either_order_within_n_words():
    assert found("refund NEAR/2 policy", "the refund policy") == ["refund policy"]
    assert found("refund NEAR/2 policy", "our policy on a refund") == ["policy on a refund"]
    assert found("refund NEAR/2 policy", "refund is not in our policy") == []  # 4 words apart
    assert found("refund NEAR/4 policy", "refund is not in our policy") == ["refund is not in our policy"]


def test_not_near_keeps_the_word_without_the_other_close_by():
    assert found("credit* NOT NEAR/1 card*", "my credit card and some credit left") == ["credit"]
    assert found("credit* NOT NEAR/1 card*", "credit cards only") == []


def test_near_counts_characters_in_zh_without_spaces():
    assert found("本次通话 NEAR/4 录音", "本次通话可能会被录音", "zh") == ["本次通话可能会被录音"]
    assert found("本次通话 NEAR/3 录音", "本次通话可能会被录音", "zh") == []
    assert found("本次*话", "本次通话", "zh") == ["本次通话"]  # a * glued to characters: one character
    assert found("[取消|退订]套餐", "我要退订套餐", "zh") == ["退订套餐"]


def test_zh_traditional_and_simplified_match_each_other():
    assert found("本次通话", "本次通話將被錄音", "zh") == ["本次通话"]


def test_ru_inflection_through_stems_and_yo():
    assert found("разговор* записыва*", "Наши разговоры записываются", "ru") == ["разговоры записываются"]
    assert found("записыва*", "мы записываем, звонок записывался", "ru") == ["записываем", "записывался"]
    assert found("всё", "ВСЁ хорошо", "ru") == ["все"]  # ё and е are one letter for matching
    exact = compile_exact("разговор записывается", language="ru")
    assert find_pattern([tokenize_words("разговоры записываются", language="ru")], exact, language="ru") == []


def test_a_match_never_crosses_utterances():
    p = compile_pattern("call NEAR/1 recorded", language="en")
    utts = [tokenize_words("this call"), tokenize_words("recorded now", start_s=10)]
    assert find_pattern(utts, p, language="en") == []


def test_matches_carry_times_of_their_words():
    p = compile_pattern("may be recorded", language="en")
    (m,) = find_pattern([tokenize_words("this call may be recorded", start_s=100)], p, language="en")
    assert (m.start_s, m.end_s) == (102.0, 105.0)


@pytest.mark.parametrize(
    "pattern, problem",
    [
        ("re*fund", "end of a word"),
        ("*refund", "end of a word"),
        ("[a|]", "alternatives"),
        ("[num", "unbalanced"),
        ("a NEAR/2 b NEAR/2 c", "one NEAR"),
        ("a|b", "only inside"),
        ("  ", "no words"),
    ],
)
def test_bad_patterns_say_what_is_wrong(pattern, problem):
    with pytest.raises(PatternError, match=problem):
        compile_pattern(pattern, language="en")


def test_exact_phrases_reject_pattern_syntax():
    with pytest.raises(PatternError, match="mode: pattern"):
        compile_exact("refund*", language="en")
