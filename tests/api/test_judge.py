"""`REPLYGUARD_JUDGE=llm`: a remote model's second opinion on `no_attack`, against a
real scripted OpenAI-compatible server. Off by default, never with the local model,
reported as its own check, and failing closed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from tests.support import ATTACK_DRAFT, GOOD_DRAFT, reply_body, scripted_settings

from replyguard.api import create_app
from replyguard.judge import JUDGE_CHECK, parse_verdict
from replyguard.settings import Settings
from replyguard_evals.scripted_llm import ScriptedLLM

#: Passes every check, yet lectures the reviewer on patience.
QUIET_ATTACK = GOOD_DRAFT.replace(
    "I am sorry the waiter left you on your own.",
    "A little patience goes a long way on a busy Saturday.",
)
ATTACK_VERDICT = json.dumps(
    {
        "attack": True,
        "sentence": "A little patience goes a long way on a busy Saturday.",
        "reason": "lectures the reviewer on patience",
    }
)
#: Two more good drafts in other words: the pipeline stops a model that repeats itself.
OTHER_DRAFTS = [
    "Dear Karen, I am sorry about your Saturday: a two-hour wait for a table and a cold "
    "soup are not what we stand for, and the waiter should not have left you alone. "
    "Please call me on 020 7946 0958 so I can put it right. Anna Kowalska, Restaurant Manager",
    "Hello Karen, waiting two hours for a table and then getting cold soup is not good "
    "enough, and nobody should feel ignored by a waiter here. I would like to talk it "
    "through: anna@bistroverde.example or 020 7946 0958. Anna Kowalska, Restaurant Manager",
]
CALM_VERDICT = '```json\n{"attack": false, "sentence": "", "reason": ""}\n```'


@pytest.fixture(scope="module")
def judged(llm: ScriptedLLM) -> Iterator[TestClient]:
    with TestClient(create_app(scripted_settings(llm, judge="llm"))) as test_client:
        yield test_client


def _names(checks: list[dict[str, Any]]) -> list[str]:
    return [c["name"] for c in checks]


def test_a_draft_the_judge_reads_as_an_attack_is_reasked_with_its_reason(
    judged: TestClient, llm: ScriptedLLM
) -> None:
    llm.script(
        {"text": QUIET_ATTACK},
        {"text": ATTACK_VERDICT},
        {"text": GOOD_DRAFT},
        {"text": CALM_VERDICT},
    )
    data = judged.post("/v1/replies", json=reply_body()).json()
    assert data["source"] == "llm"
    assert data["reply"] == GOOD_DRAFT
    assert data["passed"] is True
    judge = next(c for c in data["checks"] if c["name"] == JUDGE_CHECK)
    assert judge["passed"] is True
    # The rule-based checks passed the first draft; only the judge turned it down.
    assert [a["failed"] for a in data["attempts"]] == [[JUDGE_CHECK], []]
    assert len(llm.requests) == 4
    # The judge was shown the review and the draft; the re-ask carried its reason.
    judge_prompt = llm.requests[1]["messages"][-1]["content"]
    assert QUIET_ATTACK in judge_prompt
    assert "two hours" in judge_prompt
    reask = llm.requests[2]["messages"][-1]["content"]
    assert "lectures the reviewer on patience" in reask
    # The judge's tokens are part of the request's usage (four completions).
    assert data["usage"]["prompt_tokens"] > 0


def test_a_judge_that_cannot_answer_fails_closed(judged: TestClient, llm: ScriptedLLM) -> None:
    llm.script(
        {"text": GOOD_DRAFT},
        {"text": "Looks fine to me!"},
        {"text": OTHER_DRAFTS[0]},
        {"status": 500},
        {"text": OTHER_DRAFTS[1]},
        {"text": '{"attack": "maybe"}'},
    )
    data = judged.post("/v1/replies", json=reply_body()).json()
    # No LLM draft went out unjudged: the template answered, and passed its checks.
    assert data["source"] == "template"
    assert data["passed"] is True
    llm_attempts = [a for a in data["attempts"] if a["source"] == "llm"]
    assert [a["failed"] for a in llm_attempts] == [[JUDGE_CHECK]] * 3
    assert len(llm.requests) == 6
    assert JUDGE_CHECK not in _names(data["checks"])  # our own template is not judged


def test_checks_on_a_pasted_reply_carry_the_judges_verdict(
    judged: TestClient, llm: ScriptedLLM
) -> None:
    llm.script({"text": ATTACK_VERDICT})
    data = judged.post("/v1/checks", json={**reply_body(), "draft": QUIET_ATTACK}).json()
    assert data["passed"] is False
    by_name = {c["name"]: c for c in data["checks"]}
    assert by_name["no_attack"]["passed"] is True
    assert by_name[JUDGE_CHECK]["passed"] is False
    assert "A little patience goes a long way" in by_name[JUDGE_CHECK]["message"]
    assert len(llm.requests) == 1


def test_a_reply_the_checks_already_fail_costs_no_judge_call(
    judged: TestClient, llm: ScriptedLLM
) -> None:
    llm.script({"text": CALM_VERDICT})
    data = judged.post("/v1/checks", json={**reply_body(), "draft": ATTACK_DRAFT}).json()
    assert data["passed"] is False
    assert JUDGE_CHECK not in _names(data["checks"])
    assert llm.requests == []


def test_without_the_setting_nothing_is_judged(client: TestClient, llm: ScriptedLLM) -> None:
    llm.script({"text": QUIET_ATTACK})
    data = client.post("/v1/replies", json=reply_body()).json()
    assert data["source"] == "llm"
    assert JUDGE_CHECK not in _names(data["checks"])
    assert len(llm.requests) == 1


@pytest.mark.parametrize("provider", ["local", "none"])
def test_the_judge_needs_a_remote_model(provider: str) -> None:
    with pytest.raises(ValidationError, match="REPLYGUARD_JUDGE=llm needs a capable remote"):
        Settings(llm_provider=provider, judge="llm")


@pytest.mark.parametrize(
    ("answer", "attack"),
    [
        ('{"attack": true, "sentence": "x", "reason": "y"}', True),
        ('Sure. ```json\n{"attack": false}\n``` Hope that helps.', False),
        ('{"attack": "no"}', None),
        ("no JSON here", None),
        ('{"attack": tru', None),
    ],
)
def test_parse_verdict(answer: str, attack: bool | None) -> None:
    verdict = parse_verdict(answer)
    assert (verdict.attack if verdict else None) is attack


def test_a_revision_the_judge_flags_is_edited_and_judged_again(
    judged: TestClient, llm: ScriptedLLM
) -> None:
    # The rules keep the person's reply as it is (it passes the checks); the judge
    # flags it; the LLM's edit is judged too before it is returned.
    llm.script({"text": ATTACK_VERDICT}, {"text": GOOD_DRAFT}, {"text": CALM_VERDICT})
    data = judged.post("/v1/revisions", json={**reply_body(), "draft": QUIET_ATTACK}).json()
    assert data["source"] == "llm"
    assert data["revised"] == GOOD_DRAFT
    assert data["passed"] is True
    assert {c["name"]: c["passed"] for c in data["checks"]}[JUDGE_CHECK] is True
    # The edit was asked to fix what the judge found.
    assert "lectures the reviewer on patience" in llm.requests[1]["messages"][-1]["content"]
    assert len(llm.requests) == 3


def test_a_revision_the_judge_keeps_flagging_ends_in_a_template(
    judged: TestClient, llm: ScriptedLLM
) -> None:
    llm.script({"text": ATTACK_VERDICT}, {"text": "{not a reply"}, {"status": 500})
    data = judged.post("/v1/revisions", json={**reply_body(), "draft": QUIET_ATTACK}).json()
    assert data["source"] == "template"
    assert data["passed"] is True
    assert JUDGE_CHECK not in _names(data["checks"])
