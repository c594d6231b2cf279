"""Precision and recall of each check, per language, on the labelled draft corpus.

The corpus (`evals/corpus/<lang>.yaml`) labels drafts with one check and whether it
must pass or fail. A check "detects" when it fails a draft, so: precision = of the
drafts it failed, how many deserved it; recall = of the drafts that deserved to fail,
how many it failed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from replyguard_checks import CheckContext, Contact
from replyguard_checks.suite import CheckSuite

CORPUS_DIR = Path(__file__).resolve().parents[1] / "corpus"
#: Drafts written without sight of the checks' code or lexicons, never tuned against:
#: the honest measure. Reported, not asserted.
HOLDOUT_DIR = Path(__file__).resolve().parents[1] / "holdout"


@dataclass(frozen=True, slots=True)
class LabelledDraft:
    language: str
    check: str
    should_fail: bool
    draft: str
    context: CheckContext
    note: str = ""


@dataclass(slots=True)
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    mistakes: list[dict[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    def as_dict(self) -> dict[str, Any]:
        return {
            "drafts": self.total,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
        }


def load_corpus(folder: Path = CORPUS_DIR) -> list[LabelledDraft]:
    drafts: list[LabelledDraft] = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            contact = data["contact"] | case.get("contact", {})
            context = CheckContext(
                review_text=case.get("review", data["review"]),
                language=data["language"],
                contact=Contact(**contact),
                business_name=data["business"],
                reviewer_name=case.get("reviewer_name", data.get("reviewer_name")),
                max_words=case.get("max_words", 120),
                compensation=tuple(case.get("compensation", data.get("compensation", []))),
                platform=case.get("platform"),
                recent_replies=tuple(case.get("recent_replies", [])),
            )
            drafts.append(
                LabelledDraft(
                    language=data["language"],
                    check=case["check"],
                    should_fail=case["expect"] == "fail",
                    draft=case["draft"],
                    context=context,
                    note=case.get("note", ""),
                )
            )
    return drafts


def score(suite: CheckSuite, drafts: list[LabelledDraft]) -> dict[str, dict[str, Score]]:
    """Scores by check, then by language (and "all")."""
    scores: dict[str, dict[str, Score]] = defaultdict(lambda: defaultdict(Score))
    for item in drafts:
        results = {r.name: r for r in suite.run(item.draft, item.context)}
        failed = not results[item.check].passed
        for bucket in (scores[item.check][item.language], scores[item.check]["all"]):
            if failed and item.should_fail:
                bucket.tp += 1
            elif failed:
                bucket.fp += 1
                bucket.mistakes.append(
                    {"kind": "false_positive", "draft": item.draft, "note": item.note}
                )
            elif item.should_fail:
                bucket.fn += 1
                bucket.mistakes.append(
                    {"kind": "false_negative", "draft": item.draft, "note": item.note}
                )
            else:
                bucket.tn += 1
    return scores


def corpus_report(suite: CheckSuite, folder: Path = CORPUS_DIR) -> dict[str, Any]:
    drafts = load_corpus(folder)
    scores = score(suite, drafts)
    return {
        "drafts": len(drafts),
        "by_check": {
            check: {lang: s.as_dict() for lang, s in sorted(by_lang.items())}
            for check, by_lang in sorted(scores.items())
        },
        "mistakes": [
            {"check": check, "language": lang, **m}
            for check, by_lang in sorted(scores.items())
            for lang, s in sorted(by_lang.items())
            if lang != "all"
            for m in s.mistakes
        ],
    }
