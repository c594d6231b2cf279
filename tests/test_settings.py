"""Settings: REPLYGUARD_* variables, with the usual OPENAI_* ones as fallback."""

from __future__ import annotations

import pytest

from replyguard.settings import Settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_nothing_configured_means_the_embedded_local_model() -> None:
    settings = Settings()
    assert settings.provider == "local"
    assert settings.gguf_path is not None
    assert "SmolLM2" in settings.model_name
    assert settings.max_attempts == 3
    assert settings.prompt_texts == "compact"
    # SmolLM2 writes no language but English that a reader could use.
    assert settings.drafting_languages == {"en"}


def test_drafting_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(Settings(llm_provider="openai", llm_api_key="k").drafting_languages) == 9
    # A model of one's own is trusted with every language unless told otherwise.
    assert len(Settings(llm_provider="local", local_model_path="/m.gguf").drafting_languages) == 9
    monkeypatch.setenv("REPLYGUARD_LLM_LANGUAGES", "en, de,fr")
    assert Settings(llm_provider="local").drafting_languages == {"en", "de", "fr"}
    monkeypatch.setenv("REPLYGUARD_LLM_LANGUAGES", "en,it")
    with pytest.raises(ValueError, match="unknown language codes"):
        Settings()


def test_openai_variables_are_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-openai-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:1234/v1")
    settings = Settings()
    assert settings.provider == "openai"
    assert settings.llm_api_key is not None
    assert settings.llm_api_key.get_secret_value() == "sk-from-openai-env"
    assert settings.llm_base_url == "http://127.0.0.1:1234/v1"
    assert settings.prompt_texts == "full"


def test_our_variables_win_over_openai_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    monkeypatch.setenv("REPLYGUARD_LLM_API_KEY", "sk-ours")
    monkeypatch.setenv("REPLYGUARD_LLM_PROVIDER", "none")
    monkeypatch.setenv("REPLYGUARD_MAX_ATTEMPTS", "5")
    settings = Settings()
    assert settings.llm_api_key is not None
    assert settings.llm_api_key.get_secret_value() == "sk-ours"
    assert settings.provider == "none"
    assert settings.model_name == "templates-only"
    assert settings.max_attempts == 5


def test_invalid_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPLYGUARD_LLM_PROVIDER", "chatgpt")
    with pytest.raises(ValueError, match="llm_provider"):
        Settings()
