"""What a stored result claims about who spoke when: turns by role and by speaker, for DER and role accuracy."""

from __future__ import annotations

from callqa.store.codec import StoredResult


def hyp_role_turns(result: StoredResult) -> list[tuple[str, float, float]]:
    return [(u.role or "unknown", float(u.start_s), float(u.end_s)) for u in result.utterances]


def hyp_speaker_turns(result: StoredResult) -> list[tuple[str, float, float]]:
    """Diarization turns (mono) when present, else utterances by role (stereo: one speaker per channel)."""
    if result.turns:
        return [(str(t.speaker), float(t.start_s), float(t.end_s)) for t in result.turns]
    return hyp_role_turns(result)
