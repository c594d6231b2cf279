"""Where the checks keep what they build once from their libraries' data (the lemma
and jieba tries), and the lock that lets several workers build it only once."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CACHE_ENV = "REPLYGUARD_CACHE_DIR"


def cache_root() -> Path:
    """`$REPLYGUARD_CACHE_DIR`, else `$XDG_CACHE_HOME` or ~/.cache, under replyguard/."""
    root = os.environ.get(CACHE_ENV) or os.environ.get("XDG_CACHE_HOME")
    base = Path(root) if root else Path.home() / ".cache"
    if not os.environ.get(CACHE_ENV):
        base = base / "replyguard"
    return base


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold `folder`'s build lock (across processes): one worker builds, the others
    wait and then find the files in place."""
    with open(folder / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
