"""The mapped jieba trie segments exactly as jieba's own dictionary does: every
Chinese text of the corpora, eval cases, check data and prompts, and the trie holds
jieba's frequencies and total to the entry."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import jieba
import pytest
import yaml

from replyguard_checks.jieba_table import MappedFrequencies, build, mapped, tokenizer

# Every Chinese text and every dictionary entry both ways: an equivalence proof, slow.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
TEXT_FOLDERS = ("evals", "guardrails/replyguard_checks/data", "prompts")
HAN = re.compile("[\u3400-\u9fff]")


def _strings(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


@pytest.fixture(scope="module")
def own() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    found = jieba.Tokenizer()
    found.initialize()
    return found


def test_every_chinese_text_is_cut_as_jieba_cuts_it(own: jieba.Tokenizer) -> None:
    texts = {
        text
        for folder in TEXT_FOLDERS
        for path in sorted((ROOT / folder).rglob("*.y*ml"))
        for text in _strings(yaml.safe_load(path.read_text(encoding="utf-8")))
        if HAN.search(text)
    }
    assert len(texts) > 300
    mapped = tokenizer()
    assert isinstance(mapped.FREQ, MappedFrequencies)
    differ = [t for t in sorted(texts) if mapped.lcut(t) != own.lcut(t)]
    assert not differ


def test_the_trie_holds_jiebas_frequencies(own: jieba.Tokenizer, tmp_path: Path) -> None:
    build(tmp_path)
    freq, total = mapped(tmp_path)
    assert total == own.total
    for word, count in own.FREQ.items():
        assert word in freq
        assert freq[word] == count
        assert freq.get(word) == count
    assert "不是一个词的字符串" not in freq
    assert freq.get("不是一个词的字符串") is None
    assert freq.get("不是一个词的字符串", 1) == 1
