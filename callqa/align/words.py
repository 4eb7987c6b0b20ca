"""Put words on speaker turns (interval overlap) and group them into utterances."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from callqa.types import Role, SpeakerTurn, Utterance, Word

NO_SPACE_LANGUAGES = {"zh", "ja"}


def join_words(words: Iterable[Word], language: str) -> str:
    sep = "" if language in NO_SPACE_LANGUAGES else " "
    return sep.join(w.text for w in words).strip()


def speaker_of(word: Word, turns: Sequence[SpeakerTurn]) -> str | None:
    """The speaker whose turns overlap the word most; the nearest turn when none overlaps."""
    best, best_overlap = None, 0.0
    for t in turns:
        if t.start_s > word.end_s:
            break
        overlap = min(t.end_s, word.end_s) - max(t.start_s, word.start_s)
        if overlap > best_overlap:
            best, best_overlap = t.speaker, overlap
    if best is not None:
        return best
    if not turns:
        return None
    mid = 0.5 * (word.start_s + word.end_s)
    # a zero-length word (Whisper emits them) inside a turn has no overlap but belongs to that turn
    nearest = min(
        turns,
        key=lambda t: 0.0 if t.start_s <= mid <= t.end_s else min(abs(t.start_s - mid), abs(t.end_s - mid)),
    )
    return nearest.speaker


def assign_words(words: Sequence[Word], turns: Sequence[SpeakerTurn]) -> list[tuple[str, Word]]:
    """Each word with its speaker label (turns sorted by start)."""
    ordered = sorted(turns, key=lambda t: t.start_s)
    return [(speaker_of(w, ordered) or "unknown", w) for w in words]


def group_utterances(
    labelled: Sequence[tuple[str, Word]],
    *,
    language: str,
    roles: dict[str, Role] | None = None,
    max_gap_s: float = 1.5,
    channel: int | None = None,
) -> list[Utterance]:
    """Consecutive words of one speaker, split where the speaker changes or a pause exceeds `max_gap_s`."""
    roles = roles or {}
    out: list[Utterance] = []
    current: list[Word] = []
    current_speaker: str | None = None

    def flush() -> None:
        if current and current_speaker is not None:
            out.append(
                Utterance(
                    speaker=current_speaker,
                    role=roles.get(current_speaker, "unknown"),
                    start_s=current[0].start_s,
                    end_s=current[-1].end_s,
                    text=join_words(current, language),
                    words=tuple(current),
                    channel=channel,
                )
            )

    for speaker, word in labelled:
        if current and (speaker != current_speaker or word.start_s - current[-1].end_s > max_gap_s):
            flush()
            current = []
        current_speaker = speaker
        current.append(word)
    flush()
    return out


def with_roles(utterances: Iterable[Utterance], roles: dict[str, Role]) -> list[Utterance]:
    from dataclasses import replace

    return [replace(u, role=roles.get(u.speaker, "unknown")) for u in utterances]
