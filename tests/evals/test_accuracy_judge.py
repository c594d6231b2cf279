"""`replyguard accuracy --judge`: no_attack with the LLM judge behind it, scored as a row
of its own, against a real scripted OpenAI-compatible server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from replyguard.cli import app
from replyguard_evals.judged import JUDGED_CHECK
from replyguard_evals.scripted_llm import running

REVIEW = "We waited two hours for a table and the soup was cold."
SIGN = " Please call me on 020 7946 0958. Alex Morgan"
#: An attack that no_attack misses: only the judge can catch it.
QUIET = "Dear guest, I am sorry about the wait. A little patience goes a long way on a Saturday."
ITEMS = [
    ("en-1", QUIET + SIGN, "fail"),
    ("en-2", "Dear guest, I am sorry about the two hours and the cold soup." + SIGN, "pass"),
    ("en-3", "Dear guest, you are lying about the soup and you know it." + SIGN, "fail"),
]
ATTACK = '{"attack": true, "sentence": "A little patience goes a long way", "reason": "lectures"}'
CALM = '{"attack": false, "sentence": "", "reason": ""}'


def _corpus(folder: Path) -> Path:
    folder.mkdir()
    items = [
        {"id": i, "business": "Bistro Verde", "review": REVIEW, "reply": r, "label": label}
        | {"reason": "written for this test"}
        for i, r, label in ITEMS
    ]
    data = {"language": "en", "check": "no_attack", "items": items}
    (folder / "en.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def test_the_judge_is_scored_beside_no_attack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _corpus(tmp_path / "corpus")
    report = tmp_path / "scores.json"
    with running() as llm:
        llm.script({"answers": [["A little patience", ATTACK]], "text": CALM})
        monkeypatch.setenv("REPLYGUARD_LLM_PROVIDER", "openai")
        monkeypatch.setenv("REPLYGUARD_LLM_BASE_URL", llm.base_url)
        monkeypatch.setenv("REPLYGUARD_LLM_API_KEY", "test-key")
        monkeypatch.setenv("REPLYGUARD_LLM_MODEL", "scripted-model")
        result = CliRunner().invoke(
            app, ["accuracy", "--corpus", str(corpus), "--judge", "--report", str(report)]
        )
        # The reply no_attack already fails costs no judge call.
        assert len(llm.requests) == 2
    assert result.exit_code == 0, result.output
    scores = json.loads(report.read_text(encoding="utf-8"))
    alone = scores["by_check"]["no_attack"]["all"]
    judged = scores["by_check"][JUDGED_CHECK]["all"]
    assert (alone["tp"], alone["fn"], alone["fp"]) == (1, 1, 0)
    assert (judged["tp"], judged["fn"], judged["fp"]) == (2, 0, 0)
    assert scores["judge"]["judged"] == 2
    assert scores["judge"]["unjudged"] == 0
    assert "no_attack+judge" in result.output


def test_judge_without_a_remote_model_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPLYGUARD_LLM_PROVIDER", "local")
    result = CliRunner().invoke(
        app, ["accuracy", "--corpus", str(_corpus(tmp_path / "corpus")), "--judge"]
    )
    assert result.exit_code == 2
    assert "needs a capable remote model" in result.output
