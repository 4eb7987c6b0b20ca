"""The rule engine on a tiny hand-made lexicon: negation, intensifiers, clause scope, "but", complaint-dominates,
polite refusals, longest match, and the −5..5 scale."""

import pytest

from callqa.sentiment.rules import N_SCALAR, build_lexicon, combine, find_terms, tokenize
from callqa.sentiment.scale import label_of, to_scale

LEX = build_lexicon(
    "en",
    {"happy": 2.0, "no problem": 0.6, "charged twice": -2.5, "great": 3.0, "thanks": 1.9, "rather not": 0.0},
    negators=("not", "never"),
    boosters={"very": 1.3},
    contrast=("but",),
    refusals=("rather not",),
    thanks=("thanks",),
)


def total(text, lex=LEX):
    toks = tokenize(text, language=lex.language)
    return combine([(h.start, h.valence) for h in find_terms(toks, lex)], toks, lex)


def test_negation_flips_and_dampens_like_vader():
    (hit,) = find_terms(tokenize("I am not happy", language="en"), LEX)
    assert hit.negated and hit.valence == pytest.approx(2.0 * N_SCALAR)


def test_negation_does_not_cross_a_clause_or_leave_its_window():
    assert not find_terms(tokenize("Not really. Happy now", language="en"), LEX)[0].negated
    assert not find_terms(tokenize("not that it matters at all happy", language="en"), LEX)[0].negated


def test_intensifier_multiplies():
    (hit,) = find_terms(tokenize("very happy", language="en"), LEX)
    assert hit.valence == pytest.approx(2.6)


def test_a_phrase_consumes_its_negator():
    hits = find_terms(tokenize("No problem, happy to wait", language="en"), LEX)
    assert [h.term for h in hits] == ["no problem", "happy"] and not hits[1].negated


def test_but_weighs_the_second_clause():
    value, dominated = total("great but charged twice")
    assert value == pytest.approx(3.0 * 0.5 - 2.5 * 1.5) and not dominated


def test_complaint_dominates_praise_without_but():
    value, dominated = total("oh great, charged twice")
    assert dominated and value == pytest.approx(3.0 * 0.25 - 2.5)


def test_polite_refusal_neutralises_thanks():
    assert total("I'd rather not, thanks")[0] == 0.0
    assert total("thanks")[0] == pytest.approx(1.9)


def test_zh_characters_and_longest_match():
    lex = build_lexicon("zh", {"满意": 2.0, "不满意": -2.5}, negators=("不", "没"))
    toks = tokenize("我不满意", language="zh")
    assert [t.text for t in toks] == ["我", "不", "满", "意"]
    (hit,) = find_terms(toks, lex)
    assert hit.term == "不满意" and hit.valence == -2.5 and not hit.negated


def test_scale_and_labels():
    assert to_scale(0.0) == 0.0 and to_scale(1e9) == 5.0 and to_scale(-1e9) == -5.0
    assert to_scale(3.0) == pytest.approx(3.06, abs=0.01)
    assert [label_of(x) for x in (2.0, 0.5, -0.99, -1.0)] == ["positive", "neutral", "neutral", "negative"]


def test_empty_term_is_an_error():
    with pytest.raises(ValueError, match="empty term"):
        build_lexicon("en", {"!!": 1.0})
