"""A multi-night demo results folder, built without any speech model, for the reports and notebooks.

Four agents of the demo's company take scripted calls over several nights. Each call is a stereo 8 kHz
recording (agent left, customer right: speech-shaped noise where each party talks, a line-noise floor,
synthesized hold music or a silent hold) plus the call's transcript in callqa's import format (words with
times). `callqa score` then runs the real pipeline on them — signal layer on the audio, imported
transcript instead of ASR/diarization, every check, the scorecard — so the results are genuine pipeline
output for designed behaviour:

* A101 Daniel: steady — full greeting and closing, music holds with a check-in.
* A102 Kevin: good, then from the middle night on skips the company/name in the greeting, leaves the
  customer on a silent hold for 40 s without a word, and drops the summary at the close.
* A103 Michael: talks much faster than his customers (outside the matching band) until the last night.
* A104 Sofia: "um"/"uh" every few words, fewer each night, none from the fourth.
* Anyone forgets the recap at the close now and then (15 % of calls).

Usage: `python -m callqa.report.demo_nights OUT [--nights 4] [--calls 2]` → OUT/in (recordings,
transcripts, manifest.csv) and OUT/results (what `callqa score` writes).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import butter, sosfilt

from callqa.signal.synth import line_noise, speechlike

SR = 8000
COMPANY = "Northwind Telecom"
AGENTS = (("A101", "Daniel"), ("A102", "Kevin"), ("A103", "Michael"), ("A104", "Sofia"))
CUSTOMER_WPM = 160.0


@dataclass
class Turn:
    role: str  # agent | customer
    text: str
    wpm: float


@dataclass
class Script:
    turns: list[Turn | tuple[str, float, list[float]]] = field(
        default_factory=list
    )  # tuple: ("hold", s, checkins)


def _profile(agent: str, name: str, night: int, nights: int, call: int, rng: np.random.Generator) -> Script:
    late = night >= nights // 2
    wpm = 165.0 + float(rng.uniform(-10, 10))
    fillers = 0
    greeting = f"Thank you for calling {COMPANY}, my name is {name}, how can I help you today?"
    hold: tuple[str, float, list[float]] = ("music", 22.0 + float(rng.uniform(0, 6)), [12.0])
    summary = "So to summarize, we reset your line and the connection is working again."
    if rng.uniform() < 0.15:  # anyone forgets the recap now and then
        summary = "Good, everything is working again."
    if agent == "A102" and late:
        greeting = "Hello, how can I help you?"
        hold = ("silence", 40.0 + float(rng.uniform(0, 5)), [])
        summary = "Okay, the connection should work now."
    if agent == "A103" and night < nights - 1:
        wpm = 235.0 + float(rng.uniform(-10, 10))
    if agent == "A104":
        fillers = max(0, 5 - 2 * night)  # fillers per agent turn, fewer on later nights

    def agent_says(text: str) -> Turn:
        words = text.split()
        if fillers:
            step = max(2, len(words) // (fillers + 1))
            for k in range(fillers, 0, -1):
                words.insert(min(len(words) - 1, k * step), "um," if k % 2 else "uh,")
        return Turn("agent", " ".join(words), wpm)

    def customer_says(text: str) -> Turn:
        return Turn("customer", text, CUSTOMER_WPM + float(rng.uniform(-15, 15)))

    return Script(
        [
            Turn("agent", greeting, wpm),
            customer_says(
                "Hi, I have a problem with my internet connection since yesterday evening, it keeps "
                "dropping every few minutes and I work from home."
            ),
            agent_says(
                "I am sorry to hear that. Let me look at your account and run a line test for you right now, "
                "it only takes a minute and then we will know where the fault is."
            ),
            agent_says("Could you hold for a moment please while I check the line?"),
            customer_says("Sure, no problem."),
            hold,
            agent_says(
                "Thank you for holding. I found a fault on the line and I have reset your connection from our "
                "side, you should see the light turn green on your router in a few seconds."
            ),
            customer_says("Yes, it is green now and the page loads, thank you."),
            agent_says(summary + " Is there anything else I can help you with today?"),
            customer_says("No, that is all, thanks."),
            Turn("agent", f"Thank you for calling {COMPANY}. Have a great day, goodbye.", wpm),
            customer_says("Bye."),
        ]
    )


def _hold_music(seconds: float) -> np.ndarray:
    """An arpeggio over a soft chord pad (C-Am-F-G, 2 s a chord), telephone band, about -26 dBFS."""
    chords = [
        [261.63, 329.63, 392.00],
        [220.00, 261.63, 329.63],
        [174.61, 220.00, 261.63],
        [196.00, 246.94, 293.66],
    ]
    t_bar = np.arange(int(2.0 * SR)) / SR
    bars = []
    for chord in chords:
        seg = sum(
            (0.25 * np.sin(2 * np.pi * f * t_bar) * (0.6 + 0.4 * np.sin(np.pi * t_bar / 2.0)) for f in chord),
            np.zeros_like(t_bar),
        )
        notes = chord + [chord[0] * 2, chord[1] * 2, chord[2], chord[1], chord[0] * 2]
        step = 2.0 / len(notes)
        for i, f in enumerate(notes):
            t0 = int(i * step * SR)
            tn = np.arange(int(step * SR * 1.6)) / SR
            env = np.minimum(tn / 0.01, 1.0) * np.exp(-tn / 0.25)
            tone = np.zeros_like(tn)
            for k, a in ((1, 1.0), (2, 0.5), (3, 0.25), (4, 0.12)):
                tone = tone + a * np.sin(2 * np.pi * f * k * tn)
            end = min(t0 + len(tn), len(seg))
            seg[t0:end] += 0.8 * (env * tone)[: end - t0]
        bars.append(seg)
    loop = np.concatenate(bars)
    loop = sosfilt(butter(4, [300.0, 3400.0], btype="bandpass", fs=SR, output="sos"), loop)
    loop = loop / (np.sqrt(np.mean(loop**2)) + 1e-12) * 10 ** (-26 / 20)
    n = int(round(seconds * SR))
    return np.tile(loop, n // len(loop) + 1)[:n].astype(np.float32)


def render_call(script: Script, seed: int) -> tuple[np.ndarray, list[dict], float]:
    """Stereo samples (2, n), the transcript's utterances (with word times), and the duration."""
    t, gap = 0.6, 0.5
    utterances: list[dict] = []
    placed: list[tuple[int, float, float, int]] = []  # (channel, start, end, seed)
    music: list[tuple[float, float]] = []
    for k, turn in enumerate(script.turns):
        if isinstance(turn, tuple):
            kind, seconds, checkins = turn
            if kind == "music":
                music.append((t, t + seconds))
            for c in checkins:
                text = "I am still checking, thank you for your patience."
                words = _timed_words(text, t + c, 165.0)
                utterances.append(_utt("agent", 0, words, text))
                placed += _sounding(0, words, seed * 100 + k + 50)
            t += seconds + gap
            continue
        ch = 0 if turn.role == "agent" else 1
        words = _timed_words(turn.text, t, turn.wpm)
        utterances.append(_utt(turn.role, ch, words, turn.text))
        placed += _sounding(ch, words, seed * 100 + k)
        t = words[-1]["end_s"] + gap
    duration = t + 1.0
    n = int(round(duration * SR))
    legs = [line_noise(n, level_dbfs=-60.0, seed=seed * 2 + c) for c in (0, 1)]
    for ch, a, b, s in placed:
        i0 = int(round(a * SR))
        x = speechlike(b - a, sample_rate=SR, level_dbfs=-22.0 if ch == 0 else -24.0, seed=s)
        legs[ch][i0 : i0 + len(x)] += x[: n - i0]
    for a, b in music:
        i0 = int(round(a * SR))
        x = _hold_music(b - a)
        legs[0][i0 : i0 + len(x)] += x[: n - i0]
    utterances.sort(key=lambda u: u["start_s"])
    return np.stack(legs), utterances, duration


