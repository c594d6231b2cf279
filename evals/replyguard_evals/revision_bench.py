"""`replyguard bench --part revisions`: how the rules revise real replies.

Reads the dev split of the real-text corpus only (`evals/real/dev/`), revises every
reply with the rules (no LLM) against its business profile and prints per language:
the share of revisions that pass every check (goal 95%), the mean share of words kept
for replies whose only failures are named_contact, offline_channel or length (goal
0.70), and how many revisions fail a check their draft passed (goal 0).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from replyguard.revisions import Reviser, Revision
from replyguard.runtime import Runtime
from replyguard.schemas import Business, Options, ReplyRequest, Review

from .corpus import REAL_DIR, RECENT_WINDOW

#: The split the revisions are measured on: tuned on, never the blind ones.
DEV_DIR = REAL_DIR / "dev"
#: Failures the rules repair by adding or cutting, not by rewriting.
ADDABLE = frozenset({"named_contact", "offline_channel", "length"})


@dataclass(slots=True)
class Tally:
    replies: int = 0
    already_passed: int = 0
    passed: int = 0
    regressions: int = 0
    kept_addable: list[float] = field(default_factory=list)
    kept_revised: list[float] = field(default_factory=list)
    still_failing: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    skipped: int = 0

    def add(self, revision: Revision) -> None:
        self.replies += 1
        before = {r.name: r.passed for r in revision.checks_before}
        failed = {name for name, ok in before.items() if not ok}
        self.already_passed += not failed
        self.passed += revision.passed
        self.regressions += any(
            before[r.name] and not r.passed for r in revision.checks if r.name in before
        )
        if failed:
            self.kept_revised.append(revision.kept)
        if failed and failed <= ADDABLE:
            self.kept_addable.append(revision.kept)
        for r in revision.checks:
            if not r.passed:
                self.still_failing[r.name] += 1

    def as_dict(self) -> dict[str, Any]:
        kept = self.kept_addable
        return {
            "replies": self.replies,
            "skipped": self.skipped,
            "already_passed": self.already_passed,
            "passed": self.passed,
            "pass_share": round(self.passed / self.replies, 4) if self.replies else 0.0,
            "addable_replies": len(kept),
            "mean_kept_addable": round(sum(kept) / len(kept), 4) if kept else None,
            "mean_kept_revised": (
                round(sum(self.kept_revised) / len(self.kept_revised), 4)
                if self.kept_revised
                else None
            ),
            "regressions": self.regressions,
            "still_failing": dict(sorted(self.still_failing.items())),
        }


def dev_items(folder: Path = DEV_DIR) -> list[tuple[str, str, dict[str, Any], list[str]]]:
    """(bucket, language, item, the business's other replies) of every dev reply."""
    found = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        by_business: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for item in data["items"]:
            by_business[item["business"]].append(item)
        for item in data["items"]:
            others = [o["reply"] for o in by_business[item["business"]] if o["id"] != item["id"]]
            bucket = str(data.get("bucket", data["language"]))
            found.append((bucket, str(data["language"]), item, others[:RECENT_WINDOW]))
    return found


def real_request(language: str, item: dict[str, Any]) -> ReplyRequest:
    """A reply request for the review of a real-corpus item, with its business profile
    (raises ValidationError on what the API would refuse)."""
    return ReplyRequest(
        review=Review.model_validate(
            {
                "text": item["review"],
                "language": language,
                "reviewer_name": item.get("reviewer_name"),
                "rating": item.get("rating"),
            }
        ),
        business=Business.model_validate(
            {
                "name": item["business"],
                "contact": item["contact"],
                "compensation": list(item.get("compensation") or []),
            }
        ),
        options=Options(platform=item.get("platform")),
    )


def run_revision_bench(
    console: Console | None = None, folder: Path = DEV_DIR, limit: int | None = None
) -> dict[str, Any]:
    """Revise every dev reply; print and return the figures per language and in all."""
    console = console or Console()
    runtime = Runtime.templates_only()
    pipeline = runtime.pipeline
    reviser = Reviser(pipeline.suite, pipeline.templates, pipeline.prompts_dir)
    tallies: dict[str, Tally] = defaultdict(Tally)
    started = time.perf_counter()
    for bucket, language, item, others in dev_items(folder)[:limit]:
        try:
            request = real_request(language, item)
        except ValidationError:
            tallies[bucket].skipped += 1
            tallies["all"].skipped += 1
            continue
        case = pipeline.prepare(request.review, request.business, request.options)
        case.context = replace(case.context, recent_replies=tuple(others))
        revision = reviser.revise(case, item["reply"])
        tallies[bucket].add(revision)
        tallies["all"].add(revision)
    seconds = time.perf_counter() - started
    figures = {lang: t.as_dict() for lang, t in sorted(tallies.items())}
    _print(console, figures, seconds)
    return {"seconds": round(seconds, 1), "by_language": figures}


def _print(console: Console, figures: dict[str, dict[str, Any]], seconds: float) -> None:
    table = Table(title=f"Revisions of real replies, dev split, rules only ({seconds:.0f} s)")
    columns = ("language", "replies", "passed before", "pass after", "kept (addable)", "kept (all)")
    for column in columns:
        table.add_column(column, justify="right")
    table.add_column("broke a check", justify="right")
    table.add_column("still failing")
    for lang, f in figures.items():
        kept = f["mean_kept_addable"]
        table.add_row(
            lang,
            str(f["replies"]),
            str(f["already_passed"]),
            f"{f['passed']} ({f['pass_share']:.1%})",
            f"{kept:.2f} (n={f['addable_replies']})" if kept is not None else "-",
            f"{f['mean_kept_revised']:.2f}" if f["mean_kept_revised"] is not None else "-",
            str(f["regressions"]),
            ", ".join(f"{k} {v}" for k, v in f["still_failing"].items()),
        )
    console.print(table)
