"""Template files: complete in every language, and the scaffold a local model's body
goes into names the contact and gives the channel."""

from __future__ import annotations

from pathlib import Path

import pytest

from replyguard.pipeline import ReplyPipeline
from replyguard.templates import TemplateBook, tidy
from replyguard_checks import SUPPORTED_LANGUAGES
from replyguard_evals.dataset import EvalCase, load_cases

PROMPTS = Path(__file__).resolve().parents[1] / "prompts"
BOOK = TemplateBook(PROMPTS)
ENGLISH = BOOK.data("en")


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_language_has_every_key_scenario_and_topic(language: str) -> None:
    data = BOOK.data(language)
    assert set(ENGLISH) <= set(data), set(ENGLISH) - set(data)
    assert set(data["scenarios"]) == set(ENGLISH["scenarios"])
    assert set(data["topics"]) == set(ENGLISH["topics"])
    for kind in ("greeting", "channel", "signature", "fact"):
        assert set(data[kind]) == set(ENGLISH[kind])
    for variants in data["scenarios"].values():
        assert variants, "every scenario needs at least one variant"


CASES: dict[str, EvalCase] = {}
for _case in load_cases():
    CASES.setdefault(_case.language, _case)


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_scaffold_signs_and_gives_the_channel(templates_only: ReplyPipeline, language: str) -> None:
    case = CASES[language]
    prepared = templates_only.prepare(case.review, case.business, case.options)
    body = "Dear X, \nBest regards, Someone"
    draft = templates_only.templates.scaffold(prepared.facts, body)
    assert "Best regards" not in draft
    results = {r.name: r for r in templates_only.suite.run(draft, prepared.context)}
    assert results["named_contact"].passed, results["named_contact"].message
    assert results["offline_channel"].passed, results["offline_channel"].message
    assert results["no_meta"].passed, results["no_meta"].message


def test_scaffold_drops_a_greeting_the_model_added(templates_only: ReplyPipeline) -> None:
    case = CASES["en"]
    prepared = templates_only.prepare(case.review, case.business, case.options)
    draft = templates_only.templates.scaffold(
        prepared.facts, "Dear Karen Miller, Hi Karen, I am sorry about the long wait."
    )
    assert draft.count("Karen") == 1
    assert draft.startswith("Dear Karen Miller, I am sorry about the long wait.")


def test_tidy_writes_chinese_without_spaces() -> None:
    assert (
        tidy("李明您好， 很抱歉 等待时间太长 以及 菜品。 王芳")
        == "李明您好，很抱歉等待时间太长以及菜品。王芳"
    )
    assert tidy("Dear  Karen,\n thank you.") == "Dear Karen, thank you."
