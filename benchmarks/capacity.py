"""Capacity from a scored night: worker seconds per call against its length, per layout, and the sizing table.

    .venv/bin/python benchmarks/capacity.py RESULTS_FOLDER [--lengths 2 5 10] [--calls 1000] [--window-h 6]

Reads every `calls/*.json` of a `callqa score` run made with one thread per worker (the default layout: one
process per core), takes each call's time in its worker (the sum of `stage_seconds`: decode to score, models
already loaded), fits seconds = a + b * minutes per layout (mono / stereo) by least squares, and prints, for
each `--lengths` value: worker seconds per call, x real time per core, calls per hour per core, and the cores
a night of `--calls` such calls needs to finish in `--window-h` hours. One worker = one core only on an otherwise
idle machine: on a shared one the figures are upper bounds of the cost (say the load average with them).
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("results", type=Path)
    parser.add_argument("--lengths", type=float, nargs="+", default=[2.0, 5.0, 10.0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--window-h", type=float, default=6.0)
    args = parser.parse_args()

    by_layout: dict[str, list[tuple[float, float]]] = {}
    for path in sorted((args.results / "calls").glob("*.json")):
        d = json.loads(path.read_text())
        layout = "mono" if d.get("channel_layout") == "mono" else "stereo"
        seconds = sum(float(v) for v in (d.get("stage_seconds") or {}).values())
        by_layout.setdefault(layout, []).append((float(d["duration_s"]) / 60.0, seconds))
    print(
        f"| layout | calls measured | worker s = a + b x min | length | worker s per call | x real time per core "
        f"| calls per hour per core | cores for {args.calls:,} calls in {args.window_h:g} h |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for layout, rows in sorted(by_layout.items()):
        minutes, seconds = np.array(rows).T
        b, a = np.polyfit(minutes, seconds, 1) if len(rows) > 1 else (seconds[0] / minutes[0], 0.0)
        for length in args.lengths:
            per_call = a + b * length
            per_hour = 3600.0 / per_call
            cores = math.ceil(args.calls / (per_hour * args.window_h))
            print(
                f"| {layout} | {len(rows)} ({minutes.min():.1f}-{minutes.max():.1f} min) | {a:.1f} + {b:.2f} x min "
                f"| {length:g} min | {per_call:.1f} | {length * 60 / per_call:.0f}x | {per_hour:.0f} | {cores} |"
            )


if __name__ == "__main__":
    main()
