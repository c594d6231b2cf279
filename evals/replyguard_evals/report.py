"""The eval report: a summary QA can read, every case's attempts, and the gate.

`summarize` turns case results into the `summary` block; `compare` finds what got
worse against a baseline report and decides whether the run may ship.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from replyguard.judge import JUDGE_CHECK

from .runner import CaseResult


def _rate(passed: int, total: int) -> float | None:
    return round(passed / total, 4) if total else None


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return round(ordered[index], 1)


def _grouped(results: Iterable[CaseResult], key: str) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[CaseResult]] = defaultdict(list)
    for r in results:
        groups[str(getattr(r.case, key))].append(r)
    out: dict[str, dict[str, Any]] = {}
    for name, items in sorted(groups.items()):
        entry: dict[str, Any] = {
            "cases": len(items),
            "pass_rate": _rate(sum(r.passed for r in items), len(items)),
        }
        if key == "scenario":
            detected = sum(1 for r in items if r.response and r.response.scenario == name)
            entry["detected"] = _rate(detected, len(items))
        out[name] = entry
    return out


def summarize(results: list[CaseResult], check_names: list[str]) -> dict[str, Any]:
    responses = [r.response for r in results if r.response is not None]
    total = len(results)

    by_check: dict[str, dict[str, Any]] = {}
    drafts = [a for resp in responses for a in resp.attempts if a.source == "llm" and not a.error]
    for name in check_names:
        final_pass = sum(
            1 for resp in responses if any(c.name == name and c.passed for c in resp.checks)
        )
        draft_fail = sum(1 for a in drafts if name in a.failed)
        by_check[name] = {
            "pass_rate": _rate(final_pass, total),
            "llm_draft_fail_rate": _rate(draft_fail, len(drafts)),
        }
        if name == JUDGE_CHECK:
            # The LLM judge reads LLM replies only: its rate is over the replies it read.
            judged = sum(1 for resp in responses if any(c.name == name for c in resp.checks))
            by_check[name] |= {"judged": judged, "pass_rate": _rate(final_pass, judged)}

    with_llm = [resp for resp in responses if any(a.source == "llm" for a in resp.attempts)]
    first_ok = 0
    reasks: list[int] = []
    for resp in with_llm:
        llm = [a for a in resp.attempts if a.source == "llm"]
        first_ok += int(not llm[0].error and not llm[0].failed)
        reasks.append(len(llm) - 1)
    errors = Counter(
        a.error_kind or "error" for resp in responses for a in resp.attempts if a.error
    )
    draft_ms = [a.duration_ms for a in drafts]
    latencies = [r.latency_ms for r in results]
    return {
        "cases": total,
        "passed": sum(r.passed for r in results),
        "pass_rate": _rate(sum(r.passed for r in results), total),
        "by_check": by_check,
        "by_language": _grouped(results, "language"),
        "by_scenario": _grouped(results, "scenario"),
        "by_industry": _grouped(results, "industry"),
        "source": dict(Counter(resp.source for resp in responses)),
        "first_draft_pass_rate": _rate(first_ok, len(with_llm)),
        "llm_pass_rate_after_reasks": _rate(
            sum(1 for resp in with_llm if resp.source == "llm"), len(with_llm)
        ),
        "reasks_per_reply": round(statistics.fmean(reasks), 3) if reasks else None,
        "llm_errors": dict(errors),
        "seconds_per_draft": round(statistics.fmean(draft_ms) / 1000, 3) if draft_ms else None,
        "latency_ms": {
            "p50": _percentile(latencies, 0.5),
            "p95": _percentile(latencies, 0.95),
            "max": round(max(latencies), 1) if latencies else None,
        },
        "tokens": {
            "prompt": sum(resp.usage.prompt_tokens for resp in responses),
            "completion": sum(resp.usage.completion_tokens for resp in responses),
        },
    }


@dataclass(slots=True)
class GateResult:
    ok: bool
    reasons: list[str] = field(default_factory=list)
    worse: list[dict[str, Any]] = field(default_factory=list)


def compare(
    report: dict[str, Any],
    baseline: dict[str, Any] | None,
    min_pass_rate: float,
    max_drop: float,
) -> GateResult:
    """Fail when the pass rate is under `min_pass_rate`, or when it, or any check's,
    language's or scenario's pass rate, fell more than `max_drop` below the baseline."""
    gate = GateResult(ok=True)
    summary = report["summary"]
    rate = summary["pass_rate"] or 0.0
    if rate < min_pass_rate:
        gate.reasons.append(f"pass rate {rate:.2%} is below the minimum {min_pass_rate:.2%}")
    if baseline is not None:
        base = baseline["summary"]
        pairs: list[tuple[str, float | None, float | None]] = [
            ("overall", base.get("pass_rate"), summary.get("pass_rate"))
        ]
        for group in ("by_check", "by_language", "by_scenario"):
            for name, entry in summary.get(group, {}).items():
                old = base.get(group, {}).get(name, {}).get("pass_rate")
                pairs.append((f"{group[3:]} {name}", old, entry.get("pass_rate")))
        for label, old, new in pairs:
            if old is not None and new is not None and new < old - max_drop:
                gate.reasons.append(f"{label}: pass rate {new:.2%}, baseline {old:.2%}")
        before = {c["id"]: c for c in baseline.get("cases", [])}
        for case in report.get("cases", []):
            old_case = before.get(case["id"])
            if old_case and old_case["passed"] and not case["passed"]:
                gate.worse.append({"id": case["id"], "problems": case["problems"]})
    gate.ok = not gate.reasons
    return gate
