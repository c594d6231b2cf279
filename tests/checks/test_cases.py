"""Every labelled draft in tests/checks/cases/*.yaml: the named check passes or fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from replyguard_checks import CheckContext, Contact
from replyguard_checks.suite import CheckSuite

CASES = Path(__file__).parent / "cases"


def _load() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for i, case in enumerate(data["cases"]):
            note = case.get("note", "")
            params.append(
                pytest.param(
                    data,
                    case,
                    id=f"{data['language']}-{i:02d}-{case['check']}-{case['expect']}"
                    + (f"-{note[:30]}" if note else ""),
                )
            )
    return params


@pytest.mark.parametrize(("data", "case"), _load())
def test_labelled_draft(suite: CheckSuite, data: dict[str, Any], case: dict[str, Any]) -> None:
    contact = data["contact"] | case.get("contact", {})
    context = CheckContext(
        review_text=case.get("review", data["review"]),
        language=data["language"],
        contact=Contact(**contact),
        business_name=data["business"],
        reviewer_name=case.get("reviewer_name", data.get("reviewer_name")),
        max_words=case.get("max_words", 120),
    )
    results = {r.name: r for r in suite.run(case["draft"], context)}
    result = results[case["check"]]
    assert result.passed is (case["expect"] == "pass"), result.message
