"""A night of real-looking calls, end to end: `callqa score` from a cold start against the naive glue, same run.

    .venv/bin/python benchmarks/bench_night.py [--calls 40] [--rounds 2] [--seed 18] [--keep DIR] [--no-glue]
                                               [--set key=value ...]

Builds `--calls` calls of 1-8 minutes (lengths drawn like a queue: median 3 min, a tail to 8) from the real
recordings in tests/data/external: the aws-lca calls as stereo legs (agent left) or mixed to mono, the aws-pca and
Azure test calls (mono), Mandarin (Azure zh passage, AISHELL, FunASR) and Russian (Golos, Pisets, Tinkoff) clips
joined into two-party dialogues; 0-4 rings of real ringback (baresip) before most answers, real qMOH hold music
in a third of the calls. 8 kHz 16-bit WAV and a manifest (call_id, audio_path, language, channel_layout).

Then, alternating per round: `python -m callqa.cli score manifest --out <fresh folder>` (a new process, as a user
runs it: imports, model loading, workers, tables) and `benchmarks/naive_glue.py --manifest` (one process, models
loaded once, calls one after the other, as a script would). Both are timed from outside (process start to exit).
Printed per round: wall seconds, x real time (audio / wall), CPU seconds of the process tree, the load average
before and after, and the ratio glue wall / callqa wall of that round. The machine may be shared: compare the
ratios of one round, not wall times across runs.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
EXT = ROOT / "tests" / "data" / "external"
SR = 8000


def _load(rel: str) -> np.ndarray:
    from callqa.ingest.audio import load_audio, resample

    audio = load_audio(EXT / rel)
    return resample(audio.mono(), audio.sample_rate, SR)


@dataclass
class Sources:
    """Real material at 8 kHz: two-leg conversations, mono calls, clips per language, ringback, hold music."""

    conversations: list[tuple[np.ndarray, np.ndarray]]  # (agent leg, caller leg)
    mono_calls: list[np.ndarray]
    clips: dict[str, list[np.ndarray]]
    ringback: np.ndarray  # one 6-s cycle
    music: list[np.ndarray]

    @classmethod
    def load(cls) -> Sources:
        lca = "aws-lca/Auto_Repairs_{}_UTC_{}.wav"
        return cls(
            conversations=[(_load(lca.format(n, "agent")), _load(lca.format(n, "caller"))) for n in (40, 49)],
            mono_calls=[
                _load("aws-pca/Auto0_GUID_000_AGENT_ChrisL_DT_2025-02-19T06-01-22_Mono.wav"),
                _load("azure-speech-sdk/test_call_audio.wav"),
            ],
            clips={
                "zh": [
                    _load("azure-speech-sdk/zhcn_continuous_mode_sample.wav"),
                    _load("wenet/aishell-BAC009S0724W0121.wav"),
                    _load("funasr/sample.wav"),
                ],
                "ru": [
                    _load("golos/001ce26c07c20eaa0d666b824c6c6924.wav"),
                    _load("pisets/test_sound_ru.wav"),
                    _load("tinkoff-voicekit/sample_3.wav"),
                    _load("tinkoff-voicekit/stierlitz.wav"),
                ],
            },
            ringback=_load("baresip/ringback.wav"),
            music=[_load("qmoh/qMOH-friends_inline.wav"), _load("qmoh/qMOH-cable_company.wav")],
        )


def _loop(x: np.ndarray, n: int, start: int = 0) -> np.ndarray:
    """`n` samples of `x` from `start`, wrapping around."""
    idx = (start + np.arange(n)) % len(x)
    return x[idx]


def _dialogue(clips: list[np.ndarray], n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two legs of `n` samples: clips taking turns (agent, customer, ...) with 0.3-1.2 s pauses."""
    left, right = np.zeros(n, np.float32), np.zeros(n, np.float32)
    pos, turn = 0, 0
    while pos < n:
        clip = clips[int(rng.integers(len(clips)))]
        k = min(len(clip), n - pos)
        (left if turn % 2 == 0 else right)[pos : pos + k] = clip[:k]
        pos += k + int(rng.uniform(0.3, 1.2) * SR)
        turn += 1
    return left, right


