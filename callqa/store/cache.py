"""The transcript cache (`cache/transcripts/<key>.json`) and its keys: the audio's content hash and everything
that changes what the models produce."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from callqa.store.atomic import atomic_write_text
from callqa.store.codec import TRANSCRIPT_CODEC, transcript_from_dict, transcript_to_dict
from callqa.types import CallMeta, CallTranscript
from callqa.version import __version__

if TYPE_CHECKING:
    from callqa.config import Config


def transcript_cache_key(audio_sha256: str, meta: CallMeta, config: Config) -> str:
    """Content hash of the audio + ASR/diarization/align/roles config (+ the signal config for stereo calls,
    whose turns come from the signal layer, and whenever ASR hears only the signal's speech regions). Check rules are not in it: changing them is what `rescore` is for."""
    relevant = {
        "audio": audio_sha256,
        "language": meta.language,
        "layout": meta.channel_layout,
        "agent_name": meta.agent_name,
        "company": meta.company,
        "asr": asdict(config.asr),
        "diarization": asdict(config.diarization),
        "roles": asdict(config.roles),
        "align": asdict(config.align),
        "callqa": __version__,
        "codec": TRANSCRIPT_CODEC,
    }
    if meta.channel_layout != "mono" or config.asr.speech_only:  # the signal decides what ASR hears
        relevant["signal"] = asdict(config.signal)
    blob = json.dumps(relevant, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:32]


@dataclass(frozen=True)
class TranscriptCache:
    """What the model steps produced per key; workers read it, only the main process writes it."""

    folder: Path

    def has(self, key: str) -> bool:
        """An entry is stored under `key` (not read: it may still be of another codec version)."""
        return (self.folder / f"{key}.json").exists()

    def get(self, key: str) -> CallTranscript | None:
        path = self.folder / f"{key}.json"
        if not path.exists():
            return None
        try:
            return transcript_from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):  # CodecError is a ValueError
            return None  # a damaged or other-version cache entry is recomputed, not trusted

    def put(self, key: str, transcript: CallTranscript) -> None:
        atomic_write_text(
            self.folder / f"{key}.json", json.dumps(transcript_to_dict(transcript), ensure_ascii=False)
        )
