"""`replyguard eval`: the report QA reads and the gate CI trusts."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from replyguard_checks import CheckContext, CheckSuite, Verdict
from replyguard_checks.length import Length
from replyguard_checks.named_contact import NamedContact
from replyguard_checks.no_attack import NoAttack
from replyguard_checks.no_generic import NoGeneric
from replyguard_checks.offline_channel import OfflineChannel
from replyguard_evals.command import run_eval

SUMMARY_FIELDS = {
    "cases",
    "pass_rate",
    "by_check",
    "by_language",
    "by_scenario",
    "source",
    "first_draft_pass_rate",
    "reasks_per_reply",
    "latency_ms",
    "tokens",
}


class BrokenNoAttack(NoAttack):
    """A regression on purpose: flags every draft as an attack."""

    def check(self, text: str, context: CheckContext) -> Verdict:
        return Verdict.fail("broken on purpose")


def _run(tmp_path: Path, name: str, **kwargs: object) -> tuple[int, dict[str, object]]:
    report = tmp_path / f"{name}.json"
    options: dict[str, object] = {
        "report_path": report,
        "html_path": None,
        "provider": "none",
        "model": None,
        "base_url": None,
        "case_filter": "en-*",
        "baseline_path": None,
        "min_pass_rate": 1.0,
        "max_drop": 0.0,
        "concurrency": 4,
        "with_corpus": False,
        "console": Console(file=open(tmp_path / f"{name}.log", "w"), width=120),  # noqa: SIM115
    } | kwargs
    code = run_eval(**options)  # type: ignore[arg-type]
    return code, json.loads(report.read_text(encoding="utf-8"))


def test_templates_only_run_passes_and_reports(tmp_path: Path) -> None:
    code, report = _run(tmp_path, "good")
    assert code == 0
    summary = report["summary"]
    assert set(summary) >= SUMMARY_FIELDS
    assert summary["pass_rate"] == 1.0
    assert summary["source"] == {"template": summary["cases"]}
    assert summary["first_draft_pass_rate"] is None  # no LLM, no drafts
    assert all(case["attempts"] for case in report["cases"])


def test_a_broken_check_fails_the_gate(tmp_path: Path) -> None:
    code, baseline = _run(tmp_path, "baseline")
    assert code == 0
    broken = CheckSuite([Length(), BrokenNoAttack(), NamedContact(), OfflineChannel(), NoGeneric()])
    code, report = _run(
        tmp_path,
        "broken",
        suite=broken,
        min_pass_rate=0.0,
        baseline_path=tmp_path / "baseline.json",
    )
    assert code == 1
    assert report["summary"]["by_check"]["no_attack"]["pass_rate"] == 0.0
    assert report["gate"]["ok"] is False
    assert any("no_attack" in reason for reason in report["gate"]["reasons"])
    assert {w["id"] for w in report["gate"]["worse"]} == {c["id"] for c in baseline["cases"]}


def test_min_pass_rate_alone_fails_a_broken_run(tmp_path: Path) -> None:
    broken = CheckSuite([Length(), BrokenNoAttack(), NamedContact(), OfflineChannel(), NoGeneric()])
    code, _ = _run(tmp_path, "broken", suite=broken)
    assert code == 1


def test_unknown_filter_is_a_usage_error(tmp_path: Path) -> None:
    code = run_eval(
        report_path=tmp_path / "r.json",
        html_path=None,
        provider="none",
        model=None,
        base_url=None,
        case_filter="no-such-case",
        baseline_path=None,
        min_pass_rate=1.0,
        max_drop=0.0,
        concurrency=1,
        with_corpus=False,
        console=Console(file=open(tmp_path / "log", "w")),  # noqa: SIM115
    )
    assert code == 2


CHROMIUM = shutil.which("chromium")


@pytest.mark.slow
def test_full_cli_run_and_html_report_in_chromium(tmp_path: Path) -> None:
    """The acceptance run: every case, nine languages, the HTML report rendered by a
    real headless Chromium."""
    report, html = tmp_path / "r.json", tmp_path / "r.html"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "replyguard.cli",
            "eval",
            "--provider",
            "none",
            "--min-pass-rate",
            "1.0",
            "--report",
            str(report),
            "--html",
            str(html),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "REPLYGUARD_LLM_PROVIDER": "none"},
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["summary"]["cases"] >= 150
    assert len(data["summary"]["by_language"]) >= 9
    assert data["summary"]["pass_rate"] == 1.0
    assert data["detectors"]["drafts"] > 0
    assert set(data["detectors_real"]) == {"dev", "blind"}
    assert data["detectors_real"]["dev"]["by_check"]["no_attack"]["all"]["f1"] >= 0
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (.ci/system-deps installs it)")
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run(
        [CHROMIUM, *flags, "--dump-dom", html.as_uri()], capture_output=True, text=True, timeout=120
    )
    tables = ("by-check", "by-language", "by-scenario", "detectors", "detectors-real-dev")
    for table in tables:
        assert f'id="{table}"' in dom.stdout
    shot = Path("artifacts") / "eval-report.png"
    shot.parent.mkdir(exist_ok=True)
    subprocess.run(
        [
            CHROMIUM,
            *flags,
            f"--screenshot={shot.resolve()}",
            "--window-size=1280,2400",
            html.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.stat().st_size > 20_000


def test_the_llm_judge_is_reported_as_a_row_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from replyguard.judge import JUDGE_CHECK
    from replyguard.runtime import Runtime
    from replyguard_evals.dataset import load_cases
    from replyguard_evals.scripted_llm import running

    case = next(c for c in load_cases() if c.id.startswith("en-"))
    # A draft that passes every check for this case: the case's own template reply.
    draft = asyncio.run(Runtime.templates_only().pipeline.reply(case.request)).reply
    calm = '{"attack": false, "sentence": "", "reason": ""}'
    monkeypatch.setenv("REPLYGUARD_JUDGE", "llm")
    monkeypatch.setenv("REPLYGUARD_LLM_API_KEY", "test-key")
    with running() as llm:
        llm.script(
            {"answers": [["Decide one thing only", calm], [case.request.review.text, draft]]}
        )
        code, report = _run(
            tmp_path,
            "judged",
            provider="openai",
            base_url=llm.base_url,
            model="scripted-model",
            case_filter=case.id,
        )
    assert code == 0
    assert report["meta"]["judge"] == "llm"
    row = report["summary"]["by_check"][JUDGE_CHECK]
    assert row == {"pass_rate": 1.0, "llm_draft_fail_rate": 0.0, "judged": 1}
    assert report["summary"]["source"] == {"llm": 1}
