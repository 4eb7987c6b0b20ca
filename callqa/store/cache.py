"""Keys of the transcript cache: the audio's content hash and everything that changes what the models produce."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from typing import TYPE_CHECKING

from callqa import __version__
from callqa.store.codec import TRANSCRIPT_CODEC
from callqa.types import CallMeta

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
