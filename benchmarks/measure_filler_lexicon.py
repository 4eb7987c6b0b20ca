"""Filler recall/precision of the lexicon rules on the labelled list, per language and split.

PYTHONPATH=$PWD .venv/bin/python benchmarks/measure_filler_lexicon.py [--errors] [--list PATH]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from callqa.text.filler_eval import evaluate

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--list", default=str(ROOT / "tests/data/text/fillers_labelled.yaml"))
    ap.add_argument(
        "--errors", action="store_true", help="print the utterances scored wrong (dev split only)"
    )
    ap.add_argument("--split-errors", default="dev")
    args = ap.parse_args()
    res = evaluate(args.list)
    print("| language | split | utterances | tp | fp | fn | recall | precision |")
    print("|---|---|---|---|---|---|---|---|")
    for lang, splits in res.items():
        for split, s in splits.items():
            d = s.as_dict()
            print(
                f"| {lang} | {split} | {d['utterances']} | {d['tp']} | {d['fp']} | {d['fn']} | "
                f"{d['recall']:.2f} | {d['precision']:.2f} |"
            )
    if args.errors:
        for lang, splits in res.items():
            for e in splits[args.split_errors].errors:
                print(lang, e)


if __name__ == "__main__":
    main()