def _sounding(channel: int, words: list[dict], seed: int) -> list[tuple[int, float, float, int]]:
    """Where the leg sounds for these words: one burst a word, so the audio pauses where the transcript does.

    (One burst over the whole utterance would pause on `speechlike`'s own phrase rhythm, 0.6 s every 3 s,
    where the transcript has words: speaking_rate takes speech time from the signal, and long turns would
    lose a fifth of theirs.)
    """
    return [(channel, w["start_s"], w["end_s"], seed * 1000 + i) for i, w in enumerate(words)]


def _timed_words(text: str, start: float, wpm: float) -> list[dict]:
    per_word = 60.0 / wpm
    out, t = [], start
    for w in text.split():
        d = per_word * max(0.6, min(1.6, len(w.strip(",.?!")) / 4.5))
        out.append({"text": w, "start_s": round(t, 3), "end_s": round(t + d * 0.92, 3), "probability": 0.95})
        t += d + (0.25 if w[-1] in ",.?!" else 0.0)
    return out


def _utt(role: str, channel: int, words: list[dict], text: str) -> dict:
    return {
        "speaker": role,
        "role": role,
        "channel": channel,
        "start_s": words[0]["start_s"],
        "end_s": words[-1]["end_s"],
        "text": text,
        "words": words,
    }


