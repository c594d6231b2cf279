from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from replyguard.api import create_app
from replyguard.settings import Settings
from replyguard_evals.scripted_llm import ScriptedLLM, running

GOOD_DRAFT = (
    "Dear Karen, thank you for telling us about your Saturday evening. Two hours is far too "
    "long to wait for a table, and the soup should never have reached you cold. I am sorry "
    "the waiter left you on your own. I would like to put this right: please call me on "
    "020 7946 0958 or write to anna@bistroverde.example. Anna Kowalska, Restaurant Manager"
)
ATTACK_DRAFT = (
    "Dear Karen, we find it hard to believe that you waited two hours, none of our other "
    "guests complained about the soup. Call me on 020 7946 0958. Anna Kowalska"
)
GENERIC_DRAFT = (
    "Dear customer, we apologize for any inconvenience. Your satisfaction is our top "
    "priority. The Management"
)


def reply_body(**review: Any) -> dict[str, Any]:
    return {
        "review": {
            "text": "We waited almost two hours for a table on Saturday and the soup was cold "
            "when it came. The waiter ignored us all evening.",
            "rating": 1,
            "reviewer_name": "Karen Miller",
            "platform": "google",
            "id": "rev-1042",
        }
        | review,
        "business": {
            "name": "Bistro Verde",
            "contact": {
                "name": "Anna Kowalska",
                "role": "Restaurant Manager",
                "phone": "+44 20 7946 0958",
                "email": "anna@bistroverde.example",
            },
            "compensation": ["a complimentary dinner for two"],
        },
    }


@pytest.fixture(scope="session")
def llm() -> Iterator[ScriptedLLM]:
    with running() as server:
        yield server


def scripted_settings(llm: ScriptedLLM, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "llm_provider": "openai",
        "llm_base_url": llm.base_url,
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


@pytest.fixture(scope="module")
def client(llm: ScriptedLLM) -> Iterator[TestClient]:
    with TestClient(create_app(scripted_settings(llm))) as test_client:
        yield test_client
