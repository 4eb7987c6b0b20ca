"""Peak memory of one worker against call length: mono calls of 10-120 minutes built from real audio.

    .venv/bin/python benchmarks/bench_memory.py [--minutes 10 30 60 120] [--plot docs/img/memory.png]
                                                [--set key=value ...] [--label now] [--json out.json]

Each call: 3 rings of real ringback (baresip), then the real recordings mixed to mono one after the other and
over again (aws-lca calls 40 and 49, agent + caller legs; the aws-pca call; the Azure test call), with a real
qMOH hold (45 s) every 15 minutes; 8 kHz 16-bit WAV. Each length runs in a fresh process that loads the models
as a pool worker does (one thread: `runtime.threads=1`), then scores the call with `analyze_call`; the process's
VmHWM (peak resident set) is read after loading and after every step. Printed: the peak after each step and the
step's seconds; `--plot` draws peak RSS against call length (the 1.2 GB line of issue 18 included); earlier
runs saved with `--json` can be drawn on the same plot (`--compare old.json`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
EXT = ROOT / "tests" / "data" / "external"
SR = 8000


def vm_kb(field: str = "VmHWM") -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def build_long_call(minutes: float, path: Path) -> float:
    from callqa.ingest.audio import load_audio, resample

    def load(rel: str) -> np.ndarray:
        a = load_audio(EXT / rel)
        return resample(a.mono(), a.sample_rate, SR)

    lca = "aws-lca/Auto_Repairs_{}_UTC_{}.wav"
    pieces = [load(lca.format(n, "agent")) + load(lca.format(n, "caller")) for n in (40, 49)]
    pieces += [
        load("aws-pca/Auto0_GUID_000_AGENT_ChrisL_DT_2025-02-19T06-01-22_Mono.wav"),
        load("azure-speech-sdk/test_call_audio.wav"),
    ]
    ring = np.tile(load("baresip/ringback.wav"), 3)
    moh = 0.5 * np.tile(load("qmoh/qMOH-friends_inline.wav"), 3)[: 45 * SR]
    n = int(minutes * 60 * SR)
    out = [ring]
    total, next_hold, i = len(ring), 15 * 60 * SR, 0
    while total < n:
        if total >= next_hold:
            out.append(moh)
            next_hold += 15 * 60 * SR
        else:
            out.append(pieces[i % len(pieces)])
            i += 1
        total += len(out[-1])
    x = np.clip(np.concatenate(out)[:n], -1.0, 1.0)
    sf.write(path, x, SR, subtype="PCM_16")
    return len(x) / SR


def measure_one(path: str, sets: list[str]) -> dict:
    """In this (fresh) process: load the models, score the call, VmHWM after each step."""
    from callqa.config import load_config
    from callqa.pipeline import Models, analyze_call
    from callqa.runners.pool import warm_models
    from callqa.types import CallMeta

    config = load_config(None, tuple(sets))
    models = Models(config)
    t = time.perf_counter()
    warm_models(models, asr=True, diarization=True)
    steps: list[dict] = [{"step": "models", "seconds": time.perf_counter() - t, "peak_mb": vm_kb() / 1024}]

    def on_step(step) -> None:
        steps.append({"step": step.name, "seconds": step.seconds, "peak_mb": vm_kb() / 1024})

    meta = CallMeta(call_id=Path(path).stem, audio_path=path, language="en", channel_layout="mono")
    t = time.perf_counter()
    result = analyze_call(meta, config, models=models, on_step=on_step)
    return {
        "audio_s": result.call.transcript.duration_s,
        "seconds": time.perf_counter() - t,
        "peak_mb": vm_kb() / 1024,
        "words": sum(len(u.words) for u in result.call.utterances),
        "speakers": len({u.speaker for u in result.call.utterances}),
        "steps": steps,
        "load_average": os.getloadavg()[0],
    }


def plot(runs: dict[str, list[dict]], target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.6), dpi=120)
    for label, rows in runs.items():
        rows = sorted(rows, key=lambda r: r["audio_s"])
        ax.plot([r["audio_s"] / 60 for r in rows], [r["peak_mb"] / 1024 for r in rows], "o-", label=label)
    ax.axhline(1.2, color="grey", linestyle="--", linewidth=1, label="1.2 GB (issue 18)")
    ax.set_xlabel("mono call length (minutes)")
    ax.set_ylabel("peak RSS of the worker (GB)")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title("callqa: one worker's peak memory vs call length (8 kHz, real audio)", fontsize=9)
    fig.tight_layout()
    target.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(target)
    print(f"plot: {target}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, nargs="+", default=[10, 30, 60, 120])
    parser.add_argument("--set", action="append", default=[])
    parser.add_argument("--label", default="callqa")
    parser.add_argument("--json", type=Path, help="save the figures (for --compare in a later run)")
    parser.add_argument(
        "--compare", type=Path, nargs="*", default=[], help="earlier --json files to draw too"
    )
    parser.add_argument("--plot", type=Path)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: measure this file in this process
    args = parser.parse_args()
    sets = ["runtime.threads=1", *args.set]
    if args.one:
        print("RESULT " + json.dumps(measure_one(args.one, sets)))
        return
    tmp = Path(tempfile.mkdtemp(prefix="callqa-memory-"))
    rows = []
    print(f"{os.cpu_count()} CPUs; settings {' '.join(sets)}", flush=True)
    for minutes in args.minutes:
        path = tmp / f"mono-{minutes:g}min.wav"
        build_long_call(minutes, path)
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        cmd = [sys.executable, __file__, "--one", str(path)] + [a for s in args.set for a in ("--set", s)]
        load0 = os.getloadavg()[0]
        out = subprocess.run(cmd, capture_output=True, text=True, env=env)
        line = next((s for s in out.stdout.splitlines() if s.startswith("RESULT ")), None)
        if line is None:
            print(f"{minutes:g} min: failed ({out.returncode})\n{out.stderr[-3000:]}", flush=True)
            continue
        row = json.loads(line[len("RESULT ") :])
        rows.append(row)
        path.unlink()
        steps = ", ".join(f"{s['step']} {s['peak_mb']:.0f} MB ({s['seconds']:.0f} s)" for s in row["steps"])
        print(
            f"{minutes:5g} min: peak RSS {row['peak_mb']:.0f} MB, {row['seconds']:.0f} s "
            f"(RTF {row['seconds'] / row['audio_s']:.3f}), {row['words']} words, {row['speakers']} speakers; "
            f"load average {load0:.1f} -> {row['load_average']:.1f}\n        after each step: {steps}",
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps({"label": args.label, "rows": rows}, indent=1))
    if args.plot:
        runs = {json.loads(p.read_text())["label"]: json.loads(p.read_text())["rows"] for p in args.compare}
        runs[args.label] = rows
        plot(runs, args.plot)


if __name__ == "__main__":
    main()
