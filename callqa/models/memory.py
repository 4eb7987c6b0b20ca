"""Give the memory a finished piece of work freed back to the system (glibc keeps it otherwise).

A worker's models stay loaded for the night; between them, each ASR block, diarization window and step frees
tens of MB of short-lived arrays (features, encoder outputs, spectra). glibc keeps freed memory in its arenas,
scattered among live allocations, so the resident set after a block stays ~100 MB above what is live and the
next block's transient lands on top of it: the peak creeps up with call length. `release()` asks glibc to hand
the free pages back (`malloc_trim(0)`, ≈ 1 ms); elsewhere (macOS, musl) it does nothing. Recordings mapped from
their file (`track_mapping`, long 16-bit WAV files: callqa/ingest/audio.py) drop the pages read so far from the
worker's resident set (they stay in the page cache and are read again from there when needed). Values are
untouched: only where memory lives changes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import mmap
import threading
import weakref

import numpy as np

_MAPPINGS: list[weakref.ref[np.memmap]] = []  # arrays are not hashable: a list of weak references
_LOCK = threading.Lock()  # thread runners call release() from several threads


def track_mapping(array: np.memmap) -> None:
    """Let `release()` drop the pages of this file mapping that have been read (for as long as it lives)."""
    with _LOCK:
        _MAPPINGS.append(weakref.ref(array))


@functools.cache
def _malloc_trim():
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        return ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


def release() -> bool:
    """Return freed heap memory to the system now; True when the C library could (glibc)."""
    with _LOCK:
        _MAPPINGS[:] = [ref for ref in _MAPPINGS if ref() is not None]
        arrays = [ref() for ref in _MAPPINGS]
    for array in arrays:
        mapping = getattr(array, "_mmap", None)
        if mapping is not None and hasattr(mmap, "MADV_DONTNEED"):
            try:
                mapping.madvise(mmap.MADV_DONTNEED)
            except (OSError, ValueError):  # closed, or not supported here
                pass
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
