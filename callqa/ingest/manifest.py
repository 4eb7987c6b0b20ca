"""Turn command-line inputs (files, folders, CSV/JSONL manifests) into `CallMeta` records."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from callqa.config import Defaults
from callqa.types import LANGUAGES, CallMeta

AUDIO_EXTENSIONS = {".wav", ".mp3", ".flac", ".ogg", ".oga", ".opus", ".au", ".aiff", ".aif"}
MANIFEST_EXTENSIONS = {".csv", ".jsonl", ".ndjson"}
LAYOUTS = ("mono", "stereo_agent_left", "stereo_agent_right")
HANGUP = ("agent", "customer", "unknown")
_META_FIELDS = {f.name for f in fields(CallMeta)}
_SAFE_ID = re.compile(r"[^A-Za-z0-9._\-]+")


@dataclass(frozen=True)
class InputError:
    """A manifest row or input path that cannot become a call."""

    file: str
    stage: str
    message: str
    call_id: str | None = None


def safe_call_id(call_id: str) -> str:
    """A call id usable as a file name that can never escape the output folder."""
    cleaned = _SAFE_ID.sub("_", str(call_id).strip()).strip("._")
    return cleaned[:150] or "call"


def load_roster(path: str | None) -> dict[str, str]:
    if not path:
        return {}
    p = Path(path)
    with open(p, newline="", encoding="utf-8") as f:
        return {
            r["agent_id"].strip(): r["agent_name"].strip() for r in csv.DictReader(f) if r.get("agent_id")
        }


def _meta_from_row(
    row: dict[str, Any], *, base: Path, defaults: Defaults, roster: dict[str, str]
) -> CallMeta:
    row = {k.strip(): (v.strip() if isinstance(v, str) else v) for k, v in row.items() if k is not None}
    row = {k: v for k, v in row.items() if v not in ("", None)}
    unknown = set(row) - _META_FIELDS
    if unknown:
        raise ValueError(f"unknown column(s) {sorted(unknown)}")
    if "call_id" not in row:
        raise ValueError("missing call_id")
    if "audio_path" not in row and "transcript_path" not in row:
        raise ValueError("missing audio_path (or transcript_path)")
    for key in ("audio_path", "transcript_path"):
        if key in row:
            p = Path(row[key])
            row[key] = str(p if p.is_absolute() else (base / p))
    language = row.get("language", defaults.language)
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r} not supported (en, zh, ru)")
    layout = row.get("channel_layout", defaults.channel_layout)
    if layout not in LAYOUTS:
        raise ValueError(f"channel_layout {layout!r} not one of {', '.join(LAYOUTS)}")
    if "hangup_party" in row and row["hangup_party"] not in HANGUP:
        raise ValueError(f"hangup_party {row['hangup_party']!r} not one of {', '.join(HANGUP)}")
    ring_s = row.get("ring_s")
    if ring_s is not None:
        try:
            ring_s = float(ring_s)
        except (TypeError, ValueError):
            raise ValueError(f"ring_s {ring_s!r} is not a number") from None
        if ring_s < 0:
            raise ValueError("ring_s is negative")
    agent_name = row.get("agent_name") or roster.get(str(row.get("agent_id", ""))) or defaults.agent_name
    return CallMeta(
        call_id=str(row["call_id"]),
        audio_path=row.get("audio_path"),
        language=language,
        agent_id=None if row.get("agent_id") is None else str(row["agent_id"]),
        agent_name=agent_name,
        company=row.get("company", defaults.company),
        channel_layout=layout,
        direction=row.get("direction"),
        started_at=None if row.get("started_at") is None else str(row["started_at"]),
        ring_s=ring_s,
        hangup_party=row.get("hangup_party"),
        ring_profile=row.get("ring_profile", defaults.ring_profile),
        transcript_path=row.get("transcript_path"),
        customer_name=row.get("customer_name"),
    )


def read_manifest(
    path: Path, *, defaults: Defaults, roster: dict[str, str]
) -> tuple[list[CallMeta], list[InputError]]:
    metas: list[CallMeta] = []
    errors: list[InputError] = []
    base = path.parent
    try:
        if path.suffix.lower() == ".csv":
            with open(path, newline="", encoding="utf-8-sig") as f:
                rows = list(enumerate(csv.DictReader(f), start=2))
        else:
            rows = []
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if line.strip():
                    try:
                        rows.append((n, json.loads(line)))
                    except json.JSONDecodeError as exc:
                        errors.append(
                            InputError(str(path), "manifest", f"line {n}: not valid JSON ({exc.msg})")
                        )
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        return [], [InputError(str(path), "manifest", f"cannot read manifest: {exc}")]
    for n, row in rows:
        if not isinstance(row, dict):
            errors.append(InputError(str(path), "manifest", f"line {n}: expected an object"))
            continue
        try:
            metas.append(_meta_from_row(row, base=base, defaults=defaults, roster=roster))
        except ValueError as exc:
            errors.append(InputError(str(path), "manifest", f"line {n}: {exc}", row.get("call_id")))
    return metas, errors


def collect_inputs(
    inputs: Iterable[str | Path], *, defaults: Defaults
) -> tuple[list[CallMeta], list[InputError]]:
    """Files, folders (recursive) and manifests -> call records with unique, safe call ids."""
    roster = load_roster(defaults.roster)
    metas: list[CallMeta] = []
    errors: list[InputError] = []

    def from_audio(p: Path) -> CallMeta:
        return CallMeta(
            call_id=p.stem,
            audio_path=str(p),
            language=defaults.language,
            channel_layout=defaults.channel_layout,  # type: ignore[arg-type]
            company=defaults.company,
            agent_name=defaults.agent_name,
            ring_profile=defaults.ring_profile,
        )

    for raw in inputs:
        p = Path(raw)
        if p.is_dir():
            found = sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in AUDIO_EXTENSIONS)
            if not found:
                errors.append(InputError(str(p), "input", "folder contains no audio files"))
            metas.extend(from_audio(q) for q in found)
        elif p.suffix.lower() in MANIFEST_EXTENSIONS and p.exists():
            m, e = read_manifest(p, defaults=defaults, roster=roster)
            metas.extend(m)
            errors.extend(e)
        elif p.exists() or p.suffix.lower() in AUDIO_EXTENSIONS:
            metas.append(from_audio(p))  # a missing/bad audio file is reported by the decoder, per call
        else:
            errors.append(InputError(str(p), "input", "no such file or folder"))
    return _dedupe_ids(metas), errors


def _dedupe_ids(metas: list[CallMeta]) -> list[CallMeta]:
    from dataclasses import replace

    seen: dict[str, int] = {}
    out = []
    for m in metas:
        cid = safe_call_id(m.call_id)
        if cid in seen:
            seen[cid] += 1
            cid = f"{cid}-{seen[cid]}"
        else:
            seen[cid] = 1
        out.append(replace(m, call_id=cid) if cid != m.call_id else m)
    return out
