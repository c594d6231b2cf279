"""The lines a person sees once `replyguard serve` is ready: where the page and the API
docs are, which model drafts, and how to point it at a stronger LLM."""

from __future__ import annotations

from replyguard_checks import SUPPORTED_LANGUAGES

from ..settings import Settings

_STRONGER = (
    "for better drafts, point it at any OpenAI-compatible LLM: "
    "REPLYGUARD_LLM_BASE_URL=http://host:port/v1 REPLYGUARD_LLM_MODEL=name "
    "(and REPLYGUARD_LLM_API_KEY if it needs one)"
)


def drafter(settings: Settings) -> str:
    """Who writes the drafts, in words, with the languages it drafts in when not all."""
    if settings.provider == "none":
        return "templates only (no LLM)"
    if settings.provider == "local":
        who = f"the embedded local model {settings.model_name} (small: for trying it out)"
    else:
        who = f"{settings.model_name} at {settings.llm_base_url or 'api.openai.com'}"
    languages = settings.drafting_languages
    if len(languages) < len(SUPPORTED_LANGUAGES):
        listed = " ".join(code for code in SUPPORTED_LANGUAGES if code in languages)
        who += f", in {listed} only (templates for the other languages)"
    return who


def banner(settings: Settings, model_state: str) -> list[str]:
    """The ready banner, one line a log record (JSON collectors get them too)."""
    url = (settings.public_url or "").rstrip("/")
    lines = ["replyguard is ready"]
    if url:
        lines += [f"  agent page:  {url}/", f"  API docs:    {url}/docs"]
    loading = ", loading now (replies wait for it)" if model_state == "loading" else ""
    lines.append(f"  drafts with: {drafter(settings)}{loading}")
    if settings.provider != "openai":
        lines.append(f"  {_STRONGER}")
    return lines
