"""Truth files of the labelled eval calls (``<call_id>.truth.json`` beside each recording).

One JSON object per call, written by ``scripts/make_eval_calls.py`` (pure Python here so the generator's
own virtual environment can import it). A value of ``null`` means "not labelled": that call is left out of
that check's figures (e.g. espeak-ng Mandarin/Russian calls have no text truth, real legs no filler count).

Keys: ``call_id``, ``audio_path`` (relative to the truth file), ``language``, ``channel_layout``,
``duration_s``, ``source`` (``tts`` | ``real``), ``voices`` {agent, customer}, ``distinct_voices``
(false where both parties are espeak-ng voices of one language: too alike to be a fair diarization test),
``rings`` {in_audio, profile, count, answer_s}, ``holds`` [{start_s, end_s, music}], ``hangup_party``,
``volume`` {agent: normal|loud|quiet, agent_active_dbfs, customer_active_dbfs}, ``rate_ratio`` (agent units
per speech second / the customer's), ``fillers`` (agent filler words), ``greeting`` / ``closing`` (booleans),
``turns`` [{role, start_s, end_s, text}] and ``manifest`` (the manifest row given to ``callqa score``).

Optional (issue 17): a hold may carry ``checkins`` (agent turns inside it) and ``longest_unattended_s``;
``starts_mid_call`` (the recording starts inside a conversation: no opening to find roles from),
``music_bed`` (music plays under the conversation: no hold, every word heard) and ``hangup_tone`` (the
hang-up leaves a busy tone, or the line just ends).
"""

from __future__ import annotations

import json
from dataclasses import MISSING, asdict, dataclass, field
from pathlib import Path
from typing import Any

TRUTH_SUFFIX = ".truth.json"
AGENT_LEVELS = ("normal", "loud", "quiet")


@dataclass
class Truth:
    call_id: str
    audio_path: str
    language: str
    channel_layout: str
    duration_s: float
    source: str
    voices: dict[str, str]
    distinct_voices: bool
    rings: dict[str, Any] | None
    holds: list[dict[str, Any]] | None
    hangup_party: str | None
    volume: dict[str, Any] | None
    rate_ratio: float | None
    fillers: int | None
    greeting: dict[str, bool] | None
    closing: dict[str, bool] | None
    turns: list[dict[str, Any]]
    manifest: dict[str, str] = field(default_factory=dict)
    notes: str = ""
    starts_mid_call: bool = False
    music_bed: bool = False
    hangup_tone: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def speech_turns(self) -> list[tuple[str, float, float]]:
        return [(t["role"], float(t["start_s"]), float(t["end_s"])) for t in self.turns]


class TruthError(ValueError):
    """A truth file that cannot be used; the message names the file and the reason."""


def load_truth(path: str | Path) -> Truth:
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise TruthError(f"{path}: cannot read truth file: {exc}") from exc
    if not isinstance(raw, dict):
        raise TruthError(f"{path}: a truth file holds one JSON object")
    fields = set(Truth.__dataclass_fields__)
    unknown = sorted(set(raw) - fields)
    if unknown:
        raise TruthError(f"{path}: unknown keys {unknown}")
    required = {
        n
        for n, f in Truth.__dataclass_fields__.items()
        if f.default is MISSING and f.default_factory is MISSING
    }
    missing = sorted(required - set(raw))
    if missing:
        raise TruthError(f"{path}: missing keys {missing}")
    truth = Truth(**raw)
    if truth.volume is not None and truth.volume.get("agent") not in AGENT_LEVELS:
        raise TruthError(f"{path}: volume.agent must be one of {AGENT_LEVELS}")
    for h in truth.holds or []:
        if not float(h["start_s"]) < float(h["end_s"]):
            raise TruthError(f"{path}: hold {h} ends before it starts")
    return truth


def load_truth_dir(folder: str | Path) -> list[Truth]:
    """Every ``*.truth.json`` under `folder`, sorted by call id."""
    folder = Path(folder)
    if not folder.is_dir():
        raise TruthError(f"{folder}: not a folder")
    truths = [load_truth(p) for p in sorted(folder.glob(f"*{TRUTH_SUFFIX}"))]
    if not truths:
        raise TruthError(f"{folder}: no *{TRUTH_SUFFIX} files")
    return sorted(truths, key=lambda t: t.call_id)


def dump_truth(truth: Truth, folder: str | Path) -> Path:
    path = Path(folder) / f"{truth.call_id}{TRUTH_SUFFIX}"
    path.write_text(json.dumps(truth.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path
