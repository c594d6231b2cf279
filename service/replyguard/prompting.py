"""Chat messages for the LLM, from the files in `prompts/`.

The system prompt carries the playbook and the business facts; the review goes into
the user message between <review> tags as untrusted data. Placeholders use
`string.Template` ($name), so braces in a review or prompt are never interpreted.
"""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

import yaml

from replyguard_checks import HANT, LANGUAGE_NAMES

from .facts import ReplyFacts
from .llm.base import Message
from .resources import prompt_texts_dir, scenarios_file

_TAG = re.compile(r"<\s*/?\s*review\s*>", re.IGNORECASE)


def language_name(facts: ReplyFacts) -> str:
    """The language to write in, as the model is told it: Chinese names its script."""
    return language_label(facts.language, facts.script)


def language_label(language: str, script: str | None) -> str:
    """`language_name` of a language code and the script the reviewer wrote in."""
    if language == "zh":
        return "Traditional Chinese" if script == HANT else "Simplified Chinese"
    return LANGUAGE_NAMES[language]


class PromptBook:
    """Loads the prompt files once and fills them per request.

    `profile` "full" reads prompts/*.md; "compact" reads prompts/compact/*.md, a short,
    example-led prompt for small local models, which copy words from a long rule list
    (tell SmolLM2 "never call them a liar" and it writes "liar").
    """

    def __init__(self, folder: Path, profile: str = "full") -> None:
        self.folder = folder
        self.profile = profile
        texts = prompt_texts_dir(folder, profile)
        self.system = Template((texts / "system.md").read_text(encoding="utf-8"))
        self.user = Template((texts / "user.md").read_text(encoding="utf-8"))
        self.reask_prompt = Template((texts / "reask.md").read_text(encoding="utf-8"))
        self.scenarios: dict[str, str] = yaml.safe_load(
            scenarios_file(folder).read_text(encoding="utf-8")
        )
        hints = texts / "hints.yaml"
        self.hints: dict[str, str] = (
            yaml.safe_load(hints.read_text(encoding="utf-8")) if hints.is_file() else {}
        )

    @property
    def scaffolded(self) -> bool:
        """Whether the model writes only the body, between a greeting and a closing
        line that the service adds (the compact profile)."""
        return self.profile == "compact"

    def _values(self, f: ReplyFacts) -> dict[str, str]:
        channel = " or ".join(x for x in (f.phone, f.email) if x)
        facts = []
        if f.not_offered:
            facts.append(f"Fact: {f.business} does not offer {f.not_offered}.")
        if f.fix:
            facts.append(f"Fact: this problem has been fixed: {f.fix}")
        if f.compensation:
            offers = "; ".join(f.compensation)
            compensation_rule = (
                f"If it fits, offer one of these, and nothing else: {offers}."
                if f.scenario in ("genuine", "anonymous", "needs_investigation", "fixed_since")
                else "Offer no compensation in public."
            )
        else:
            compensation_rule = (
                "Offer no refund, discount or gift: the business has not allowed any."
            )
        greeting_line = f"“{f.greeting}”" if f.greeting else "a short greeting"
        if f.compensation and f.scenario in ("genuine", "anonymous"):
            compensation_line = f"Offer them {f.compensation[0]}."
        else:
            compensation_line = "Say that you want to put it right."
        greeting_rule = (
            f"address them by the name they used, “{f.reviewer_name}”."
            if f.reviewer_name
            else "the review is anonymous, so use a neutral greeting."
        )
        return {
            "business_name": f.business,
            "contact_name": f.contact_name,
            "contact_role": f.contact_role or "contact person",
            "channel": channel,
            "channel_facts": "; ".join(
                x
                for x in (
                    f"phone {f.phone}" if f.phone else "",
                    f"e-mail {f.email}" if f.email else "",
                )
                if x
            ),
            "language_name": language_name(f),
            "max_words": str(f.max_words),
            "scenario": f.scenario.replace("_", " "),
            "scenario_guidance": self.scenarios[f.scenario],
            "facts": "\n".join(facts),
            "compensation_rule": compensation_rule,
            "greeting_rule": greeting_rule,
            "greeting_line": greeting_line,
            "compensation_line": compensation_line,
            "review": _TAG.sub("[tag removed]", f.review),
            "rating_text": f"{f.rating}-star" if f.rating else "negative",
            "platform_text": f" posted on {f.platform}" if f.platform else "",
            "reviewer_text": f" by {f.reviewer_name}" if f.reviewer_name else " (anonymous)",
        }

    @property
    def instructions(self) -> str:
        """Every instruction sentence we send, without business facts or the review:
        what a draft must not parrot (the no_meta check compares word runs)."""
        parts = [self.system.template, self.user.template, self.reask_prompt.template]
        return "\n".join([*parts, *self.scenarios.values(), *self.hints.values()])

    def messages(self, facts: ReplyFacts) -> list[Message]:
        values = self._values(facts)
        return [
            Message("system", self.system.substitute(values).strip()),
            Message("user", self.user.substitute(values).strip()),
        ]

    def reask(self, facts: ReplyFacts, failures: list[tuple[str, str]]) -> Message:
        """The re-ask turn: the failed checks' messages, or for the compact profile
        their short hints (small models paste long messages into the reply)."""
        values = self._values(facts)
        values["failures"] = "\n".join(f"- {name}: {message}" for name, message in failures)
        details = ", ".join(facts.details[:4]) or "the problem they describe"
        values["hints"] = " ".join(
            Template(self.hints[name]).safe_substitute(details=details)
            for name, _ in failures
            if self.hints.get(name)
        )
        return Message("user", self.reask_prompt.substitute(values).strip())
