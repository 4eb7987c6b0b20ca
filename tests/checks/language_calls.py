"""Hand-built calls for the language-check tests: rows of (role, start_s, end_s, text) to a `Call`."""

from __future__ import annotations

from callqa.features import build_call
from callqa.ingest.transcript import parse_transcript
from callqa.types import Call, CallMeta, SignalEvent, SignalReport


def make_call(language, rows, *, timed_words=False, events=(), duration_s=None, **meta) -> Call:
    """`rows`: (role, start_s, end_s, text). With `timed_words`, words get even times over the span
    (zh: one word per whitespace chunk)."""
    utts = []
    for role, start, end, text in rows:
        u = {"speaker": role, "role": role, "start_s": start, "end_s": end, "text": text}
        if timed_words:
            parts = text.split()
            step = (end - start) / len(parts)
            u["words"] = [
                {"text": w, "start_s": start + i * step, "end_s": start + (i + 1) * step}
                for i, w in enumerate(parts)
            ]
        utts.append(u)
    data = {"language": language, "utterances": utts}
    if duration_s is not None:
        data["duration_s"] = duration_s
    transcript = parse_transcript(data)
    signal = None
    if events:
        signal = SignalReport(
            sample_rate=8000,
            duration_s=transcript.duration_s,
            n_channels=1,
            channels=(),
            events=tuple(SignalEvent(kind, s, e) for kind, s, e in events),
        )
    return build_call(CallMeta(call_id="t", audio_path=None, language=language, **meta), transcript, signal)
