"""The shipped scorers per language on call-center lines (the packages' lexicons and models, offline)."""

import pytest

from callqa.sentiment import label_of, load_scorer

CASES = {
    "en": [
        ("Thank you so much, that fixed it.", "positive"),
        ("I'm not happy with this at all.", "negative"),  # negated praise
        ("That's not bad at all.", "positive"),  # negated complaint
        ("No, thank you, I don't need that.", "neutral"),  # polite refusal, not praise
        ("No problem.", "neutral"),
        ("Oh great, you charged me twice again.", "negative"),  # sarcasm: praise beside a complaint cue
        ("the app doesn't work it keeps crashing", "negative"),  # ASR style
        ("Can you tell me when the technician is coming?", "neutral"),
    ],
    "zh": [
        ("太好了，谢谢您，问题解决了。", "positive"),
        ("我不满意这个处理结果。", "negative"),
        ("不错，网速快多了。", "positive"),  # 不错 is praise, not a negation
        ("不用了，谢谢，我暂时不需要。", "neutral"),  # polite refusal
        ("没问题。", "neutral"),
        ("呵呵，你们效率可真高。", "negative"),  # sarcasm
        ("我要投诉你们乱扣费", "negative"),
        ("我想查一下上个月的话费。", "neutral"),
    ],
    "ru": [
        ("Спасибо большое, вы мне очень помогли.", "positive"),
        ("Я не доволен вашим обслуживанием.", "negative"),  # не + доволен
        ("Неплохо, всё работает.", "positive"),
        ("Нет, спасибо, мне это не нужно.", "neutral"),  # polite refusal
        ("Нет проблем.", "neutral"),
        ("Отличный сервис, ничего не скажешь.", "negative"),  # sarcasm
        ("ваше приложение вообще не работает", "negative"),  # ASR style
        ("Когда приедет мастер?", "neutral"),
    ],
}


@pytest.mark.parametrize("language", ["en", "zh", "ru"])
def test_scorer_labels_call_center_lines(language):
    scorer = load_scorer(language)
    assert scorer.language == language
    for text, want in CASES[language]:
        s = scorer.score(text)
        assert -5.0 <= s.score <= 5.0
        assert label_of(s.score) == want, (text, s)


def test_traditional_chinese_is_scored_like_simplified():
    scorer = load_scorer("zh")
    assert scorer.score("我很滿意，謝謝").score == scorer.score("我很满意，谢谢").score > 1.0


def test_russian_inflections_match_through_stems():
    scorer = load_scorer("ru")
    assert label_of(scorer.score("Мы очень довольны, спасибо").score) == "positive"
    assert label_of(scorer.score("меня это совершенно не устраивало").score) == "negative"


def test_unknown_language_is_a_clear_error():
    with pytest.raises(KeyError, match="no sentiment scorer for language 'de'"):
        load_scorer("de")
