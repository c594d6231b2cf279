"""Where the data files are found: the shipped prompts by default, a business's own
copy through REPLYGUARD_PROMPTS_DIR; the eval data through the same loader."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from replyguard import resources
from replyguard.pipeline import ReplyPipeline
from replyguard.schemas import ReplyRequest
from replyguard.settings import Settings
from replyguard_checks import SUPPORTED_LANGUAGES, CheckSuite
from replyguard_evals.corpus import CORPUS_DIR, HOLDOUT_DIR
from replyguard_evals.dataset import CASES_DIR

BODY = {
    "review": {
        "text": "We waited almost two hours for a table and the soup was cold when it came.",
        "rating": 1,
        "reviewer_name": "Karen Miller",
    },
    "business": {
        "name": "Bistro Verde",
        "contact": {"name": "Anna Kowalska", "phone": "+44 20 7946 0958"},
    },
}


def test_the_shipped_prompts_are_the_default_and_complete() -> None:
    prompts = Settings(llm_provider="none").prompts_dir
    assert prompts == resources.prompts_dir()
    for profile in ("full", "compact"):
        texts = resources.prompt_texts_dir(prompts, profile)
        assert all((texts / name).is_file() for name in ("system.md", "user.md", "reask.md"))
    assert resources.scenarios_file(prompts).is_file()
    for language in SUPPORTED_LANGUAGES:
        assert resources.templates_file(prompts, language).is_file(), language
        assert resources.cues_file(prompts, language).is_file(), language


def test_the_eval_data_is_found_through_the_loader() -> None:
    assert resources.cases_dir() == CASES_DIR
    assert resources.corpus_dir() == CORPUS_DIR
    assert resources.holdout_dir() == HOLDOUT_DIR
    for folder in (CASES_DIR, CORPUS_DIR, HOLDOUT_DIR):
        assert {p.stem for p in folder.glob("*.yaml")} == set(SUPPORTED_LANGUAGES), folder


def test_a_business_answers_from_its_own_prompts_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suite: CheckSuite
) -> None:
    own = tmp_path / "our-prompts"
    shutil.copytree(resources.prompts_dir(), own, ignore=shutil.ignore_patterns("__pycache__"))
    english = resources.templates_file(own, "en")
    text = english.read_text(encoding="utf-8")
    assert 'named: "Dear {name},"' in text
    english.write_text(text.replace('named: "Dear {name},"', 'named: "Hello {name},"'), "utf-8")
    monkeypatch.setenv("REPLYGUARD_PROMPTS_DIR", str(own))
    settings = Settings(llm_provider="none")
    assert settings.prompts_dir == own

    pipeline = ReplyPipeline(settings, None, suite)
    response = asyncio.run(pipeline.reply(ReplyRequest.model_validate(BODY)))
    assert response.source == "template"
    assert response.reply.startswith("Hello Karen Miller,"), response.reply
