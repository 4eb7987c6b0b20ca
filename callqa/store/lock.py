"""One writer per results folder: an advisory `flock` on `<out>/callqa.lock`.

The kernel drops the lock when its process dies (also on `kill -9`), so a lock left behind by a killed run
never blocks the next one; the file itself only says who holds it (pid, host, command, start time) so the
refusal can name the running process.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import sys
import time
from pathlib import Path

try:  # POSIX only; elsewhere the folder is not locked (documented)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = "callqa.lock"
_HELD: dict[str, tuple[int, int]] = {}  # resolved lock path -> (fd, depth): re-entrant within one process


class FolderBusy(RuntimeError):
    """Another process is writing to this results folder."""


class FolderUnwritable(RuntimeError):
    """The results folder cannot be created or written."""


def _holder_text(path: Path) -> str:
    try:
        info = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return "another process (its lock file could not be read)"
    cmd = info.get("command") or "?"
    return (
        f"process {info.get('pid', '?')} on {info.get('host', '?')} "
        f"(`{cmd}`, started {info.get('started', '?')})"
    )


class FolderLock:
    """`with FolderLock(root): ...` — refuses (FolderBusy) when another live process holds the folder."""

    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()
        self.path = self.root / LOCK_NAME

    def __enter__(self) -> FolderLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def acquire(self) -> None:
        key = str(self.path)
        if key in _HELD:
            fd, depth = _HELD[key]
            _HELD[key] = (fd, depth + 1)
            return
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise FolderUnwritable(
                f"cannot write to results folder {self.root}: {exc.strerror or exc}"
            ) from None
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise FolderBusy(
                        f"results folder {self.root} is in use by {_holder_text(self.path)}; "
                        "wait for it to finish or write to another --out"
                    ) from None
                raise
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": " ".join(sys.argv)[:300],
            "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(info).encode(), 0)
        except OSError as exc:
            os.close(fd)
            raise FolderUnwritable(
                f"cannot write to results folder {self.root}: {exc.strerror or exc}"
            ) from None
        _HELD[key] = (fd, 1)

    def release(self) -> None:
        key = str(self.path)
        if key not in _HELD:
            return
        fd, depth = _HELD[key]
        if depth > 1:
            _HELD[key] = (fd, depth - 1)
            return
        del _HELD[key]
        try:
            os.ftruncate(fd, 0)  # the file stays (unlinking a flock file races with a waiting locker)
        except OSError:
            pass
        os.close(fd)  # closing the descriptor releases the flock


def close_inherited_locks() -> None:
    """In a forked worker: drop the copies of the parent's lock descriptors.

    A flock belongs to the open file, which a forked child shares: without this, worker processes that
    outlive a killed batch would keep its folder locked. Closing the child's copy leaves the parent's lock.
    """
    for fd, _depth in list(_HELD.values()):
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()
