"""A learned sentence classifier for attacks on the reviewer: the layer that reads words
no list anticipated.

A logistic regression over sparse features of one sentence (word forms, their lemmas
in the draft's language, their first five letters, word pairs, and Chinese character
pairs and triples), trained by
`replyguard train` on labelled real replies and on sentences written for it in all nine
languages. The weights live in a fixed table of 2**20 float32 slots, each feature in
the slot the CRC-32 of its name picks (the hashing trick): 4 MiB per worker, where a
dictionary of 220,000 feature names took 24 MiB, and no name list to ship. It lives
gzipped in the package (`data/attack_model.json.gz`: a JSON header line, then the
table); scoring a draft is a few hundred table look-ups, well under a millisecond.
"""

from __future__ import annotations

import gzip
import json
import math
import re
import sys
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from zlib import crc32

from .details import lemma

MODEL_FILE = "attack_model.json.gz"
FORMAT = 2
#: log2 of the weight table's size: few enough collisions among ~250,000 features.
BITS = 20

_SENTENCE = re.compile(r"(?<=[.!?。！？；;])\s*|\n+")
_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*|\d+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_PREFIX = 5
#: A sentence shorter than this many characters says too little to judge alone.
_MIN_CHARS = 8


def sentences(text: str) -> list[str]:
    """A normalised text cut into sentences."""
    return [s.strip() for s in _SENTENCE.split(text) if s and len(s.strip()) >= _MIN_CHARS]


def features(sentence: str, language: str = "") -> list[str]:
    """The sparse features of one normalised, name-masked sentence, in order. With a
    `language`, also the lemma of every word: "blamed", "blaming" and "blames" then
    share the weight the training sentences gave any one of them. Built as a list, not
    a generator (faster; tests hold it to the code first written)."""
    found: list[str] = []
    extend, append = found.extend, found.append
    lemmas = language if language not in ("", "zh", "zh-Hant") else ""
    previous = "<s>"
    extend(_word_features(previous, ""))
    for token in _TOKEN.findall(sentence):
        if token.isdigit():
            token = "0"
        extend(_word_features(token, lemmas))
        append(f"b {previous} {token}")
        previous = token
    extend(_word_features("</s>", ""))
    append(f"b {previous} </s>")
    for run in _HAN.findall(sentence):
        padded = f"<{run}>"
        for j in range(len(padded) - 1):
            append("c " + padded[j : j + 2])
            if j + 3 <= len(padded):
                append("t " + padded[j : j + 3])
    return found


@lru_cache(maxsize=8192)
def _word_features(token: str, language: str) -> tuple[str, ...]:
    """The features of one token on its own (form, prefix, lemma when `language`):
    cached, since replies repeat their words and the lemma lookup is the dear part."""
    found = ["w " + token]
    han = _is_han(token[0])
    if len(token) > _PREFIX and not han:
        found.append("p " + token[:_PREFIX])
    if language and token != "0" and not han:
        found.append("l " + lemma(token, language))
    return tuple(found)


def _is_han(char: str) -> bool:
    """`_HAN.match` on one character, without the regex call."""
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def slots(names: Iterable[str], bits: int = BITS) -> list[int]:
    """The table slot of each feature name: the low `bits` bits of its CRC-32."""
    mask = (1 << bits) - 1
    return [crc32(name.encode()) & mask for name in names]


def buckets(sentence: str, language: str = "", bits: int = BITS) -> list[int]:
    """The table slot of each distinct feature of a sentence (a word said twice is one
    feature; two features that share a slot both count, in training as in scoring)."""
    return slots(set(features(sentence, language)), bits)


@dataclass(frozen=True, slots=True)
class AttackModel:
    bias: float
    #: float32 weights, 2**bits of them, indexed by `buckets`.
    weights: array[float]
    #: The score from which a sentence counts as an attack (chosen in training).
    threshold: float
    trained_on: dict[str, Any]

    @classmethod
    def from_features(
        cls, bias: float, weights: dict[str, float], threshold: float, bits: int = BITS
    ) -> AttackModel:
        """A model from named feature weights (a hand-made one, in tests)."""
        table = array("f", bytes(4 << bits))
        for slot, weight in zip(slots(weights, bits), weights.values(), strict=True):
            table[slot] += weight
        return cls(bias=bias, weights=table, threshold=threshold, trained_on={})

    @property
    def bits(self) -> int:
        return len(self.weights).bit_length() - 1

    def score(self, sentence: str, language: str = "") -> float:
        """The probability that `sentence` (in `language`) attacks the reviewer."""
        weights = self.weights
        total = self.bias + sum(map(weights.__getitem__, buckets(sentence, language, self.bits)))
        if total < -30:
            return 0.0
        return 1.0 / (1.0 + math.exp(-total))

    def most_hostile(self, text: str, language: str = "") -> tuple[float, str]:
        """(score, sentence) of the highest-scoring sentence of a normalised text."""
        best = (0.0, "")
        for sentence in sentences(text):
            found = self.score(sentence, language)
            if found > best[0]:
                best = (found, sentence)
        return best

    def header(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "bits": self.bits,
            "bias": self.bias,
            "threshold": self.threshold,
            "trained_on": self.trained_on,
        }

    def save(self, path: Path) -> None:
        """One JSON header line, then the table as little-endian float32."""
        table = array("f", self.weights)
        if sys.byteorder == "big":
            table.byteswap()
        head = json.dumps(self.header(), ensure_ascii=False, sort_keys=True).encode()
        path.write_bytes(gzip.compress(head + b"\n" + table.tobytes(), compresslevel=9, mtime=0))


def read(path: Path | Traversable) -> AttackModel:
    """A model file written by `AttackModel.save`."""
    raw = gzip.decompress(path.read_bytes())
    cut = raw.index(b"\n")
    head = json.loads(raw[:cut])
    if head.get("format") != FORMAT:
        raise ValueError(f"attack model: unknown format {head.get('format')!r}")
    table = array("f")
    table.frombytes(raw[cut + 1 :])
    if sys.byteorder == "big":
        table.byteswap()
    if len(table) != 1 << int(head["bits"]):
        raise ValueError(f"attack model: {len(table)} weights, not 2**{head['bits']}")
    return AttackModel(
        bias=float(head["bias"]),
        weights=table,
        threshold=float(head["threshold"]),
        trained_on=dict(head.get("trained_on") or {}),
    )


@cache
def shipped() -> AttackModel | None:
    """The model shipped in the package, or None before one was trained."""
    path = resources.files("replyguard_checks").joinpath("data", MODEL_FILE)
    return read(path) if path.is_file() else None
