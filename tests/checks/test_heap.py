"""Heap trimming and the arena limit work where glibc is, and do nothing elsewhere."""

from __future__ import annotations

import os

import pytest

from replyguard_checks import limit_arenas, trim_heap
from replyguard_checks.heap import ARENA_ENV


def test_trim_hands_freed_memory_back_or_does_nothing() -> None:
    blocks = [bytearray(64 * 1024) for _ in range(2_000)]  # ~128 MiB under mmap's threshold
    del blocks
    assert isinstance(trim_heap(), bool)


def test_the_arena_limit_reaches_child_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ARENA_ENV, raising=False)
    limit_arenas(2)
    assert os.environ[ARENA_ENV] == "2"


def test_an_arena_limit_already_set_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ARENA_ENV, "4")
    limit_arenas(2)
    assert os.environ[ARENA_ENV] == "4"
