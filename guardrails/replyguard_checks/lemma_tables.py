"""simplemma's lemma dictionaries as memory-mapped MARISA tries, built once per machine.

simplemma keeps each language's dictionary as a Python dict of bytes: about 90 MiB per
language in every worker, and seconds to decompress at each start. The same pairs as
a marisa-trie take a few MB on disk and are mapped read-only, so a worker maps them in
milliseconds and all workers share the pages. The lemmatiser is simplemma's own
(`DefaultStrategy`) over the same data, so lemmas are simplemma's exactly; a test holds
them equal.

A trie is built from simplemma's shipped data (its `TrieDictionaryFactory`) the first
time a language is needed on a machine: in a child process, so the builder's peak
memory never stays in a worker; under a file lock, so workers starting together build
each language once; and renamed into place, so no reader sees half a file. Build them
ahead with `python -m replyguard_checks.lemma_tables`. Where no cache folder can be
written, simplemma's in-memory dictionaries are used instead (same lemmas, more memory).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import simplemma
from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries import DEFAULT_DICTIONARY_FACTORY, TrieDictionaryFactory
from simplemma.strategies.dictionaries.dictionary_factory import SUPPORTED_LANGUAGES
from simplemma.strategies.dictionaries.trie_dictionary_factory import TrieWrapDict

from .disk_cache import cache_root, locked

log = logging.getLogger(__name__)

# The languages simplemma has dictionaries for.
SIMPLEMMA_LANGUAGES = frozenset(SUPPORTED_LANGUAGES)

_SUFFIX = ".marisa"


def cache_dir() -> Path:
    """The lemma tries' folder in `cache_root()`: one per simplemma version (its data
    may change)."""
    return cache_root() / "lemmas" / f"simplemma-{simplemma.__version__}"


def trie_path(language: str, folder: Path | None = None) -> Path:
    return (folder or cache_dir()) / f"{language}{_SUFFIX}"


def build(languages: list[str], folder: Path) -> None:
    """Write the tries of `languages` that `folder` lacks (run in a child process)."""
    folder.mkdir(parents=True, exist_ok=True)
    with locked(folder):
        for language in languages:
            target = trie_path(language, folder)
            if target.exists():
                continue
            with tempfile.TemporaryDirectory(dir=folder, prefix=".build-") as scratch:
                # simplemma's factory writes `<lang>.dic` into its cache folder.
                TrieDictionaryFactory(disk_cache_dir=scratch).get_dictionary(language)
                os.replace(Path(scratch) / f"{language}.dic", target)


def _build_in_child(language: str, folder: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", __name__, "--dir", str(folder), language],
        check=True,
        stdout=subprocess.DEVNULL,
    )


class MappedTries:
    """A simplemma `DictionaryFactory` whose dictionaries are mapped tries."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._loaded: dict[str, Mapping[str, str]] = {}

    def get_dictionary(self, lang: str) -> Mapping[str, str]:
        found = self._loaded.get(lang)
        if found is None:
            found = self._loaded[lang] = self._map(lang)
        return found

    def _map(self, lang: str) -> Mapping[str, str]:
        if lang not in SUPPORTED_LANGUAGES:
            raise ValueError(f"Unsupported language: {lang}")
        import marisa_trie

        path = trie_path(lang, self.folder)
        try:
            if not path.exists():
                _build_in_child(lang, self.folder)
            return TrieWrapDict(marisa_trie.BytesTrie().mmap(str(path)))
        except (OSError, subprocess.CalledProcessError) as error:
            log.warning("no lemma trie for %s (%s): simplemma's dictionary in memory", lang, error)
            return DEFAULT_DICTIONARY_FACTORY.get_dictionary(lang)


@cache
def strategy() -> DefaultStrategy:
    """simplemma's own lemmatisation strategy over the mapped tries (its dictionaries
    in memory if no cache folder can be written)."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with locked(folder):
            pass
    except OSError as error:
        log.warning("no lemma cache at %s (%s): simplemma's dictionaries in memory", folder, error)
        return DefaultStrategy()
    return DefaultStrategy(dictionary_factory=MappedTries(folder))


@cache
def lemmatizer() -> Lemmatizer:
    """simplemma's lemmatiser over `strategy()`. No lemma cache of its own:
    `details.lemma` keeps one."""
    return Lemmatizer(cache_max_size=0, lemmatization_strategy=strategy())


def main(argv: list[str]) -> None:
    """`python -m replyguard_checks.lemma_tables [--dir DIR] [LANG ...]`: build now."""
    folder = cache_dir()
    if argv[:1] == ["--dir"]:
        folder, argv = Path(argv[1]), argv[2:]
    from .context import SUPPORTED_LANGUAGES as OURS

    build(argv or [code for code in OURS if code in SUPPORTED_LANGUAGES], folder)


if __name__ == "__main__":
    main(sys.argv[1:])
