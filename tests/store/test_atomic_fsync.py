"""Atomic writes fsync the file and then its folder (so the rename survives a power cut)."""

from __future__ import annotations

import os
from pathlib import Path

from callqa.store import atomic


def test_atomic_write_fsyncs_file_then_folder(tmp_path: Path, monkeypatch) -> None:
    synced: list[str] = []
    real = os.fsync

    def spy(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(atomic.os, "fsync", spy)
    target = tmp_path / "calls" / "x.json"
    atomic.atomic_write_text(target, '{"call_id": "x"}')
    assert len(synced) == 2
    assert Path(synced[0]).parent == target.parent and Path(synced[0]).name.startswith(
        ".x.json."
    )  # the temp file
    assert Path(synced[1]) == target.parent  # then the folder, after the rename
    assert target.read_text() == '{"call_id": "x"}'
    assert sorted(p.name for p in target.parent.iterdir()) == ["x.json"]