@dataclass(frozen=True)
class Plan:
    call_id: str
    language: str
    layout: str
    source: str
    speech_s: float
    rings: int
    hold_s: float


def plan_night(calls: int, rng: np.random.Generator) -> list[Plan]:
    """Lengths like a queue (log-normal, median 180 s, 60-480 s); en 60 %, zh 20 %, ru 20 %; half stereo."""
    out = []
    for i in range(calls):
        total = float(np.clip(rng.lognormal(np.log(180.0), 0.55), 60.0, 480.0))
        u = rng.random()
        language = "en" if u < 0.6 else ("zh" if u < 0.8 else "ru")
        if language == "en":
            source = "conversation" if rng.random() < 0.7 else "mono_call"
        else:
            source = "clips"
        layout = "mono" if source == "mono_call" or rng.random() < 0.5 else "stereo_agent_left"
        rings = int(rng.integers(0, 5)) if rng.random() < 0.8 else 0
        hold_s = float(rng.uniform(20.0, 90.0)) if rng.random() < 0.33 and total > 120 else 0.0
        speech_s = max(30.0, total - 6.0 * rings - hold_s)
        out.append(Plan(f"night-{i:03d}", language, layout, source, speech_s, rings, hold_s))
    return out


def build_call(plan: Plan, src: Sources, rng: np.random.Generator) -> np.ndarray:
    """(samples, 2) agent left / caller right, or (samples,) mono."""
    n = int(plan.speech_s * SR)
    if plan.source == "conversation":
        agent, caller = src.conversations[int(rng.integers(len(src.conversations)))]
        start = int(rng.integers(len(agent)))
        left, right = _loop(agent, n, start), _loop(caller, n, start)
    elif plan.source == "mono_call":
        x = src.mono_calls[int(rng.integers(len(src.mono_calls)))]
        left = _loop(x, n, int(rng.integers(len(x))))
        right = np.zeros(n, np.float32)
    else:
        left, right = _dialogue(src.clips[plan.language], n, rng)
    ring = np.tile(src.ringback, plan.rings) if plan.rings else np.zeros(0, np.float32)
    cut = int(rng.uniform(0.3, 0.7) * n)
    music = src.music[int(rng.integers(len(src.music)))]
    hold = 0.5 * _loop(music, int(plan.hold_s * SR)) if plan.hold_s else np.zeros(0, np.float32)
    quiet = np.zeros
    left = np.concatenate([ring, left[:cut], hold, left[cut:]])
    right = np.concatenate([quiet(len(ring)), right[:cut], quiet(len(hold)), right[cut:]])
    if plan.layout == "mono":
        return np.clip(left + right, -1.0, 1.0) if plan.source != "mono_call" else left
    return np.stack([left, right], axis=1)


def build_night(folder: Path, calls: int, seed: int) -> tuple[Path, list[Plan], float]:
    rng = np.random.default_rng(seed)
    src = Sources.load()
    plans = plan_night(calls, rng)
    audio_s = 0.0
    folder.mkdir(parents=True, exist_ok=True)
    manifest = folder / "manifest.csv"
    with open(manifest, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["call_id", "audio_path", "language", "channel_layout", "agent_id"])
        for i, plan in enumerate(plans):
            x = build_call(plan, src, rng)
            sf.write(folder / f"{plan.call_id}.wav", x, SR, subtype="PCM_16")
            audio_s += len(x) / SR
            w.writerow([plan.call_id, f"{plan.call_id}.wav", plan.language, plan.layout, f"A{i % 7:02d}"])
    return manifest, plans, audio_s


