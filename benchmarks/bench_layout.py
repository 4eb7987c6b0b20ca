"""Thread layout for a batch: N worker processes x T threads each, on the same calls, alternating.

    .venv/bin/python benchmarks/bench_layout.py [--calls 12] [--layouts 1x2 2x1] [--rounds 2]

Runs `callqa score` on the mono calls of data/eval (the first --calls of them) into a fresh results folder per
run (no transcript cache), once per layout per round, alternating, and prints wall time, batch RTF (wall / audio
seconds, model loading included) and each layout's ratio to the first. WxT = runtime.workers=W,
runtime.threads=T.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=12)
    parser.add_argument("--layouts", nargs="+", default=["1x2", "2x1"])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    eval_dir = ROOT / "data" / "eval"
    rows = [r for r in csv.DictReader(open(eval_dir / "manifest.csv")) if r["channel_layout"] == "mono"]
    rows = rows[: args.calls]
    tmp = Path(tempfile.mkdtemp())
    manifest = tmp / "manifest.csv"
    with open(manifest, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        for r in rows:
            w.writerow(dict(r, audio_path=str(eval_dir / r["audio_path"])))
    audio_s = sum(sf.info(eval_dir / r["audio_path"]).duration for r in rows)
    print(
        f"{len(rows)} mono calls, {audio_s:.0f} s of audio; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}"
    )
    walls: dict[str, list[float]] = {layout: [] for layout in args.layouts}
    for rnd in range(args.rounds):
        for layout in args.layouts:
            workers, threads = layout.split("x")
            out = tmp / f"out-{layout}-{rnd}"
            cmd = [sys.executable, "-m", "callqa.cli", "score", str(manifest), "--out", str(out)]
            cmd += ["--set", f"runtime.workers={workers}", "--set", f"runtime.threads={threads}"]
            t = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            walls[layout].append(time.perf_counter() - t)
            print(
                f"round {rnd + 1} {layout}: {walls[layout][-1]:.1f} s wall, RTF {walls[layout][-1] / audio_s:.3f}",
                flush=True,
            )
    base = min(walls[args.layouts[0]])
    for layout, values in walls.items():
        print(
            f"{layout}: best {min(values):.1f} s, RTF {min(values) / audio_s:.3f}, {base / min(values):.2f}x {args.layouts[0]}"
        )
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
