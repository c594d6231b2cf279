"""The mapped jieba trie segments exactly as jieba's own dictionary does: every
Chinese text of the corpora, eval cases, check data and prompts, and the trie holds
jieba's frequencies and total to the entry."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import jieba
import pytest
from tests.support import repo_texts

from replyguard_checks.jieba_table import MappedFrequencies, build, mapped, tokenizer

# Every Chinese text and every dictionary entry both ways: an equivalence proof, slow.
pytestmark = pytest.mark.slow

HAN = re.compile("[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def own() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    found = jieba.Tokenizer()
    found.initialize()
    return found


def test_every_chinese_text_is_cut_as_jieba_cuts_it(own: jieba.Tokenizer) -> None:
    texts = {text for text in repo_texts() if HAN.search(text)}
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
