"""Exports of a scored call: WebVTT subtitles (with roles) and RTTM speaker turns."""

from __future__ import annotations

from callqa.store.codec import StoredResult, StoredTurn


def _ts(seconds: float) -> str:
    ms = int(round(max(seconds, 0.0) * 1000))
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def to_webvtt(call: StoredResult) -> str:
    lines = ["WEBVTT", ""]
    for i, u in enumerate(call.utterances, 1):
        lines += [str(i), f"{_ts(u.start_s)} --> {_ts(u.end_s)}", f"<v {u.role}>{u.text}", ""]
    return "\n".join(lines)


def to_rttm(call: StoredResult) -> str:
    """NIST RTTM: one SPEAKER line per diarization/channel turn (speaker label = role_speaker)."""
    rows = []
    uri = call.call_id
    turns = call.turns or tuple(StoredTurn(u.speaker, u.start_s, u.end_s, u.role) for u in call.utterances)
    for t in turns:
        dur = t.end_s - t.start_s
        if dur > 0:
            rows.append(f"SPEAKER {uri} 1 {t.start_s:.3f} {dur:.3f} <NA> <NA> {t.role}_{t.speaker} <NA> <NA>")
    return "\n".join(rows) + ("\n" if rows else "")
