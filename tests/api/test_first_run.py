"""A first run explains itself: readable log lines in a terminal (JSON otherwise), a
banner once ready, and a /healthz that answers while the embedded model loads."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.fakes import FakeChatModel
from tests.support import GOOD_DRAFT, llm_settings, reply_body

import replyguard.runtime as runtime_module
from replyguard.api.app import create_app
from replyguard.api.banner import banner
from replyguard.api.observability import configure_logging
from replyguard.runtime import Runtime
from replyguard.settings import Settings


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.usefixtures("restore_logging")
@pytest.mark.parametrize(("stream", "is_json"), [(io.StringIO(), True), (_Terminal(), False)])
def test_auto_logs_text_in_a_terminal_and_json_elsewhere(
    stream: io.StringIO, is_json: bool
) -> None:
    configure_logging("INFO", "auto", stream=stream)
    logging.getLogger("replyguard").info("hello there")
    line = stream.getvalue().strip()
    if is_json:
        assert json.loads(line)["message"] == "hello there"
    else:
        assert line.endswith("hello there")
        assert " INFO " in line
        with pytest.raises(json.JSONDecodeError):
            json.loads(line)


def test_the_default_log_format_is_auto() -> None:
    assert Settings().log_format == "auto"


def test_the_banner_names_the_page_the_docs_and_the_way_to_a_stronger_llm() -> None:
    local = Settings(llm_provider="local", public_url="http://127.0.0.1:8000/")
    lines = banner(local, "loading")
    text = "\n".join(lines)
    assert "http://127.0.0.1:8000/docs" in text
    assert "  agent page:  http://127.0.0.1:8000/" in lines
    assert "embedded local model" in text
    assert "in en only (templates for the other languages)" in text
    assert "loading" in text
    assert "REPLYGUARD_LLM_BASE_URL" in text
    remote = llm_settings("http://gpu-host:8000/v1", public_url="http://example.test")
    text = "\n".join(banner(remote, "ready"))
    assert "scripted-model at http://gpu-host:8000/v1" in text
    assert "only" not in text
    assert "REPLYGUARD_LLM_BASE_URL" not in text
    assert "loading" not in text
    assert "templates only" in "\n".join(banner(Settings(llm_provider="none"), "none"))


class _SlowStart(FakeChatModel):
    """A model whose weights take until `loaded` is set (or fail with `error`)."""

    def __init__(self, error: Exception | None = None) -> None:
        super().__init__(GOOD_DRAFT)
        self.loaded = threading.Event()
        self.error = error
        self.started = False

    async def start(self) -> None:
        await asyncio.to_thread(self.loaded.wait, 10)
        if self.error is not None:
            raise self.error
        self.started = True


@pytest.fixture
def slow_model(monkeypatch: pytest.MonkeyPatch) -> _SlowStart:
    model = _SlowStart()
    monkeypatch.setattr(runtime_module, "build_model", lambda settings: model)
    return model


def test_healthz_answers_while_the_model_loads(
    slow_model: _SlowStart, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = llm_settings(
        database_url=f"sqlite:///{tmp_path / 'r.db'}", public_url="http://127.0.0.1:8000"
    )
    caplog.set_level(logging.INFO, logger="replyguard")
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").json()["model_state"] == "loading"
        assert "  API docs:    http://127.0.0.1:8000/docs" in caplog.messages
        slow_model.loaded.set()
        for _ in range(200):
            if client.get("/healthz").json()["model_state"] == "ready":
                break
            threading.Event().wait(0.01)
        assert client.get("/healthz").json()["model_state"] == "ready"
        assert client.post("/v1/replies", json=reply_body()).status_code == 200
    assert slow_model.started
    assert slow_model.closed


def test_a_model_that_fails_to_load_is_reported_and_still_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = _SlowStart(error=RuntimeError("no such GGUF"))
    monkeypatch.setattr(runtime_module, "build_model", lambda settings: model)

    async def go() -> tuple[str, str]:
        runtime = await Runtime.start(llm_settings(), records=False, model_in_background=True)
        before = runtime.model_state
        model.loaded.set()
        assert runtime.loading is not None
        await asyncio.wait([runtime.loading])
        after = runtime.model_state
        await runtime.close()
        return before, after

    assert asyncio.run(go()) == ("loading", "failed")
    assert model.closed


def test_without_background_the_model_is_loaded_before_start_returns(
    slow_model: _SlowStart,
) -> None:
    slow_model.loaded.set()

    async def go() -> str:
        async with Runtime.open(llm_settings(), records=False) as runtime:
            assert slow_model.started
            return runtime.model_state

    assert asyncio.run(go()) == "ready"
