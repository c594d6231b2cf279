from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine
from tests.support import BUSINESS, REVIEW, REVIEW_TEXT

from replyguard.pipeline import ReplyPipeline
from replyguard.schemas import ReplyRequest, ReplyResponse
from replyguard.settings import Settings
from replyguard.storage import Store
from replyguard_checks import CheckSuite

MakeReply = Callable[..., tuple[ReplyRequest, ReplyResponse]]


def request_body(
    text: str = REVIEW_TEXT,
    business: str = "Bistro Verde",
    review_id: str | None = "rev-1",
    **options: Any,
) -> ReplyRequest:
    """The sample request (tests.support), with its text, business name, id and
    options changed as asked."""
    return ReplyRequest.model_validate(
        {
            "review": REVIEW | {"text": text, "id": review_id},
            "business": BUSINESS | {"name": business},
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


def downgrade_to(engine: Engine, revision: str) -> None:
    """Take the schema down to `revision` ("base": nothing), as `alembic downgrade`."""
    from alembic import command

    from replyguard.storage import migrate

    config = migrate.alembic_config()
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
        connection.commit()
