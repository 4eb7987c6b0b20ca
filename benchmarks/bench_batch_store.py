"""Store cost of a nightly batch on a folder holding many past nights: only touched nights are rewritten.

Scores a few imported-transcript calls (no models) into a folder, clones their results into
`--nights` x `--per-night` past calls, then times rebuilding the tables for one new night (what a
nightly `callqa score` does) against a full rebuild (what `callqa report` does), and the per-call
overhead of the batch itself (fingerprint, lock, fsynced writes) on imported transcripts.

    PYTHONPATH=. python benchmarks/bench_batch_store.py --nights 30 --per-night 50
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "runners"))
from batch_calls import make_calls  # noqa: E402

from callqa.cli import main  # noqa: E402
from callqa.store.results import ResultStore  # noqa: E402


def run(nights: int, per_night: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        out = root / "out"
        manifest = make_calls(root / "in", 20)
        t = time.perf_counter()
        assert main(["score", str(manifest), "--out", str(out), "--night", "2026-01-01"]) == 0
        batch_s = time.perf_counter() - t
        store = ResultStore(out)
        templates = list(store.iter_calls())
        day0 = dt.date(2025, 1, 1)
        with store.lock():
            for n in range(nights):
                night = (day0 + dt.timedelta(days=n)).isoformat()
                for i in range(per_night):
                    d = replace(templates[i % len(templates)], call_id=f"n{n:03d}_{i:04d}", night=night)
                    store.write_call(d)
        t = time.perf_counter()
        store.write_tables()
        full_s = time.perf_counter() - t
        manifest2 = make_calls(root / "in2", 20, prefix="new")
        t = time.perf_counter()
        assert main(["score", str(manifest2), "--out", str(out), "--night", "2026-02-01"]) == 0
        nightly_s = time.perf_counter() - t
        t = time.perf_counter()
        store.write_tables(nights={"2026-02-01"})
        one_night_s = time.perf_counter() - t
        total = nights * per_night + 40
        print(f"\nfolder: {total} calls over {nights + 2} nights")
        print(f"first batch of 20 imported-transcript calls (incl. imports/startup): {batch_s:.2f} s")
        print(f"full table rebuild (callqa report): {full_s:.2f} s")
        print(f"nightly batch of 20 new calls (scoring + tables of its night): {nightly_s:.2f} s")
        print(
            f"tables of one night only: {one_night_s:.2f} s  ({full_s / max(one_night_s, 1e-9):.0f}x less than full)"
        )


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--nights", type=int, default=30)
    ap.add_argument("--per-night", type=int, default=50)
    a = ap.parse_args()
    run(a.nights, a.per_night)
