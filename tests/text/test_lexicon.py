"""Phrase books load strictly; filler context rules per language."""

import pytest

from callqa.text.lexicon import LexiconError, find_fillers, load_phrasebook, parse_phrasebook
from callqa.text.tokens import tokens_of_utterance
from callqa.types import Utterance, Word


def timed(text, *, start_s=0.0, word_s=0.3, gap_s=0.05, pauses=()):
    """Words of `text`, each `word_s` long; an extra 0.6 s gap before the word indexes in `pauses`."""
    words, t = [], start_s
    for i, w in enumerate(text.split()):
        if i in pauses:
            t += 0.6
        words.append(Word(w, t, t + word_s))
        t += word_s + gap_s
    return Utterance("A", "agent", words[0].start_s, words[-1].end_s, text, tuple(words))


def fillers(text, language, **kw):
    book = load_phrasebook(language)
    return [h.word for h in find_fillers(tokens_of_utterance(timed(text, **kw), language=language), book)]


@pytest.mark.parametrize("language", ["en", "zh", "ru"])
def test_phrase_books_have_every_list(language):
    book = load_phrasebook(language)
    for name in (
        "greeting",
        "help_offer",
        "summary",
        "thanks",
        "farewell",
        "hold_request",
        "hold_thanks",
        "negative",
    ):
        assert book.get(name), name


def test_unknown_keys_are_errors():
    with pytest.raises(LexiconError, match="phrases.gretings"):
        parse_phrasebook({"phrases": {"gretings": ["hi"]}}, language="en")
    with pytest.raises(LexiconError, match="fillers.contextual.like.boundry"):
        parse_phrasebook({"fillers": {"contextual": {"like": {"boundry": "after"}}}}, language="en")


def test_en_lexical_fillers():
    assert fillers("um I think uh it is ummm fine", "en") == ["um", "uh", "ummm"]


def test_en_like_verb_is_not_a_filler():
    assert fillers("I'd like to change my plan", "en") == []
    assert fillers("I like it, thanks", "en") == []
    assert fillers("it looks like, a problem", "en") == []


def test_en_like_as_filler():
    assert fillers("it was, like, really slow", "en") == ["like"]
    assert fillers("it was like really slow", "en", pauses=(3,)) == ["like"]  # pause after "like"
    assert fillers("Like, what happened?", "en") == ["like"]


def test_en_you_know():
    assert fillers("it's, you know, broken", "en") == ["you know"]
    assert fillers("do you know, the number", "en") == []
    assert fillers("you know him well", "en") == []


def test_zh_nage_determiner_vs_filler():
    assert fillers("那个，我想问一下", "zh") == ["那个"]
    assert fillers("那个人是谁", "zh") == []
    assert fillers("我要那个", "zh") == []  # "that one" at the end is a pronoun
    assert fillers("嗯 就是， 网络很慢", "zh") == ["嗯", "就是"]
    assert fillers("这就是我的问题", "zh") == []


def test_zh_e_in_amount_is_a_word():
    assert fillers("额， 我查一下", "zh") == ["额"]
    assert fillers("您的余额，是五十", "zh") == []


def test_ru_fillers():
    assert fillers("Ну, давайте посмотрим", "ru") == ["ну"]
    assert fillers("да ну что вы", "ru") == []
    assert fillers("я как бы уже оплатил э-э", "ru") == ["как бы", "ээ"]
    assert fillers("как бы вы хотели оплатить", "ru") == []
    assert fillers("это самое главное", "ru") == []
    assert fillers("он, это самое, ушел", "ru") == ["это самое"]
