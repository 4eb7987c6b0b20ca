"""The sentiment scale: raw valence sums (VADER's units) -> Contact Lens' −5..5 per utterance, and labels."""

from __future__ import annotations

import math
from typing import Literal

Label = Literal["positive", "neutral", "negative"]

MIN_SCORE = -5.0
MAX_SCORE = 5.0
# VADER's normalisation constant: a sum of valences s maps to s / sqrt(s² + ALPHA) in (−1, 1); one strong word
# (valence 3) gives ±0.61, i.e. ±3.1 on the −5..5 scale, two give ±0.84 (±4.2).
ALPHA = 15.0
# |score| below this is neutral. Chosen on the dev half of data/sentiment (benchmarks/measure_sentiment.py):
# 1.0 on the −5..5 scale: a single acknowledgement word (valence ≤ 0.75: "sure", "хорошо", 好的) stays neutral.
NEUTRAL_BAND = 1.0


def to_scale(valence_sum: float) -> float:
    """A sum of word valences (VADER's −4..4 units) on the −5..5 scale, rounded to 0.01.

    >>> to_scale(0.0), to_scale(3.0), to_scale(-100.0)
    (0.0, 3.06, -5.0)
    """
    compound = valence_sum / math.sqrt(valence_sum * valence_sum + ALPHA)
    return round(max(MIN_SCORE, min(MAX_SCORE, MAX_SCORE * compound)), 2)


def from_probability(p_positive: float) -> float:
    """A classifier's P(positive) as a valence comparable with one lexicon word: 2p−1 in −1..1."""
    return 2.0 * min(1.0, max(0.0, p_positive)) - 1.0


def label_of(score: float, *, neutral_band: float = NEUTRAL_BAND) -> Label:
    """positive / neutral / negative of a −5..5 score."""
    if score >= neutral_band:
        return "positive"
    if score <= -neutral_band:
        return "negative"
    return "neutral"
