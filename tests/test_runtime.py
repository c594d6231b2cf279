"""The runtime opens records before the model, drafts through real checks, and closes
what it opened, in failures too."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

import replyguard.runtime
from replyguard.checks import shared_suite
from replyguard.llm import Completion, LLMError, Message, ModelUnavailable
from replyguard.runtime import Runtime
from replyguard.schemas import ReplyRequest
from replyguard.settings import Settings
from replyguard.storage import SchemaOutdated, Store

REQUEST = ReplyRequest.model_validate(
    {
        "review": {
            "text": "We waited almost two hours for a table and the soup was cold.",
            "rating": 1,
            "reviewer_name": "Karen Miller",
            "id": "rev-1",
        },
        "business": {
            "name": "Bistro Verde",
            "contact": {
                "name": "Anna Kowalska",
                "role": "Restaurant Manager",
                "phone": "+44 20 7946 0958",
                "email": "anna@bistroverde.example",
            },
        },
    }
)


class FakeModel:
    """A chat model that only says how it was started and closed."""

    def __init__(self, *, fail_start: bool = False, fail_close: bool = False) -> None:
        self.fail_start = fail_start
        self.fail_close = fail_close
        self.started = False
        self.closed = False

    async def start(self) -> None:
        self.started = True
        if self.fail_start:
            raise RuntimeError("weights missing")

    async def complete(
        self, messages: list[Message], *, max_tokens: int, temperature: float, timeout_s: float
    ) -> Completion:
        raise LLMError("never asked in these tests")

    async def aclose(self) -> None:
        self.closed = True
        if self.fail_close:
            raise RuntimeError("connection pool stuck")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(llm_provider="none", database_url=f"sqlite:///{tmp_path}/records.db")


@pytest.fixture
def closed(monkeypatch: pytest.MonkeyPatch) -> list[Store]:
    """Every store closed during the test, in order."""
    stores: list[Store] = []
    close = Store.close

    def recording(self: Store) -> None:
        stores.append(self)
        close(self)

    monkeypatch.setattr(Store, "close", recording)
    return stores


def with_model(monkeypatch: pytest.MonkeyPatch, model: FakeModel) -> list[Settings]:
    """Make the runtime build `model`; returns the settings it was built for."""
    built: list[Settings] = []

    def build(settings: Settings) -> FakeModel:
        built.append(settings)
        return model

    monkeypatch.setattr(replyguard.runtime, "build_model", build)
    return built


def test_drafts_through_the_shared_checks_and_closes_the_store(
    settings: Settings, closed: list[Store]
) -> None:
    async def go() -> tuple[Runtime, bool, list[tuple[str, str]]]:
        async with Runtime.open(settings) as runtime:
            reply = await runtime.pipeline.reply(REQUEST)
            # Keeping a reply is the caller's job (the API, the batch): none is half kept.
            kept = runtime.records.recent_replies("Bistro Verde", 10)
            return runtime, reply.passed and reply.source == "template", kept

    runtime, passed, kept = asyncio.run(go())
    assert passed
    assert kept == []
    assert runtime.model is None
    assert runtime.suite is shared_suite()
    assert closed == [runtime.store]


def test_recent_replies_come_from_the_records(settings: Settings) -> None:
    """`not_repeated` sees replies kept by an earlier process through the store; an
    eval runtime (no records) remembers only its own."""

    async def go() -> tuple[str, tuple[str, ...], tuple[str, ...]]:
        async with Runtime.open(settings) as first:
            reply = await first.pipeline.reply(REQUEST)
            first.records.save_reply(REQUEST, reply, duration_ms=1.0)
        async with Runtime.open(settings) as second:
            stored = second.pipeline.history.recent("Bistro Verde", "another-review")
        async with Runtime.open(settings, records=False) as evals:
            memory = evals.pipeline.history.recent("Bistro Verde", "another-review")
        return reply.reply, stored, memory

    text, stored, memory = asyncio.run(go())
    assert stored == (text,)
    assert memory == ()


def test_without_records_there_is_no_store(settings: Settings, tmp_path: Path) -> None:
    async def go() -> Runtime:
        async with Runtime.open(settings, records=False) as runtime:
            return runtime

    runtime = asyncio.run(go())
    assert runtime.store is None
    with pytest.raises(RuntimeError, match="without a records store"):
        _ = runtime.records
    assert not (tmp_path / "records.db").exists()


def test_the_model_is_started_before_drafting_and_closed_after(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, closed: list[Store]
) -> None:
    model = FakeModel()
    built = with_model(monkeypatch, model)

    async def go() -> bool:
        async with Runtime.open(settings) as runtime:
            assert runtime.model is model
            return model.started and not model.closed

    assert asyncio.run(go())
    assert built == [settings]
    assert model.closed
    assert len(closed) == 1


def test_the_store_is_closed_when_closing_the_model_fails(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, closed: list[Store]
) -> None:
    model = FakeModel(fail_close=True)
    with_model(monkeypatch, model)

    async def go() -> None:
        async with Runtime.open(settings):
            pass

    with pytest.raises(RuntimeError, match="connection pool stuck"):
        asyncio.run(go())
    assert model.closed
    assert len(closed) == 1


def test_a_model_that_cannot_start_closes_what_was_opened(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, closed: list[Store]
) -> None:
    model = FakeModel(fail_start=True)
    with_model(monkeypatch, model)

    with pytest.raises(RuntimeError, match="weights missing"):
        asyncio.run(Runtime.start(settings))
    assert model.closed
    assert len(closed) == 1


def test_a_model_that_cannot_be_built_closes_the_store(tmp_path: Path, closed: list[Store]) -> None:
    settings = Settings(
        llm_provider="local",
        local_model_path=tmp_path / "missing.gguf",
        database_url=f"sqlite:///{tmp_path}/records.db",
    )
    with pytest.raises(ModelUnavailable):
        asyncio.run(Runtime.start(settings))
    assert len(closed) == 1


def test_records_that_cannot_open_come_before_the_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A service that cannot keep its replies does not start: the model is never built
    (nor its weights loaded) when the store refuses."""
    model = FakeModel()
    built = with_model(monkeypatch, model)
    settings = Settings(
        llm_provider="none",
        database_url=f"sqlite:///{tmp_path}/unmigrated.db",  # an empty schema
        database_migrate=False,
    )
    with pytest.raises(SchemaOutdated):
        asyncio.run(Runtime.start(settings))
    assert built == []
    assert not model.started


def test_templates_only_needs_nothing_opened() -> None:
    runtime = Runtime.templates_only()
    assert runtime.store is None
    assert runtime.model is None
    assert runtime.suite is shared_suite()
    assert runtime.settings.provider == "none"
    prepared = runtime.pipeline.prepare(REQUEST.review, REQUEST.business, REQUEST.options)
    assert next(runtime.pipeline.templates.candidates(prepared.facts))
