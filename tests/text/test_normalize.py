"""Normalization, tokens with boundaries, syllables, transliteration."""

from callqa.text import (
    count_syllables,
    latin_key,
    latin_to_ru,
    normalize_text,
    phonetic_key,
    ru_to_latin,
    to_simplified,
    tokenize_text,
    tokens_of_utterance,
)
from callqa.types import Utterance, Word


def test_traditional_to_simplified():
    assert to_simplified("感謝您的來電，有什麼可以幫您") == "感谢您的来电，有什么可以帮您"
    assert to_simplified("hello") == "hello"


def test_normalize_per_language():
    assert normalize_text("Hello, I'd LIKE — this!", language="en") == "hello i'd like this"
    assert normalize_text("Ёлки-палки, Алло!", language="ru") == "елкипалки алло"
    assert normalize_text("э-э, ну", language="ru") == "ээ ну"
    assert normalize_text("您好，歡迎致電！", language="zh") == "您好 欢迎致电"


def test_tokenize_zh_by_characters_keeps_latin_runs():
    assert tokenize_text("歡迎致電Acme公司", language="zh") == ["欢", "迎", "致", "电", "acme", "公", "司"]
    assert tokenize_text("Thank you, ACME!", language="en") == ["thank", "you", "acme"]


def _utt(words, role="agent"):
    ws = tuple(Word(t, s, e) for t, s, e in words)
    return Utterance("A", role, ws[0].start_s, ws[-1].end_s, " ".join(w.text for w in ws), ws)


def test_token_boundaries_from_punctuation_and_pauses():
    utt = _utt(
        [("So,", 0.0, 0.2), ("like", 0.25, 0.4), ("we", 0.45, 0.55), ("go", 1.2, 1.4), ("home.", 1.45, 1.8)]
    )
    toks = tokens_of_utterance(utt, language="en", pause_s=0.3)
    assert [t.text for t in toks] == ["so", "like", "we", "go", "home"]
    like, we, go = toks[1], toks[2], toks[3]
    assert like.boundary_before and not like.boundary_after  # comma before, 50 ms gap after
    assert we.boundary_after and go.boundary_before  # 0.65 s pause between "we" and "go"
    assert toks[0].at_start and toks[-1].at_end


def test_zh_word_split_into_characters_with_times():
    utt = _utt([("那個，", 1.0, 1.4), ("我想", 1.5, 1.9)])
    toks = tokens_of_utterance(utt, language="zh")
    assert [t.text for t in toks] == ["那", "个", "我", "想"]
    assert abs(toks[1].start_s - 1.2) < 1e-9 and toks[1].boundary_after and not toks[0].boundary_after


def test_untimed_utterance_gets_spread_times():
    utt = Utterance("A", "agent", 10.0, 12.0, "one two three four")
    toks = tokens_of_utterance(utt, language="en")
    assert toks[0].start_s == 10.0 and abs(toks[-1].end_s - 12.0) < 1e-9
    assert toks[1].start_s < toks[2].start_s


def test_syllables():
    assert count_syllables("hello there", language="en") == 3
    assert count_syllables("name", language="en") == 1
    assert count_syllables("wanted", language="en") == 2
    assert count_syllables("здравствуйте", language="ru") == 3
    assert count_syllables("до свидания", language="ru") == 5
    assert count_syllables("您好 谢谢", language="zh") == 4


def test_transliteration():
    assert ru_to_latin("Светлана Щукина") == "Svetlana Shchukina"
    assert latin_to_ru("Svetlana") == "светлана"
    assert latin_key("Акме Банк") == "akmebank"
    assert latin_key("艾克美") == latin_key("爱克美") == "aikemei"
    assert latin_key("张") == latin_key("赞") == "zan"  # zh/z and -ng/-n merged
    assert phonetic_key("acme") == phonetic_key("akmi") == "akm"
