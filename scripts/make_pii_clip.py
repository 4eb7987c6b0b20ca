"""Make tests/data/generated/pii/card_call.flac: a short stereo call (agent left) where the customer reads a card
number and a phone number, for the real-model redaction test (tests/redact/test_offline_batch.py).

Both parties are espeak-ng (Debian package, GPL-3.0): agent ``en-us``, customer ``en-us+f4``; band-passed to
300-3400 Hz, 8 kHz, 16-bit. Usage: ``PYTHONPATH=. python scripts/make_pii_clip.py`` (needs espeak-ng).
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import butter, resample_poly, sosfiltfilt

OUT = Path(__file__).resolve().parent.parent / "tests/data/generated/pii/card_call.flac"
SR = 8000
AGENT = "Thank you for calling Acme, this is Anna. How can I help you?"
# Whisper base heard espeak's "five" as "times"/"pi": the numbers have no fives (both are test numbers)
CUSTOMER = ("Hi, I want to update my card. The card number is four zero one two, eight eight eight eight, "
            "eight eight eight eight, one eight eight one. And my phone number is two one two, seven three six, "
            "four zero one two.")  # fmt: skip


def say(text: str, voice: str) -> np.ndarray:
    with tempfile.NamedTemporaryFile(suffix=".wav") as f:
        subprocess.run(["espeak-ng", "-v", voice, "-s", "130", "-w", f.name, text], check=True)
        x, sr = sf.read(f.name, dtype="float32")
    x = resample_poly(x, SR, sr)
    x = sosfiltfilt(butter(4, [300, 3400], btype="band", fs=SR, output="sos"), x)
    return (0.5 * x / np.max(np.abs(x))).astype(np.float32)


def main() -> None:
    agent, customer = say(AGENT, "en-us"), say(CUSTOMER, "en-us+f4")
    gap = int(0.6 * SR)
    n = int(0.5 * SR) + len(agent) + gap + len(customer) + int(0.5 * SR)
    left, right = np.zeros(n, np.float32), np.zeros(n, np.float32)
    a0 = int(0.5 * SR)
    left[a0 : a0 + len(agent)] = agent
    c0 = a0 + len(agent) + gap
    right[c0 : c0 + len(customer)] = customer
    rng = np.random.default_rng(0)
    noise = 10 ** (-60 / 20) * rng.standard_normal((n, 2)).astype(np.float32)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(OUT), np.stack([left, right], axis=1) + noise, SR, subtype="PCM_16", format="FLAC")
    print(f"{OUT}: {n / SR:.1f} s")


if __name__ == "__main__":
    main()
