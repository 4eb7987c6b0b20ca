"""Recall / precision of PII redaction on tests/data/pii/cases.yaml, per language and kind (README "Personal data").

Usage: PYTHONPATH=. python benchmarks/measure_redaction.py [--cases tests/data/pii/cases.yaml]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from callqa.redact import RedactConfig
from callqa.redact.evaluate import load_cases, score_cases

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cases", default=str(ROOT / "tests/data/pii/cases.yaml"))
    ap.add_argument("--set", dest="subset", default=None, help="only cases with this `set:` (e.g. heldout)")
    ap.add_argument("--dev", action="store_true", help="only cases without a `set:` (the development list)")
    args = ap.parse_args()
    cases = load_cases(args.cases)
    if args.subset:
        cases = [c for c in cases if c.get("set") == args.subset]
    elif args.dev:
        cases = [c for c in cases if "set" not in c]
    config = RedactConfig(kinds=["card", "phone", "email", "id"])
    t = time.perf_counter()
    tallies = score_cases(cases, config)
    dt = time.perf_counter() - t
    n_neg = sum(1 for c in cases if not c["pii"])
    print(f"{len(cases)} utterances ({n_neg} negatives), {dt * 1000 / len(cases):.2f} ms per utterance\n")
    print(f"{'lang':5} {'kind':6} {'recall':>12} {'precision':>12}")
    for (lang, kind), t_ in sorted(tallies.items()):
        r = f"{t_.caught}/{t_.expected}" if t_.expected else "-"
        p = f"{t_.correct}/{t_.found}" if t_.found else "-"
        rr = f" {t_.recall:.2f}" if t_.recall is not None else ""
        pp = f" {t_.precision:.2f}" if t_.precision is not None else ""
        print(f"{lang:5} {kind:6} {r + rr:>12} {p + pp:>12}")
    total = tallies[("all", "all")]
    print("\nmissed:")
    for m in total.misses:
        print("  " + m)
    print("false alarms:")
    for f in total.false_alarms:
        print("  " + f)


if __name__ == "__main__":
    main()
