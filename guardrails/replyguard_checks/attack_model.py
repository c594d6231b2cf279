"""A learned sentence classifier for attacks on the reviewer: the layer that reads words
no list anticipated.

A logistic regression over sparse features of one sentence (word forms, their lemmas
in the draft's language, their first five letters, word pairs, and Chinese character
pairs and triples), trained by
`replyguard train` on labelled real replies and on sentences written for it in all nine
languages. Only the weights of features seen in training are kept, in a small
gzipped JSON file in the package (`data/attack_model.json.gz`); scoring a draft is a
few hundred dictionary look-ups, well under a millisecond.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from itertools import repeat
from pathlib import Path
from typing import Any

from .details import lemma

MODEL_FILE = "attack_model.json.gz"
FORMAT = 1

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


@dataclass(frozen=True, slots=True)
class AttackModel:
    bias: float
    weights: dict[str, float]
    #: The score from which a sentence counts as an attack (chosen in training).
    threshold: float
    trained_on: dict[str, Any]

    def score(self, sentence: str, language: str = "") -> float:
        """The probability that `sentence` (in `language`) attacks the reviewer."""
        # Each feature once, as in training (a word said twice is one feature).
        found = set(features(sentence, language))
        total = self.bias + sum(map(self.weights.get, found, repeat(0.0, len(found))))
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

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "bias": self.bias,
            "threshold": self.threshold,
            "trained_on": self.trained_on,
            "weights": self.weights,
        }

    def save(self, path: Path) -> None:
        data = json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True).encode()
        path.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AttackModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"attack model: unknown format {data.get('format')!r}")
        return cls(
            bias=float(data["bias"]),
            weights={str(k): float(v) for k, v in data["weights"].items()},
            threshold=float(data["threshold"]),
            trained_on=dict(data.get("trained_on") or {}),
        )


def read(path: Path | Traversable) -> AttackModel:
    """A model file written by `AttackModel.save`.

    Weights are rounded to four decimals: some 7,000 values among 220,000 weights. One
    float object per value, not per weight, saves about 5 MiB per worker."""
    values: dict[str, float] = {}

    def number(text: str) -> float:
        found = values.get(text)
        if found is None:
            found = values[text] = float(text)
        return found

    return AttackModel.from_json(json.loads(gzip.decompress(path.read_bytes()), parse_float=number))


@cache
def shipped() -> AttackModel | None:
    """The model shipped in the package, or None before one was trained."""
    path = resources.files("replyguard_checks").joinpath("data", MODEL_FILE)
    return read(path) if path.is_file() else None
