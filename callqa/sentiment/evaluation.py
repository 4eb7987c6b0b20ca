"""Accuracy and macro-F1 of a sentiment scorer on the labelled utterances of data/sentiment (per split)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from callqa.sentiment.scale import NEUTRAL_BAND, label_of
from callqa.sentiment.scorers import SentimentScorer

LABELS = ("positive", "neutral", "negative")
SPLITS = ("dev", "heldout")


@dataclass(frozen=True)
class LabelledUtterance:
    id: str
    split: str  # dev | heldout
    label: str  # positive | neutral | negative
    tags: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Prediction:
    item: LabelledUtterance
    score: float
    label: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class SplitScore:
    n: int
    accuracy: float
    macro_f1: float
    f1: dict[str, float]


def load_labelled(path: str | Path) -> list[LabelledUtterance]:
    """Rows of a data/sentiment/<lang>.tsv; a bad row is an error naming the file and the line."""
    rows = []
    with open(path, encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh, delimiter="\t"), start=2):
            if row.get("split") not in SPLITS or row.get("label") not in LABELS or not row.get("text"):
                raise ValueError(f"{path}:{n}: need split in {SPLITS}, label in {LABELS} and a text: {row}")
            rows.append(LabelledUtterance(row["id"], row["split"], row["label"],
                                          tuple(t for t in row["tags"].split(",") if t), row["text"]))  # fmt: skip
    return rows


def predict(
    items: Iterable[LabelledUtterance], scorer: SentimentScorer, *, neutral_band: float = NEUTRAL_BAND
) -> list[Prediction]:
    out = []
    for it in items:
        s = scorer.score(it.text)
        out.append(Prediction(it, s.score, label_of(s.score, neutral_band=neutral_band), s.terms))
    return out


def score_predictions(preds: Sequence[Prediction]) -> SplitScore:
    """Accuracy and the unweighted mean of the three classes' F1 (a class never predicted nor present: 0)."""
    f1 = {}
    for c in LABELS:
        tp = sum(p.label == c and p.item.label == c for p in preds)
        fp = sum(p.label == c and p.item.label != c for p in preds)
        fn = sum(p.label != c and p.item.label == c for p in preds)
        f1[c] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    acc = sum(p.label == p.item.label for p in preds) / len(preds) if preds else 0.0
    return SplitScore(len(preds), acc, sum(f1.values()) / len(LABELS), f1)
