from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from replyguard.pipeline import ReplyPipeline
from replyguard.schemas import ReplyRequest, ReplyResponse
from replyguard.settings import Settings
from replyguard.storage import Store
from replyguard_checks.suite import CheckSuite

MakeReply = Callable[..., tuple[ReplyRequest, ReplyResponse]]

REVIEW = (
    "We waited almost two hours for a table and the soup was cold when it came. "
    "The waiter was rude to us all evening."
)


def request_body(
    text: str = REVIEW,
    business: str = "Bistro Verde",
    review_id: str | None = "rev-1",
    **options: Any,
) -> ReplyRequest:
    return ReplyRequest.model_validate(
        {
            "review": {
                "text": text,
                "rating": 1,
                "reviewer_name": "Karen Miller",
                "platform": "google",
                "id": review_id,
            },
            "business": {
                "name": business,
                "contact": {
                    "name": "Anna Kowalska",
                    "role": "Restaurant Manager",
                    "phone": "+44 20 7946 0958",
                    "email": "anna@bistroverde.example",
                },
                "compensation": ["a complimentary dinner for two"],
            },
            "options": options,
        }
    )


@pytest.fixture(scope="session")
def pipeline(suite: CheckSuite) -> ReplyPipeline:
    """Templates only, and no memory of earlier replies: each call stands alone."""
    return ReplyPipeline(Settings(llm_provider="none", repeat_window=0), None, suite)


@pytest.fixture
def make_reply(pipeline: ReplyPipeline) -> MakeReply:
    """A real (request, response) pair from the templates-only pipeline."""

    def make(**kwargs: Any) -> tuple[ReplyRequest, ReplyResponse]:
        request = request_body(**kwargs)
        return request, asyncio.run(pipeline.reply(request))

    return make


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = Store.open(database_url)
    try:
        yield opened
    finally:
        opened.close()
