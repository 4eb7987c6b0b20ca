"""Generate stereo English calls (agent left) for tests/integration/test_etiquette_e2e.py (test data only).

Needs espeak-ng (apt); nothing else beyond callqa's own dependencies:

    PYTHONPATH=. .venv/bin/python scripts/make_etiquette_clips.py

Agent: espeak-ng ``en-us`` with SSML pitch range ``x-high`` (lively) or ``0`` (monotone); customer and
mailbox: ``en-us+f3``. Band-passed to 300-3400 Hz, 8 kHz mu-law, line noise at -60 dBFS on both legs (so
silences are measurable), agent LEFT. ``calls.json`` holds every turn and what each call should score.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import butter, resample_poly, sosfiltfilt

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "generated" / "etiquette"
SR = 8_000
GAP_S = 0.6

CALLS = {
    "en-etq-good": {  # restates, narrates the wait, asks before a transfer with reason and target
        "turns": [
            (
                "agent",
                "Thank you for calling Northwind Telecom, my name is Daniel, how can I help you today?",
            ),
            ("customer", "Hi, my bill doubled this month and I did not change anything on my plan."),
            ("agent", "So you're saying your bill doubled this month without any change, is that right?"),
            ("customer", "Yes, exactly."),
            ("agent", "Let me check your account for you."),  # narration, not a hold request
            ("pause", 12.0),
            (
                "agent",
                "Thanks for waiting. May I transfer you to our billing team? They can refund the extra charge.",
            ),
            ("customer", "Sure, thank you."),
        ],
        "agent_range": "x-high",
        "direction": "inbound",
        "expect": {"restating_need": "pass", "dead_air": "pass", "transfer": "pass", "monotone": "pass"},
    },
    "en-etq-bad": {  # no restatement, unexplained silence, a bare transfer, a flat voice
        "turns": [
            (
                "agent",
                "Thank you for calling Northwind Telecom, my name is Daniel, how can I help you today?",
            ),
            ("customer", "Hi, my bill doubled this month and I did not change anything on my plan."),
            (
                "agent",
                "Okay. I see. Your account number is on the screen now and the last payment was in March.",
            ),
            ("pause", 12.0),
            ("agent", "I am transferring you now. The next person will look at the bill and call you later."),
            ("customer", "Oh, okay."),
        ],
        "agent_range": "0",
        "direction": "inbound",
        "expect": {"restating_need": "fail", "dead_air": "fail", "transfer": "fail", "monotone": "fail"},
    },
    "en-voicemail": {  # an outbound call reaching a mailbox: greeting, beep, a complete message
        "turns": [
            (
                "customer",
                "Hi, this is Sam. I cannot take your call right now. Please leave a message after the tone.",
            ),
            ("beep", 0.6),
            (
                "agent",
                "Hi Sam, this is Daniel from Northwind Telecom about your repair. Please call us back at "
                "5 5 5, 1 2 3, 4 5 6 7, before 6 pm today. Thank you.",
            ),
        ],
        "agent_range": "x-high",
        "direction": "outbound",
        "expect": {"voicemail": "pass", "restating_need": "na"},
    },
}


def telephone(x: np.ndarray, sr: int) -> np.ndarray:
    sos = butter(4, [300, 3400], btype="bandpass", fs=sr, output="sos")
    y = resample_poly(sosfiltfilt(sos, x.astype(np.float64)), SR, sr)
    return (0.4 * y / max(float(np.abs(y).max()), 1e-9)).astype(np.float32)


def trim(x: np.ndarray, *, floor: float = 0.01) -> np.ndarray:
    idx = np.flatnonzero(np.abs(x) > floor * np.abs(x).max())
    return x[idx[0] : idx[-1] + 1] if idx.size else x


def say(text: str, *, voice: str, pitch_range: str | None) -> np.ndarray:
    with tempfile.TemporaryDirectory() as td:
        out = Path(td) / "s.wav"
        args = ["espeak-ng", "-v", voice, "-s", "165", "-w", str(out)]
        if pitch_range is not None:
            args += ["-m", f'<speak><prosody range="{pitch_range}">{text}</prosody></speak>']
        else:
            args += [text]
        subprocess.run(args, check=True)
        x, sr = sf.read(out, dtype="float32")
    return telephone(trim(np.asarray(x, dtype=np.float32)), sr)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    index = {}
    for call_id, spec in CALLS.items():
        t, turns, pieces = 0.5, [], []
        for role, what in spec["turns"]:
            if role == "pause":
                t += float(what)
                continue
            if role == "beep":
                n = int(float(what) * SR)
                pieces.append((1, t, 0.3 * np.sin(2 * np.pi * 1000 * np.arange(n) / SR).astype(np.float32)))
                t += float(what) + GAP_S
                continue
            x = say(what, voice="en-us" if role == "agent" else "en-us+f3",
                    pitch_range=spec["agent_range"] if role == "agent" else None)  # fmt: skip
            pieces.append((0 if role == "agent" else 1, t, x))
            turns.append(
                {"role": role, "text": what, "start_s": round(t, 2), "end_s": round(t + len(x) / SR, 2)}
            )
            t += len(x) / SR + GAP_S
        n = int((t + 0.5) * SR)
        stereo = (10 ** (-60 / 20) * rng.standard_normal((n, 2))).astype(np.float32)
        for ch, start, x in pieces:
            i = int(start * SR)
            stereo[i : i + len(x), ch] += x
        sf.write(OUT / f"{call_id}.wav", stereo, SR, subtype="ULAW")
        index[call_id] = {"audio": f"{call_id}.wav", "channel_layout": "stereo_agent_left",
                          "company": "Northwind Telecom", "agent_name": "Daniel", "direction": spec["direction"],
                          "duration_s": round(n / SR, 2), "turns": turns, "expect": spec["expect"]}  # fmt: skip
        print(call_id, f"{n / SR:.1f} s")
    meta = {"generator": "scripts/make_etiquette_clips.py", "voices": {"agent": "espeak-ng en-us (SSML range)",
            "customer": "espeak-ng en-us+f3"}, "format": "8 kHz mu-law stereo WAV, agent left, 300-3400 Hz",
            "calls": index}  # fmt: skip
    (OUT / "calls.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
