"""Whether one reply meets its eval case: every check passed, the right language and
scenario, and the case's own expectations."""

from __future__ import annotations

from dataclasses import dataclass, field

from replyguard.schemas import ReplyResponse
from replyguard_checks import normalize

from .dataset import EvalCase


@dataclass(slots=True)
class Verdict:
    passed: bool
    problems: list[str] = field(default_factory=list)


def judge(case: EvalCase, response: ReplyResponse, topics: tuple[str, ...] = ()) -> Verdict:
    problems: list[str] = []
    failed = [c.name for c in response.checks if not c.passed]
    if failed:
        problems.append(f"failed checks: {', '.join(failed)}")
    if response.language != case.language:
        problems.append(f"language {response.language}, expected {case.language}")
    if response.scenario != case.scenario:
        problems.append(f"scenario {response.scenario}, expected {case.scenario}")
    reply = normalize(response.reply)
    if case.expect.mention_any and not any(normalize(m) in reply for m in case.expect.mention_any):
        problems.append(f"mentions none of {case.expect.mention_any}")
    for banned in case.expect.must_not_contain:
        if normalize(banned) in reply:
            problems.append(f"contains “{banned}”")
    missing = [t for t in case.expect.topics if t not in topics]
    if missing:
        problems.append(f"topics {missing} not detected (got {list(topics)})")
    return Verdict(not problems, problems)
