"""The checks package's public API: what the service, the evals and the tests import
from `replyguard_checks`, and importing it stays cheap."""

from __future__ import annotations

import subprocess
import sys

import pytest

import replyguard_checks
from replyguard_checks import CheckContext, Contact, attacks_in
from replyguard_checks.no_attack import find_attacks


def test_importing_the_package_loads_no_heavy_library() -> None:
    heavy = ("guardrails", "simplemma", "lingua", "jieba")
    probe = (
        f"import sys, replyguard_checks\nprint(' '.join(m for m in {heavy!r} if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert loaded == []


@pytest.mark.parametrize("name", replyguard_checks.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(replyguard_checks, name) is not None
    assert name in dir(replyguard_checks)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        getattr(replyguard_checks, "no_such_name")  # noqa: B009


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("you are a liar and you made this review up", "en"),
        ("Sie lügen, das haben Sie sich ausgedacht", "de"),
        ("the soup was cold and we waited two hours", "en"),
        ("Die Suppe war kalt und wir haben zwei Stunden gewartet", "de"),
    ],
)
def test_attacks_in_reads_like_the_check_with_no_names(text: str, language: str) -> None:
    nameless = CheckContext(review_text="", language=language, contact=Contact(name=""))
    assert attacks_in(text, language) == find_attacks(text, nameless)


def test_attacks_in_finds_attacks_and_passes_complaints() -> None:
    assert [kind for kind, _ in attacks_in("you are a liar", "en")] == ["accuse_lying"]
    assert attacks_in("the soup was cold and we waited two hours", "en") == []


def test_names_are_masked_before_attacks_are_read() -> None:
    # "Troll" is someone's name here, not an insult.
    assert attacks_in("Dear Troll, thank you for your review", "en")
    assert not attacks_in("Dear Troll, thank you for your review", "en", names=["Troll"])