def build_inputs(
    out: Path,
    *,
    nights: int = 4,
    calls: int = 2,
    first_night: str = "2025-03-03",
    agents: tuple[tuple[str, str], ...] = AGENTS,
) -> Path:
    """Recordings, transcripts and manifest.csv under OUT/in; returns the manifest."""
    src = out / "in"
    src.mkdir(parents=True, exist_ok=True)
    rows = []
    day0 = date.fromisoformat(first_night)
    for night in range(nights):
        day = day0 + timedelta(days=night)
        for a_idx, (agent_id, name) in enumerate(agents):
            for j in range(calls):
                call_id = (
                    f"{day:%Y%m%d}-{re.sub(r'[^A-Za-z0-9]+', '_', agent_id).strip('_')[:20] or a_idx}-{j + 1}"
                )
                seed = night * 1000 + a_idx * 10 + j
                rng = np.random.default_rng(seed)
                samples, utterances, duration = render_call(
                    _profile(agent_id, name, night, nights, j, rng), seed
                )
                sf.write(str(src / f"{call_id}.wav"), samples.T, SR, subtype="PCM_16")
                transcript = {
                    "format": "callqa-transcript",
                    "language": "en",
                    "duration_s": round(duration, 3),
                    "channel_roles": {"0": "agent", "1": "customer"},
                    "utterances": utterances,
                }
                (src / f"{call_id}.json").write_text(json.dumps(transcript, indent=1), encoding="utf-8")
                ring_s = (
                    6.0 + 6.0 * ((seed * 7) % 3)
                    if not (agent_id == "A102" and night >= nights // 2)
                    else 22.0
                )
                rows.append(
                    {
                        "call_id": call_id,
                        "audio_path": f"{call_id}.wav",
                        "transcript_path": f"{call_id}.json",
                        "language": "en",
                        "agent_id": agent_id,
                        "agent_name": name,
                        "company": COMPANY,
                        "channel_layout": "stereo_agent_left",
                        "direction": "inbound",
                        "started_at": f"{day:%Y-%m-%d}T{19 + j * 2:02d}:{(a_idx * 13) % 60:02d}:00",
                        "ring_s": ring_s,
                        "hangup_party": "customer",
                    }
                )
    manifest = src / "manifest.csv"
    with open(manifest, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return manifest


def build_demo_nights(
    out: str | Path,
    *,
    nights: int = 4,
    calls: int = 2,
    config_sets: tuple[str, ...] = (),
    agents: tuple[tuple[str, str], ...] = AGENTS,
) -> Path:
    """Build the inputs and score them with the real pipeline (no speech model runs); returns OUT/results."""
    from callqa.cli import main as callqa_main

    out = Path(out)
    manifest = build_inputs(out, nights=nights, calls=calls, agents=agents)
    results = out / "results"
    args = ["score", str(manifest), "--out", str(results), "--force"]
    for s in config_sets:
        args += ["--set", s]
    if callqa_main(args) != 0:
        raise RuntimeError(f"demo nights: some calls failed, see {results / 'errors.parquet'}")
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--nights", type=int, default=4)
    p.add_argument("--calls", type=int, default=2, help="calls per agent per night")
    args = p.parse_args(argv)
    print(build_demo_nights(args.out, nights=args.nights, calls=args.calls))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
