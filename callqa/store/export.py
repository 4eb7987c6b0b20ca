"""Exports of a scored call: WebVTT subtitles (with roles) and RTTM speaker turns."""

from __future__ import annotations

from typing import Any


def _ts(seconds: float) -> str:
    ms = int(round(max(seconds, 0.0) * 1000))
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def to_webvtt(call: dict[str, Any]) -> str:
    lines = ["WEBVTT", ""]
    for i, u in enumerate(call.get("utterances", []), 1):
        lines += [str(i), f"{_ts(u['start_s'])} --> {_ts(u['end_s'])}", f"<v {u['role']}>{u['text']}", ""]
    return "\n".join(lines)


def to_rttm(call: dict[str, Any]) -> str:
    """NIST RTTM: one SPEAKER line per diarization/channel turn (speaker label = role_speaker)."""
    rows = []
    uri = call["call_id"]
    turns = call.get("turns") or [
        {"speaker": u["speaker"], "role": u["role"], "start_s": u["start_s"], "end_s": u["end_s"]}
        for u in call.get("utterances", [])
    ]
    for t in turns:
        dur = t["end_s"] - t["start_s"]
        if dur > 0:
            rows.append(
                f"SPEAKER {uri} 1 {t['start_s']:.3f} {dur:.3f} <NA> <NA> {t['role']}_{t['speaker']} <NA> <NA>"
            )
    return "\n".join(rows) + ("\n" if rows else "")
