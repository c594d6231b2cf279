"""An LLM's second opinion on `no_attack` (`REPLYGUARD_JUDGE=llm`), off by default.

Word lists, structural rules and the sentence classifier catch most attacks, but real
owners also attack in words none of them anticipates. A capable remote model reads
such a reply as a person would. It is asked only about a draft the checks passed (an
LLM draft about to go out, or a reply pasted into `/v1/checks`), and its verdict is
one more check in the report, `no_attack_judge`, so it is always reported apart from
the checks themselves. A judge that cannot answer fails closed: a draft nobody could
judge is not sent as judged. The embedded model never judges (settings refuse it).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from string import Template

from replyguard_checks import CheckResult

from .drafting import Case, Tally
from .llm import ChatModel, LLMError, Message
from .prompting import language_name
from .resources import judge_prompt_file

#: The judge's verdict in a report: one more check, named apart from `no_attack`.
JUDGE_CHECK = "no_attack_judge"
#: How the message of a verdict the judge could not give starts.
UNJUDGED = "Not judged: "
_MAX_TOKENS = 200
# The first {...} of the answer: models wrap JSON in prose or code fences.
_OBJECT = re.compile(r"\{.*\}", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Verdict:
    attack: bool
    sentence: str
    reason: str


def parse_verdict(text: str) -> Verdict | None:
    """The judge's JSON answer, or None when it gave none that says yes or no."""
    found = _OBJECT.search(text)
    if found is None:
        return None
    try:
        data = json.loads(found.group())
    except json.JSONDecodeError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("attack"), bool):
        return None
    return Verdict(data["attack"], str(data.get("sentence") or ""), str(data.get("reason") or ""))


class AttackJudge:
    """Asks `model` whether a draft attacks the reviewer (prompt: `judge.md`)."""

    def __init__(self, model: ChatModel, prompts: Path, timeout_s: float) -> None:
        self.model = model
        self.timeout_s = timeout_s
        self._prompt = Template(judge_prompt_file(prompts).read_text(encoding="utf-8"))

    async def judge(self, draft: str, case: Case, tally: Tally, deadline: float) -> CheckResult:
        """The judge's verdict on `draft` as a check result; the tokens go to `tally`."""
        return await self.judge_text(
            draft, case.review.text, language_name(case.facts), tally, deadline
        )

    async def judge_text(
        self, draft: str, review: str, language: str, tally: Tally, deadline: float
    ) -> CheckResult:
        """`judge` on a draft and the review it answers (`language`: its name, as the
        model is told it), for callers without a prepared case (`replyguard accuracy`)."""
        prompt = self._prompt.safe_substitute(review=review, reply=draft, language_name=language)
        remaining = deadline - time.monotonic()
        timeout = max(0.1, min(self.timeout_s, remaining))
        try:
            async with asyncio.timeout(timeout):
                completion = await self.model.complete(
                    [Message("user", prompt)],
                    max_tokens=_MAX_TOKENS,
                    temperature=0.0,
                    timeout_s=timeout,
                )
        except (LLMError, TimeoutError) as exc:
            why = str(exc) if isinstance(exc, LLMError) else "timeout"
            return _unjudged(f"the judge model did not answer ({why})")
        tally.prompt_tokens += completion.prompt_tokens
        tally.completion_tokens += completion.completion_tokens
        verdict = parse_verdict(completion.text)
        if verdict is None:
            return _unjudged("the judge model's answer was not the JSON verdict asked for")
        if not verdict.attack:
            return CheckResult(JUDGE_CHECK, True, "The LLM judge finds no attack on the reviewer.")
        said = f"“{verdict.sentence}”" if verdict.sentence else "The reply"
        because = f" ({verdict.reason})" if verdict.reason else ""
        return CheckResult(
            JUDGE_CHECK,
            False,
            f"The LLM judge reads {said} as an attack on the reviewer{because}. Remove it. "
            "Never doubt, blame, mock or threaten the reviewer; if a fact needs correcting, "
            "state it calmly and invite them to get in touch.",
        )


def _unjudged(why: str) -> CheckResult:
    return CheckResult(
        JUDGE_CHECK,
        False,
        f"{UNJUDGED}{why}. A draft the judge could not read is not sent as judged; "
        "the other checks are reported as they are.",
    )
