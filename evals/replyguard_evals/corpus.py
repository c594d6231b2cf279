"""Precision, recall and F1 of each check, per language, on labelled drafts.

Two kinds of labelled folder:

- the draft corpus (`evals/corpus/<lang>.yaml`, `evals/holdout/`): each case labels a
  draft with one check and whether it must pass or fail;
- the real-text corpus (`evals/real/<split>/<lang>.yaml`): replies businesses really
  posted, each labelled for every check (`labels`), with the business profile the
  labels assume (see evals/real/LABELS.md).

A check "detects" when it fails a draft, so: precision = of the drafts it failed, how
many deserved it; recall = of the drafts that deserved to fail, how many it failed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from replyguard import resources
from replyguard_checks import CheckContext, CheckResult, CheckSuite, Contact

CORPUS_DIR = resources.corpus_dir()
#: Drafts written without sight of the checks' code or lexicons, never tuned against:
#: the honest measure. Reported, not asserted.
HOLDOUT_DIR = resources.holdout_dir()
#: Real replies to negative reviews: `dev` is tuned on, `blind` is scored once a round.
REAL_DIR = resources.real_dir()
#: The real splits a report scores; `next-blind/` waits, unscored, for the next round.
REAL_SPLITS = ("dev", "blind")
#: How many of a business's other replies count as its recent ones (`not_repeated`).
RECENT_WINDOW = 50


@dataclass(frozen=True, slots=True)
class LabelledDraft:
    language: str
    check: str
    should_fail: bool
    draft: str
    context: CheckContext
    note: str = ""
    #: The real reply this label belongs to (real-text corpus only).
    item: str = ""
    #: A real reply that disagrees with the reviewer calmly: it must pass `no_attack`.
    calm: bool = False


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
    def f1(self) -> float:
        found = self.precision + self.recall
        return 2 * self.precision * self.recall / found if found else 0.0

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    def add(self, failed: bool, item: LabelledDraft, message: str) -> None:
        """Count one labelled draft that the check failed or passed (`message`: why,
        kept with a mistake)."""
        if failed and item.should_fail:
            self.tp += 1
        elif failed:
            self.fp += 1
            self.mistakes.append(_mistake("false_positive", item, message))
        elif item.should_fail:
            self.fn += 1
            self.mistakes.append(_mistake("false_negative", item, message))
        else:
            self.tn += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "drafts": self.total,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
        }


def yaml_strings(node: object) -> Iterator[str]:
    """Every string of a loaded YAML tree: the texts of a template, cue or corpus file."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from yaml_strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from yaml_strings(value)


def load_pool(folder: Path = REAL_DIR / "pool") -> list[dict[str, Any]]:
    """The unlabelled real replies of `evals/real/pool/` (one JSON object a line, a file
    per language): never scored, read to bound how often a check flags ordinary replies."""
    items: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            items += [json.loads(line) for line in lines if line.strip()]
    return items


def load_corpus(folder: Path = CORPUS_DIR) -> list[LabelledDraft]:
    drafts: list[LabelledDraft] = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "items" in data:
            drafts += _real_drafts(data)
            continue
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


#: The business contact of written replies that carry none (`evals/challenge/`).
_WRITTEN_CONTACT = {"name": "Alex Morgan", "phone": "+1 555 0100"}


def _real_drafts(data: dict[str, Any]) -> list[LabelledDraft]:
    """One labelled draft per check of every real reply in a real-text corpus file;
    also of a challenge file, whose items carry one `label` for the file's `check`."""
    items = data["items"]
    by_business: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        by_business[item["business"]].append(item)
    drafts: list[LabelledDraft] = []
    for item in items:
        # The business's other replies, the same words posted to another review included.
        others = [o["reply"] for o in by_business[item["business"]] if o["id"] != item["id"]]
        context = CheckContext(
            review_text=item["review"],
            language=data["language"],
            contact=Contact(**item.get("contact", _WRITTEN_CONTACT)),
            business_name=item["business"],
            reviewer_name=item.get("reviewer_name"),
            compensation=tuple(item.get("compensation") or ()),
            platform=item.get("platform"),
            recent_replies=tuple(others[:RECENT_WINDOW]),
        )
        labels = item.get("labels") or {data["check"]: [item["label"], item["reason"]]}
        for check, (expect, why) in labels.items():
            drafts.append(
                LabelledDraft(
                    language=data.get("bucket", data["language"]),
                    check=check,
                    should_fail=expect == "fail",
                    draft=item["reply"],
                    context=context,
                    note=f"{item['id']}: {why}",
                    item=item["id"],
                    calm=bool(item.get("calm_disagreement")),
                )
            )
    return drafts


Results = dict[str, CheckResult]


def run_once(suite: CheckSuite, drafts: list[LabelledDraft]) -> dict[tuple[str, int], Results]:
    """Every check on every distinct draft and context, once: a real reply carries a
    label per check, and scoring, the calm-disagreement count and the report share it."""
    runs: dict[tuple[str, int], Results] = {}
    for item in drafts:
        key = draft_key(item)
        if key not in runs:
            runs[key] = {r.name: r for r in suite.run(item.draft, item.context)}
    return runs


def draft_key(item: LabelledDraft) -> tuple[str, int]:
    return (item.draft, id(item.context))


def score(
    suite: CheckSuite,
    drafts: list[LabelledDraft],
    runs: dict[tuple[str, int], Results] | None = None,
) -> dict[str, dict[str, Score]]:
    """Scores by check, then by language (and "all")."""
    runs = runs if runs is not None else run_once(suite, drafts)
    scores: dict[str, dict[str, Score]] = defaultdict(lambda: defaultdict(Score))
    for item in drafts:
        result = runs[draft_key(item)][item.check]
        for bucket in (scores[item.check][item.language], scores[item.check]["all"]):
            bucket.add(not result.passed, item, result.message)
    return scores


def _mistake(kind: str, item: LabelledDraft, message: str) -> dict[str, str]:
    return {"kind": kind, "draft": item.draft, "note": item.note, "message": message}


def calm_report(
    drafts: list[LabelledDraft], runs: dict[tuple[str, int], Results]
) -> dict[str, Any] | None:
    """How many of the replies that disagree calmly pass `no_attack` (none may be
    taken for an attack); None when the corpus marks no such reply."""
    calm = [d for d in drafts if d.calm and d.check == "no_attack"]
    if not calm:
        return None
    passed = sum(runs[draft_key(d)]["no_attack"].passed for d in calm)
    return {"replies": len(calm), "passed": passed, "share": round(passed / len(calm), 4)}


def corpus_report(suite: CheckSuite, folder: Path = CORPUS_DIR) -> dict[str, Any]:
    """Scores of every check on a labelled corpus."""
    drafts = load_corpus(folder)
    return report_of(suite, drafts, run_once(suite, drafts))


def report_of(
    suite: CheckSuite, drafts: list[LabelledDraft], runs: dict[tuple[str, int], Results]
) -> dict[str, Any]:
    """`corpus_report` of drafts already run (`run_once`), for a caller that adds rows."""
    scores = score(suite, drafts, runs)
    by_check = {
        check: {lang: s.as_dict() for lang, s in sorted(by_lang.items())}
        for check, by_lang in sorted(scores.items())
    }
    return {
        "drafts": len(drafts),
        "calm_disagreement": calm_report(drafts, runs),
        "by_check": by_check,
        "mistakes": [
            {"check": check, "language": lang, **m}
            for check, by_lang in sorted(scores.items())
            for lang, s in sorted(by_lang.items())
            if lang != "all"
            for m in s.mistakes
        ],
    }
