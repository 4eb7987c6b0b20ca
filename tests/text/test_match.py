"""Fuzzy phrase and name matching, including ASR near-misses."""

from callqa.text import find_name, find_phrases, tokens_of_utterance
from callqa.types import Utterance


def toks(text, language="en"):
    return [tokens_of_utterance(Utterance("A", "agent", 0.0, 10.0, text), language=language)]


def test_exact_and_fuzzy_phrase():
    m = find_phrases(toks("yes so how can i halp you today"), ["how can i help you"], language="en")
    assert len(m) == 1 and m[0].text == "how can i halp you" and 0.8 <= m[0].similarity < 1.0


def test_short_phrase_must_be_exact():
    assert find_phrases(toks("this is his account"), ["hi"], language="en") == []
    assert len(find_phrases(toks("hi there"), ["hi"], language="en")) == 1


def test_far_phrase_not_matched():
    assert find_phrases(toks("good evening madam"), ["good morning"], language="en") == []


def test_longer_phrase_preferred_over_its_prefix():
    m = find_phrases(
        toks("thank you for calling acme"), ["thank you", "thank you for calling"], language="en"
    )
    assert [x.phrase for x in m] == ["thank you for calling"]


def test_zh_homophone_through_pinyin():
    # 宁 (ning) heard for 您 (nin): character similarity 6/7 plus pinyin
    m = find_phrases(toks("请问有什么可以帮宁", "zh"), ["有什么可以帮您"], language="zh", min_similarity=0.9)
    assert len(m) == 1 and m[0].text == "有什么可以帮宁"


def test_ru_inflection_tolerated():
    m = find_phrases(
        toks("итак подведем итоги", "ru"), ["итак подведу итог"], language="ru", min_similarity=0.75
    )
    assert len(m) == 1


def test_company_mangled_by_asr():
    m = find_name(toks("thank you for calling at me my name is john"), "Acme", language="en")
    assert [x.text for x in m] == ["at me"]


def test_unrelated_word_not_a_name():
    assert find_name(toks("we came back later"), "Acme", language="en") == []
    assert find_name(toks("this is hannah speaking"), "Anna", language="en") == []


def test_name_parts_and_transliteration():
    m = find_name(toks("меня зовут светлана", "ru"), "Svetlana Ivanova", language="ru")
    assert len(m) == 1 and m[0].text == "светлана"
    m = find_name(toks("this is svetlana", "en"), "Светлана", language="en")
    assert len(m) == 1


def test_zh_name_by_pinyin():
    m = find_name(toks("欢迎致电爱克美公司", "zh"), "艾克美", language="zh")
    assert len(m) == 1 and m[0].text == "爱克美"
    assert find_name(toks("欢迎致电中国银行", "zh"), "艾克美", language="zh") == []


def test_zh_given_name_of_three_character_name():
    m = find_name(toks("我是小丽，有什么可以帮您", "zh"), "王小丽", language="zh")
    assert [x.text for x in m] == ["小丽"]


def test_zh_short_phrase_exact_or_homophone_only():
    # 知不知道 contains 不知道 but not 我不知道; a 1-character miss on a 4-character phrase is not enough
    assert find_phrases(toks("您知不知道密码", "zh"), ["我不知道"], language="zh", min_fuzzy_chars=5) == []
    m = find_phrases(toks("欢迎致店", "zh"), ["欢迎致电"], language="zh", min_fuzzy_chars=5)
    assert len(m) == 1 and m[0].similarity == 0.95


def test_one_wrong_content_word_is_not_a_match():
    # character similarity is 0.83, but "holding" is not a misheard "calling"
    assert find_phrases(toks("thank you for holding"), ["thank you for calling"], language="en") == []
    assert len(find_phrases(toks("thank you for colling"), ["thank you for calling"], language="en")) == 1
