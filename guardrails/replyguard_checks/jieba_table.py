"""jieba's word frequencies as a memory-mapped MARISA trie, built once per machine.

jieba keeps its dictionary (every word and every prefix of one, about 580,000 keys)
as a Python dict: about 60 MiB in every worker. The same pairs as a marisa-trie are a
few MB on disk, mapped read-only and shared by all workers. Segmentation is jieba's
own (`Tokenizer.lcut`) over the same frequencies and total, so its words are jieba's
exactly; a test holds them equal.

The trie is written from jieba's own loaded dictionary the first time it is needed on
a machine, in a child process (jieba's dict never stays in a worker), under a file
lock and renamed into place. Where no cache folder can be written, jieba loads its
dictionary in memory as usual (same words, more memory).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import jieba
import marisa_trie

from .disk_cache import cache_root, locked

log = logging.getLogger(__name__)

_TRIE = "freq.marisa"
_TOTAL = "total.json"
_RECORD = "<Q"


def folder() -> Path:
    """Where the trie is kept: a folder per jieba version (its dictionary may change)."""
    return cache_root() / "jieba" / f"jieba-{jieba.__version__}"


class MappedFrequencies:
    """The part of a dict jieba's `Tokenizer` uses (`in`, `[]`, `get`), over a trie."""

    __slots__ = ("_trie",)

    def __init__(self, trie: marisa_trie.RecordTrie) -> None:
        self._trie = trie

    def __contains__(self, word: object) -> bool:
        return word in self._trie

    def __getitem__(self, word: str) -> int:
        value: int = self._trie[word][0][0]
        return value

    def get(self, word: str, default: int | None = None) -> int | None:
        found = self._trie.get(word)
        if not found:
            return default
        value: int = found[0][0]
        return value


def build(target: Path) -> None:
    """Write the trie and total of jieba's default dictionary into `target` (run in a
    child process: loading the dictionary costs the memory this module saves)."""
    target.mkdir(parents=True, exist_ok=True)
    with locked(target):
        if (target / _TRIE).exists() and (target / _TOTAL).exists():
            return
        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.tmp_dir = tempfile.gettempdir()
        tokenizer.initialize()
        trie = marisa_trie.RecordTrie(_RECORD, ((w, (f,)) for w, f in tokenizer.FREQ.items()))
        with tempfile.TemporaryDirectory(dir=target, prefix=".build-") as scratch:
            trie.save(str(Path(scratch) / _TRIE))
            (Path(scratch) / _TOTAL).write_text(json.dumps({"total": tokenizer.total}))
            os.replace(Path(scratch) / _TOTAL, target / _TOTAL)
            os.replace(Path(scratch) / _TRIE, target / _TRIE)


def mapped(target: Path) -> tuple[MappedFrequencies, int]:
    """The frequencies and total kept in `target`, built there first if missing."""
    if not ((target / _TRIE).exists() and (target / _TOTAL).exists()):
        subprocess.run(
            [sys.executable, "-m", __name__, str(target)], check=True, stdout=subprocess.DEVNULL
        )
    total = int(json.loads((target / _TOTAL).read_text())["total"])
    trie = marisa_trie.RecordTrie(_RECORD).mmap(str(target / _TRIE))
    return MappedFrequencies(trie), total


@cache
def tokenizer() -> Any:
    """A jieba `Tokenizer` over the mapped trie (over jieba's dict if none can be had)."""
    jieba.setLogLevel(logging.WARNING)
    found = jieba.Tokenizer()
    try:
        found.FREQ, found.total = mapped(folder())
    except (OSError, ValueError, KeyError, subprocess.CalledProcessError) as error:
        log.warning("no jieba trie (%s): jieba's dictionary in memory", error)
        found.tmp_dir = tempfile.gettempdir()
        found.initialize()
    else:
        found.initialized = True
    return found


if __name__ == "__main__":
    build(Path(sys.argv[1]) if sys.argv[1:] else folder())
