"""Give the memory a finished piece of work freed back to the system (glibc keeps it otherwise).

A worker's models stay loaded for the night; between them, each ASR block, diarization window and step frees
tens of MB of short-lived arrays (features, encoder outputs, spectra). glibc keeps freed memory in its arenas,
scattered among live allocations, so the resident set after a block stays ~100 MB above what is live and the
next block's transient lands on top of it: the peak creeps up with call length. `release()` asks glibc to hand
the free pages back (`malloc_trim(0)`, ≈ 1 ms); elsewhere (macOS, musl) it does nothing. Values are untouched:
only where free memory lives changes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools


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
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
