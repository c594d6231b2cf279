"""The sample case every test speaks about, in one place.

Karen Miller waited two hours at Bistro Verde and Anna Kowalska answers. The drafts
below are written for that review: change it and they may stop passing (or failing)
the checks the tests rely on.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from replyguard.drafting import same_draft
from replyguard.settings import Settings
from replyguard_evals.scripted_llm import ScriptedLLM

REVIEW_TEXT = (
    "We waited almost two hours for a table on Saturday and the soup was cold when it "
    "came. The waiter ignored us all evening."
)
#: A review as the API takes it.
REVIEW: dict[str, Any] = {
    "text": REVIEW_TEXT,
    "rating": 1,
    "reviewer_name": "Karen Miller",
    "platform": "google",
    "id": "rev-1042",
}
CONTACT: dict[str, str] = {
    "name": "Anna Kowalska",
    "role": "Restaurant Manager",
    "phone": "+44 20 7946 0958",
    "email": "anna@bistroverde.example",
}
#: A business profile as the API takes it.
BUSINESS: dict[str, Any] = {
    "name": "Bistro Verde",
    "contact": CONTACT,
    "compensation": ["a complimentary dinner for two"],
}

#: Passes every check for REVIEW.
GOOD_DRAFT = (
    "Dear Karen, thank you for telling us about your Saturday evening. Two hours is far too "
    "long to wait for a table, and the soup should never have reached you cold. I am sorry "
    "the waiter left you on your own. I would like to put this right: please call me on "
    "020 7946 0958 or write to anna@bistroverde.example. Anna Kowalska, Restaurant Manager"
)
#: Fails `no_attack` (it doubts the reviewer).
ATTACK_DRAFT = (
    "Dear Karen, we find it hard to believe that you waited two hours, none of our other "
    "guests complained about the soup. Call me on 020 7946 0958. Anna Kowalska"
)
#: Fails `no_generic` (and names no person).
GENERIC_DRAFT = (
    "Dear customer, we apologize for any inconvenience. Your satisfaction is our top "
    "priority. The Management"
)


def reply_body(**review: Any) -> dict[str, Any]:
    """A POST /v1/replies body; keyword arguments replace fields of the review. A fresh
    copy each time, so a test may change it freely."""
    return {"review": REVIEW | review, "business": copy.deepcopy(BUSINESS)}


def llm_settings(base_url: str = "http://127.0.0.1:9/v1", **overrides: Any) -> Settings:
    """Settings for an OpenAI-compatible endpoint at `base_url`; the default is the
    closed port the test session blocks, for pipelines that get a fake model."""
    values: dict[str, Any] = {
        "llm_provider": "openai",
        "llm_base_url": base_url,
        "llm_api_key": "test-key",
        "llm_model": "scripted-model",
        "llm_timeout_s": 1.0,
        "llm_max_retries": 0,
        "request_deadline_s": 10.0,
        # Tests fire requests faster than any caller may; the limiter and the breaker
        # have their own tests (test_access.py, test_circuit_breaker.py).
        "rate_limit_per_minute": 0,
        "breaker_failures": 0,
    }
    return Settings(**(values | overrides))


def scripted_settings(llm: ScriptedLLM, **overrides: Any) -> Settings:
    """Settings that point the service at the scripted server."""
    return llm_settings(llm.base_url, **overrides)


def asking(count: int, **review: Any) -> dict[str, Any]:
    """A POST /v1/replies body that asks for `count` suggestions."""
    return reply_body(**review) | {"options": {"suggestions": count}}


def assert_distinct(texts: list[str]) -> None:
    """No two of `texts` are the same draft (`replyguard.drafting.same_draft`)."""
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            assert not same_draft(a, b), (a, b)


#: The repository, for tests that read every data file.
ROOT = Path(__file__).resolve().parents[1]
#: Where the repository's texts are: corpora and eval cases, check data, prompts.
TEXT_FOLDERS = ("evals", "guardrails/replyguard_checks/data", "prompts")


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


def repo_texts() -> Iterator[str]:
    """Every string of every YAML file in `TEXT_FOLDERS`: what equivalence tests run
    both the old and the new way."""
    for folder in TEXT_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.y*ml")):
            yield from _strings(yaml.safe_load(path.read_text(encoding="utf-8")))
