"""Unit tests of the eval metrics (no models)."""

from __future__ import annotations

import json

import pytest

from callqa.eval.metrics import Counts, cer, der, match_spans, role_accuracy, wer, within
from callqa.eval.truth import TruthError, load_truth


def test_match_spans_within_tolerance_one_to_one():
    truth = [(10.0, 30.0), (50.0, 70.0)]
    found = [(10.8, 29.5), (49.0, 75.0), (10.2, 30.1)]
    assert match_spans(truth, found, 1.0) == [(0, 2)]  # the closer of two candidates; 75.0 is 5 s off
    assert match_spans(truth, found, 5.0) == [(0, 2), (1, 1)]
    assert match_spans([], found, 1.0) == []


def test_counts_precision_recall():
    c = Counts()
    for truth, pred in [(True, True), (True, False), (False, True), (False, False), (True, True)]:
        c.add(truth, pred)
    assert (c.tp, c.fp, c.fn, c.tn) == (2, 1, 1, 1)
    assert c.precision == pytest.approx(2 / 3) and c.recall == pytest.approx(2 / 3) and c.accuracy == 0.6
    assert Counts().precision is None


def test_within_tolerances():
    assert within(10.4, 10.0, abs_tol=0.5) and not within(10.6, 10.0, abs_tol=0.5)
    assert within(1.14, 1.0, rel_tol=0.15) and not within(0.8, 1.0, rel_tol=0.15)
    assert not within(None, 1.0, abs_tol=1.0)
    assert within(3, 3) and not within(2, 3)


def test_der_perfect_swapped_and_wrong():
    ref = [("a", 0.0, 5.0), ("b", 5.0, 10.0)]
    assert der(ref, [("x", 0.0, 5.0), ("y", 5.0, 10.0)])["der"] == pytest.approx(0.0)  # labels need not agree
    d = der(ref, [("x", 0.0, 10.0)])  # one speaker for all: half the speech confused
    assert d["der"] == pytest.approx(0.5) and d["confusion"] == pytest.approx(0.5)
    d = der(ref, [("x", 0.0, 5.0)])
    assert d["miss"] == pytest.approx(0.5)


def test_role_accuracy_counts_single_speaker_time():
    ref = [("agent", 0.0, 10.0), ("customer", 10.0, 20.0)]
    assert role_accuracy(ref, ref) == pytest.approx(1.0)
    swapped = [("customer", 0.0, 10.0), ("agent", 10.0, 20.0)]
    assert role_accuracy(ref, swapped) == pytest.approx(0.0)
    half = [("agent", 0.0, 15.0), ("customer", 15.0, 20.0)]
    assert role_accuracy(ref, half) == pytest.approx(0.75)
    assert role_accuracy(ref, []) is None


def test_wer_and_cer():
    assert wer("A gold ring, will please!", "a gold ring will please", "en") == 0.0
    assert wer("one two three four", "one too three", "en") == pytest.approx(0.5)
    assert wer("广州市房地产", "广州市房地", "zh") == pytest.approx(1 / 6)  # characters for Mandarin
    assert wer("ещё", "еще", "ru") == 0.0
    assert cer("abc def", "abcdef", "en") == 0.0
    assert wer("", "", "en") == 0.0 and wer("", "x", "en") == 1.0


def test_truth_file_errors_name_the_file(tmp_path):
    p = tmp_path / "x.truth.json"
    p.write_text("{not json")
    with pytest.raises(TruthError, match="x.truth.json"):
        load_truth(p)
    p.write_text(json.dumps({"call_id": "x", "bogus": 1}))
    with pytest.raises(TruthError, match="unknown keys"):
        load_truth(p)
    p.write_text(json.dumps({"call_id": "x"}))
    with pytest.raises(TruthError, match="missing keys"):
        load_truth(p)
