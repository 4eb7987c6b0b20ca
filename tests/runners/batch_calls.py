"""Small calls for batch tests: imported transcripts (no model runs), optionally with a short WAV each."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import soundfile as sf

OPENINGS = [
    "Thank you for calling Acme, my name is Anna, how can I help you?",
    "Hello.",
    "Acme support, Anna speaking, how may I help?",
    "Yes?",
]
CLOSINGS = ["Thank you for calling, goodbye.", "Bye.", "Anything else? Thanks, have a nice day, goodbye."]


def transcript(i: int, *, duration_s: float = 20.0, extra: str = "") -> dict:
    """A two-speaker transcript whose greeting/closing vary with `i` (so scores differ between calls)."""
    lines = [
        ("spk_0", 0.5, 4.0, OPENINGS[i % len(OPENINGS)]),
        ("spk_1", 4.5, 8.0, "Hi, I have a question about my order number " + str(1000 + i) + "."),
        ("spk_0", 8.5, 12.0, "Sure, let me check that for you right now." + (" " + extra if extra else "")),
        ("spk_1", 12.5, 14.5, "Great, thanks."),
        ("spk_0", 15.0, 18.0, CLOSINGS[i % len(CLOSINGS)]),
    ]
    utts = []
    for spk, a, b, text in lines:
        words = text.split()
        step = (b - a) / len(words)
        utts.append(
            {
                "speaker": spk,
                "start_s": a,
                "end_s": b,
                "text": text,
                "words": [
                    {"text": w, "start_s": round(a + k * step, 3), "end_s": round(a + (k + 1) * step, 3)}
                    for k, w in enumerate(words)
                ],
            }
        )
    return {
        "format": "callqa-transcript",
        "language": "en",
        "duration_s": duration_s,
        "roles": {"spk_0": "agent", "spk_1": "customer"},
        "utterances": utts,
    }


def speechlike_wav(path: Path, duration_s: float = 20.0, *, sr: int = 8000, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    n = int(duration_s * sr)
    t = np.arange(n) / sr
    x = rng.standard_normal(n) * (0.6 + 0.4 * np.sin(2 * np.pi * 4 * t))
    x = np.convolve(x, np.ones(3) / 3, mode="same")
    x = (0.3 * x / np.max(np.abs(x))).astype(np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), x, sr)
    return path


def make_calls(
    folder: Path, n: int, *, audio: bool = False, started_at: list[str] | None = None, prefix: str = "c"
) -> Path:
    """`n` calls under `folder` and a CSV manifest listing them; returns the manifest path."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["call_id,audio_path,transcript_path,agent_id,agent_name,company,started_at"]
    for i in range(n):
        cid = f"{prefix}{i:03d}"
        (folder / f"{cid}.json").write_text(json.dumps(transcript(i)))
        wav = ""
        if audio:
            speechlike_wav(folder / f"{cid}.wav", seed=i)
            wav = f"{cid}.wav"
        when = started_at[i % len(started_at)] if started_at else ""
        rows.append(f"{cid},{wav},{cid}.json,A{i % 3},Anna,Acme,{when}")
    manifest = folder / "calls.csv"
    manifest.write_text("\n".join(rows) + "\n")
    return manifest
