"""`release()` hands freed heap memory back to the system on glibc and is a no-op elsewhere."""

from __future__ import annotations

import platform
from pathlib import Path

import numpy as np
import pytest

from callqa.models import memory


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(
    platform.system() != "Linux" or not platform.libc_ver()[0] == "glibc", reason="glibc only"
)
def test_release_returns_freed_small_blocks_to_the_system() -> None:
    # many small arrays (below glibc's mmap threshold, so they live in the heap), then free all but every 64th:
    # the heap stays fragmented and glibc keeps the freed pages until malloc_trim
    blocks = [np.ones(2048) for _ in range(40_000)]  # ~16 KB each, ~650 MB in all
    keep = blocks[::64]
    del blocks
    before = _rss_kb()
    assert memory.release() is True
    after = _rss_kb()
    assert len(keep) == 625
    assert before - after > 200_000, (before, after)  # KB: most of the ~640 MB freed comes back


def test_release_is_a_no_op_without_glibc(monkeypatch) -> None:
    monkeypatch.setattr(memory, "_malloc_trim", lambda: None)
    assert memory.release() is False
