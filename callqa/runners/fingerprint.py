"""What a stored result was computed from: audio (or imported transcript) content, call metadata, config.

A call is skipped only when all three match the stored result; changing any of them rescores it.
`runtime.workers`, `runtime.threads` and `runtime.cache` do not change results and are left out of the config hash.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from callqa.config import Config
from callqa.models.paths import file_sha256
from callqa.records import Fingerprint
from callqa.store.codec import StoredResult
from callqa.types import CallMeta
from callqa.version import __version__

RESULT_NEUTRAL_RUNTIME = ("workers", "threads", "cache")


def _sha(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


def file_hash(path: str | Path | None) -> str | None:
    if not path:
        return None
    try:
        return file_sha256(Path(path))
    except OSError:
        return None  # unreadable: the call runs and fails with a proper error row


def config_hash(config: Config) -> str:
    cfg: dict[str, Any] = asdict(config)
    cfg.pop("source", None)
    for key in RESULT_NEUTRAL_RUNTIME:
        (cfg.get("runtime") or {}).pop(key, None)
    card = cfg.get("scorecard")
    if isinstance(card, str) and Path(card).is_file():  # a scorecard file: its content counts, not its name
        cfg["scorecard_content"] = file_hash(card)
    cfg["rules_content"] = config.resolved.rules.fingerprint  # the rule files' bytes: edited rules re-score
    cfg["callqa"] = __version__
    return _sha(json.dumps(cfg, sort_keys=True, default=str).encode())[:24]


def fingerprint(meta: CallMeta, cfg_hash: str) -> Fingerprint:
    m = asdict(meta)
    for k in ("audio_path", "transcript_path"):  # moving a file does not change the call
        m.pop(k, None)
    return Fingerprint(
        audio_sha256=file_hash(meta.audio_path),
        transcript_sha256=file_hash(meta.transcript_path),
        meta_sha256=_sha(json.dumps(m, sort_keys=True, default=str).encode())[:24],
        config_sha256=cfg_hash,
    )


def is_current(stored: StoredResult | None, fp: Fingerprint) -> bool:
    """True when `stored` was computed from exactly these inputs (a missing input hash never matches)."""
    if stored is None or stored.fingerprint != fp:
        return False
    return fp.audio_sha256 is not None or fp.transcript_sha256 is not None
