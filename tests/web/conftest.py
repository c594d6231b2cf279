"""The agent page in a real browser: Playwright drives Debian's Chromium (installed by
`.ci/system-deps`; Playwright's own browser download is never used)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from tests.support import scripted_settings
from tests.web.served import CHROMIUM, DESKTOP, Served, new_context, serving

from replyguard.settings import Settings
from replyguard_evals.scripted_llm import ScriptedLLM, running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Module-scoped: while Playwright's sync API runs, this thread has an event loop
    running, and tests elsewhere that call asyncio.run must not see it."""
    if not CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: .ci/system-deps should have installed it")
        pytest.skip("chromium is not installed (.ci/system-deps installs it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        try:
            yield launched
        finally:
            launched.close()


def isolated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Settings for an app of its own: its own records (so `not_repeated` sees no
    other test's replies), and no rate limit or circuit breaker (tested elsewhere)."""
    folder = tmp_path_factory.mktemp("web")
    return {
        "database_url": f"sqlite:///{folder}/records.db",
        "rate_limit_per_minute": 0,
        "breaker_failures": 0,
    }


@pytest.fixture(scope="module")
def templates_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The service with provider `none`: templates only, which pass every check."""
    with serving(Settings(llm_provider="none", **isolated(tmp_path_factory))) as served:
        yield served


@pytest.fixture(scope="module")
def llm() -> Iterator[ScriptedLLM]:
    with running() as server:
        yield server


@pytest.fixture(scope="module")
def llm_app(llm: ScriptedLLM, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    settings = scripted_settings(llm, llm_timeout_s=2.0, **isolated(tmp_path_factory))
    with serving(settings) as served:
        yield served


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = new_context(browser, DESKTOP)
    try:
        yield context.new_page()
    finally:
        context.close()
