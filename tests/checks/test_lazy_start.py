"""A service starts without guardrails-ai and the language models, and a suite that has
loaded nothing yet checks a draft exactly as a warm one does."""

from __future__ import annotations

import subprocess
import sys

import pytest

from replyguard_checks import CORE_CHECKS, CheckContext, CheckSuite, Contact
from replyguard_checks.suite import CORE_NAMES


def test_the_names_known_without_guardrails_are_the_checks() -> None:
    assert list(CORE_NAMES) == [check.name for check in CORE_CHECKS]
    assert CheckSuite().names == list(CORE_NAMES)


def test_the_app_imports_none_of_the_heavy_libraries() -> None:
    code = (
        "import sys, replyguard.api.app\n"
        "print(sorted(m for m in ('guardrails', 'jieba', 'sklearn') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


@pytest.mark.slow
def test_healthz_says_when_the_checks_are_warm() -> None:
    """The service is up before its checks have loaded; /healthz says which it is."""
    code = (
        "from fastapi.testclient import TestClient\n"
        "from replyguard.api.app import create_app\n"
        "from replyguard.checks import shared_suite\n"
        "from replyguard.settings import Settings\n"
        "import replyguard.api.app as app_module\n"
        "app_module.warm_in_background = lambda: None  # keep it cold until asked\n"
        "app = create_app(Settings(llm_provider='none', database_url='sqlite://'))\n"
        "with TestClient(app) as client:\n"
        "    print(client.get('/healthz').json()['checks_warm'])\n"
        "    shared_suite()\n"
        "    print(client.get('/healthz').json()['checks_warm'])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "True"]


def test_a_cold_suite_checks_as_a_warm_one() -> None:
    contact = Contact("Anna Kowalska", "Manager", "+44 20 7946 0958", "anna@example.com")
    context = CheckContext("The soup was cold and we waited an hour.", "en", contact)
    draft = "Thank you for telling us about the cold soup and the long wait; we are sorry."
    warm = CheckSuite()
    warm.warm_up()
    assert CheckSuite().run(draft, context) == warm.run(draft, context)
