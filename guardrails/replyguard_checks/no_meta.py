"""`no_meta`: the reply is a finished public text, not a model's workings.

Fails on "As an AI", unfilled placeholders ("[Name]", "{phone}", "<review>"), echoed
prompt or instruction text, and markdown or bullet lists, in any language.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import yaml
from guardrails.validators import register_validator

from .base import ReplyCheck, Verdict
from .context import CheckContext
from .text import normalize

_WHY = {
    "ai_self_reference": "talks about being an AI",
    "placeholder": "leaves a placeholder unfilled",
    "prompt_echo": "repeats prompt or instruction text",
    "markdown": "uses markdown or a list, which a review site shows as raw symbols",
}


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    text = resources.files("replyguard_checks").joinpath("data", "meta.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return {
        kind: re.compile("|".join(f"(?:{p})" for p in data[kind]), re.MULTILINE) for kind in _WHY
    }


def find_meta(text: str) -> list[tuple[str, str]]:
    """(kind, snippet) for everything in the draft that is not reply text."""
    scanned = normalize(text)
    # Markdown lives in line structure, which normalise() collapses: scan the raw lines.
    raw = "\n".join(line.strip() for line in text.casefold().splitlines())
    hits: list[tuple[str, str]] = []
    for kind, pattern in _patterns().items():
        match = pattern.search(raw if kind == "markdown" else scanned)
        if match:
            hits.append((kind, match.group().strip()[:40]))
    return hits


@register_validator(name="replyguard/no_meta", data_type="string")
class NoMeta(ReplyCheck):
    """Fails on AI self-reference, placeholders, echoed prompts and markdown."""

    name = "no_meta"

    def check(self, text: str, context: CheckContext) -> Verdict:
        hits = find_meta(text)
        if not hits:
            return Verdict.ok(
                "Plain reply text: no AI talk, placeholders, prompt echo or markdown."
            )
        problems = "; ".join(f"“{snippet}” {_WHY[kind]}" for kind, snippet in hits)
        return Verdict.fail(
            f"The reply is not clean public text: {problems}. Write only the finished reply "
            "as plain sentences, with every name and contact detail filled in."
        )
