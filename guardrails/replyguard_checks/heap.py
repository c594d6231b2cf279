"""Giving freed C-heap memory back to the system (glibc only; elsewhere a no-op).

Native libraries that load big tables (lingua decompresses its models through the C
heap) free their scratch buffers afterwards, but glibc keeps freed memory mapped in
case it is wanted again: tens of MiB per worker that nothing will use. `trim` hands it
back; `limit_arenas` stops glibc from giving every thread its own heap (each keeps its
own free memory), which a threaded server otherwise pays for per thread.
"""

from __future__ import annotations

import ctypes
import os
import sys
from functools import cache
from typing import Any

# glibc's mallopt parameter for the most arenas (malloc.h: M_ARENA_MAX).
_M_ARENA_MAX = -8
#: The environment variable glibc reads at start-up in processes started later.
ARENA_ENV = "MALLOC_ARENA_MAX"


@cache
def _glibc() -> Any | None:
    """glibc, or None where the C library is another (musl, macOS, Windows)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    if not hasattr(libc, "malloc_trim") or not hasattr(libc, "mallopt"):
        return None
    return libc


def trim() -> bool:
    """Return the heap's free memory to the system; True when some was."""
    libc = _glibc()
    return bool(libc.malloc_trim(0)) if libc is not None else False


def limit_arenas(arenas: int) -> None:
    """At most `arenas` malloc arenas in this process from now on, and in processes it
    starts (unless `MALLOC_ARENA_MAX` was set already, which wins in both)."""
    if ARENA_ENV in os.environ:
        return
    os.environ[ARENA_ENV] = str(arenas)
    libc = _glibc()
    if libc is not None:
        libc.mallopt(_M_ARENA_MAX, arenas)