def _children_cpu_s() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str, tuple[float, float]]:
    """(wall s, CPU s of the process tree, stdout, (load average before, after))."""
    load0, cpu0, t = os.getloadavg()[0], _children_cpu_s(), time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t
    if out.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd[:4])} ... failed ({out.returncode}):\n{out.stderr[-3000:]}")
    return wall, _children_cpu_s() - cpu0, out.stdout + out.stderr, (load0, os.getloadavg()[0])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument(
        "--keep", type=Path, help="build the calls here (and keep them); default: a temp folder"
    )
    parser.add_argument("--no-glue", action="store_true")
    parser.add_argument("--glue-first", action="store_true", help="run the glue before callqa in each round")
    parser.add_argument("--set", action="append", default=[], help="callqa config override (key=value)")
    args = parser.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="callqa-night-"))
    manifest, plans, audio_s = build_night(folder, args.calls, args.seed)
    stereo_s = sum(sf.info(folder / f"{p.call_id}.wav").duration for p in plans if p.layout != "mono")
    langs = {lang: sum(p.language == lang for p in plans) for lang in ("en", "zh", "ru")}
    lengths = sorted(sf.info(folder / f"{p.call_id}.wav").duration for p in plans)
    print(
        f"night: {len(plans)} calls, {audio_s / 60:.1f} min of audio ({stereo_s / 60:.1f} min stereo), "
        f"lengths {lengths[0]:.0f}-{lengths[-1]:.0f} s (median {lengths[len(lengths) // 2]:.0f} s), "
        f"{langs}, {sum(p.rings > 0 for p in plans)} with rings, {sum(p.hold_s > 0 for p in plans)} with a hold; "
        f"{os.cpu_count()} CPUs; folder {folder}",
        flush=True,
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    sets = [a for s in args.set for a in ("--set", s)]
    callqa_cmd = [sys.executable, "-m", "callqa.cli", "score", str(manifest)]
    glue_cmd = [sys.executable, str(ROOT / "benchmarks" / "naive_glue.py"), "--manifest", str(manifest)]
    ratios = []
    for rnd in range(args.rounds):
        order = ["glue", "callqa"] if args.glue_first else ["callqa", "glue"]
        got: dict[str, float] = {}
        for who in order:
            if who == "glue" and args.no_glue:
                continue
            if who == "callqa":
                out_dir = folder / f"results-{rnd}"
                wall, cpu, text, load = timed(callqa_cmd + ["--out", str(out_dir)] + sets, env)
                scored = len(list((out_dir / "calls").glob("*.json")))
                detail = f"{scored}/{len(plans)} scored"
                if scored != len(plans):
                    print(text[-2000:])
            else:
                wall, cpu, text, load = timed(glue_cmd, env)
                glue = json.loads(_last_json(text))
                detail = (
                    f"models {glue['load_s']:.1f} s, asr {glue['asr_s']:.0f} s, diarization "
                    f"{glue['diarization_s']:.0f} s, peak RSS {glue['peak_rss_mb']:.0f} MB"
                )
            got[who] = wall
            print(
                f"round {rnd + 1} {who:6s}: {wall:7.1f} s wall, {audio_s / wall:5.1f}x real time, "
                f"CPU {cpu:7.1f} s ({audio_s / cpu:5.1f}x real time per core); load average "
                f"{load[0]:.1f} -> {load[1]:.1f}; {detail}",
                flush=True,
            )
        if "glue" in got:
            ratios.append(got["glue"] / got["callqa"])
            print(f"round {rnd + 1}: callqa is {ratios[-1]:.2f}x faster than the glue end to end", flush=True)
    if ratios:
        print(f"callqa vs glue over {len(ratios)} round(s): {', '.join(f'{r:.2f}x' for r in ratios)}")


def _last_json(text: str) -> str:
    return next(line for line in reversed(text.strip().splitlines()) if line.startswith("{"))


if __name__ == "__main__":
    main()
