"""Sentiment accuracy and macro-F1 per language on the labelled call-center utterances, dev and held-out.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/measure_sentiment.py [--errors] [--tags] [--json OUT]

`--errors` lists the dev half's mistakes (what tuning may look at); the held-out half is only counted.
The labelled set (data/sentiment/, written before any tuning) is described in data/sentiment/README.md.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

from callqa.sentiment.evaluation import load_labelled, predict, score_predictions
from callqa.sentiment.scale import from_probability
from callqa.sentiment.scorers import SentimentScore, load_scorer

DATA = Path(__file__).resolve().parent.parent / "data" / "sentiment"


class VaderAlone:
    """VADER alone, compound x 5"""

    language = "en"

    def __init__(self) -> None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self._vader = SentimentIntensityAnalyzer()

    def score(self, text: str) -> SentimentScore:
        return SentimentScore(round(5 * self._vader.polarity_scores(text)["compound"], 2))


class SnowNlpAlone:
    """SnowNLP alone, 5 x (2p - 1)"""

    language = "zh"

    def score(self, text: str) -> SentimentScore:
        from snownlp import sentiment

        return SentimentScore(round(5 * from_probability(sentiment.classify(text)), 2))


BASELINES = {"en": VaderAlone, "zh": SnowNlpAlone}  # no Russian sentiment model ships offline in a package


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", action="store_true", help="list the dev half's mistakes")
    ap.add_argument("--tags", action="store_true", help="accuracy per hard-case tag, per half")
    ap.add_argument("--baseline", action="store_true", help="also the packages alone (VADER, SnowNLP)")
    ap.add_argument("--json", type=Path, help="also write the numbers here")
    args = ap.parse_args()
    table = {}
    print(f"{'lang':4} {'split':8} {'n':>3} {'accuracy':>8} {'macro-F1':>8}  F1 pos/neu/neg   load_s")
    for lang in ("en", "zh", "ru"):
        t0 = time.perf_counter()
        scorer = load_scorer(lang)
        load_s = time.perf_counter() - t0
        items = load_labelled(DATA / f"{lang}.tsv")
        preds = predict(items, scorer)
        for split in ("dev", "heldout"):
            s = score_predictions([p for p in preds if p.item.split == split])
            table[f"{lang}/{split}"] = {"n": s.n, "accuracy": round(s.accuracy, 3), "macro_f1": round(s.macro_f1, 3),
                                        "f1": {k: round(v, 3) for k, v in s.f1.items()}}  # fmt: skip
            f = "/".join(f"{s.f1[c]:.2f}" for c in ("positive", "neutral", "negative"))
            print(f"{lang:4} {split:8} {s.n:3d} {s.accuracy:8.2f} {s.macro_f1:8.2f}  {f}  {load_s:5.1f}")
        if args.tags:
            for split in ("dev", "heldout"):
                by_tag = defaultdict(list)
                for p in preds:
                    for t in p.item.tags if p.item.split == split else ():
                        by_tag[t].append(p.label == p.item.label)
                print(
                    f"     {split} tags: "
                    + ", ".join(f"{t} {sum(v)}/{len(v)}" for t, v in sorted(by_tag.items()))
                )
        if args.baseline and lang in BASELINES:
            raw = predict(items, BASELINES[lang]())
            for split in ("dev", "heldout"):
                s = score_predictions([p for p in raw if p.item.split == split])
                table[f"{lang}/{split}/package_alone"] = {
                    "accuracy": round(s.accuracy, 3),
                    "macro_f1": round(s.macro_f1, 3),
                }
                print(
                    f"{lang:4} {split:8} {s.n:3d} {s.accuracy:8.2f} {s.macro_f1:8.2f}  ({BASELINES[lang].__doc__})"
                )
        if args.errors:
            for p in preds:
                if p.item.split == "dev" and p.label != p.item.label:
                    print(f"     dev miss {p.item.id} want {p.item.label:8} got {p.label:8} {p.score:+.2f} "
                          f"{p.item.text}  {list(p.terms)}")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(table, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
