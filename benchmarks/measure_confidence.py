"""Does a finding's confidence tell right verdicts from wrong ones? Measured on labelled eval calls.

For the checks whose verdict the eval truth fixes — speaking_rate (truth rate ratio in the 0.8-1.25 band),
volume (truth agent class normal), rings (truth count <= 3) — compare each scored verdict with the truth and
print the mean confidence of right and wrong verdicts and how many of each fall under a few thresholds.

    callqa eval data/eval --out RESULTS            # or any folder of scored eval calls (rescore re-uses ASR)
    python benchmarks/measure_confidence.py RESULTS [--truth data/eval]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from callqa.store.results import ResultStore


def expected_status(check: str, truth: dict) -> str | None:
    if check == "speaking_rate" and truth.get("rate_ratio"):
        return "pass" if 0.8 <= float(truth["rate_ratio"]) <= 1.25 else "fail"
    vol = truth.get("volume")
    if check == "volume" and isinstance(vol, dict) and vol.get("agent"):
        return "pass" if vol["agent"] == "normal" else "fail"
    rings = truth.get("rings")
    if check == "rings" and rings is not None:
        n = rings if isinstance(rings, int) else rings.get("count")
        return None if n is None else ("pass" if int(n) <= 3 else "fail")
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results")
    ap.add_argument("--truth", default="data/eval")
    args = ap.parse_args()
    rows = []
    for call in sorted(ResultStore(args.results).iter_calls(), key=lambda c: c.call_id):
        truth_path = Path(args.truth, f"{call.call_id}.truth.json")
        if not truth_path.exists():
            continue
        truth = json.loads(truth_path.read_text())
        for check in ("speaking_rate", "volume", "rings"):
            chk = call.check(check)
            exp = expected_status(check, truth)
            if chk is not None and exp is not None and chk.confidence is not None:
                rows.append((check, call.call_id, chk.status, exp, float(chk.confidence)))
    wrong = [r for r in rows if r[2] != r[3]]
    right = [r for r in rows if r[2] == r[3]]

    def mean(xs: list[float]) -> float:
        return sum(xs) / len(xs) if xs else float("nan")

    print(f"verdicts with truth: {len(rows)} ({len(right)} right, {len(wrong)} wrong)")
    print(
        f"mean confidence: right {mean([r[4] for r in right]):.3f}, wrong {mean([r[4] for r in wrong]):.3f}"
    )
    for thr in (0.7, 0.8, 0.9):
        w, r = sum(x[4] < thr for x in wrong), sum(x[4] < thr for x in right)
        print(f"confidence < {thr}: {w}/{len(wrong)} wrong verdicts, {r}/{len(right)} right verdicts")
    for r in sorted(wrong, key=lambda x: x[4]):
        print(f"  wrong: {r[1]:10s} {r[0]:14s} {r[2]} (truth {r[3]}) confidence {r[4]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
