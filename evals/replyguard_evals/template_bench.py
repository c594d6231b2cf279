"""`replyguard bench --part templates`: how template replies answer real reviews.

The template path alone (no LLM) answers every negative review of the real-text
corpus's dev split, business by business and in order, so `not_repeated` sees the
replies it already gave that business, as the service would. Per language it prints:

- the share of replies that pass every check (goal: all);
- the share that name a specific detail in the reviewer's own words (goal 90%): the
  reply carries a content term of the review (lemma; a jieba word for Chinese) that
  is neither one of the template file's own words nor a topic cue word (see
  `own_detail`), over all replies and over those to reviews that have such a term and
  are not held for a person (a holding reply names no detail by design);
- the longest run of review words the reply repeats in a row (goal: at most 12);
- how often `not_repeated` alone turned down a variant, and how often the variant
  taken instead named no own detail where the turned-down one did (goal 0: variety
  must never cost the reviewer's specifics).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from replyguard.drafting import Case
from replyguard.pipeline import ReplyPipeline
from replyguard.resources import cues_file, templates_file
from replyguard.runtime import Runtime
from replyguard_checks import CJK_CHAR, content_terms, lemma, normalize, to_simplified, words

from .corpus import yaml_strings
from .revision_bench import DEV_DIR, real_request

#: Goals the figures are held to (issue #18).
DETAIL_GOAL = 0.90
MAX_QUOTED_RUN = 12
_SLOT = re.compile(r"\{[a-z_]+\}")


@dataclass(slots=True)
class Tally:
    replies: int = 0
    passed: int = 0
    detailed: int = 0
    eligible: int = 0
    detailed_eligible: int = 0
    pushed: int = 0
    pushed_worse: int = 0
    longest_run: int = 0
    over_run: int = 0
    skipped: int = 0
    failing: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(
        self,
        passed: bool,
        failed: list[str],
        detailed: bool,
        eligible: bool,
        pushed: tuple[bool, bool],
        run: int,
    ) -> None:
        self.replies += 1
        self.passed += passed
        self.detailed += detailed
        self.eligible += eligible
        self.detailed_eligible += detailed and eligible
        self.pushed += pushed[0]
        self.pushed_worse += pushed[1]
        self.longest_run = max(self.longest_run, run)
        self.over_run += run > MAX_QUOTED_RUN
        for name in failed:
            self.failing[name] += 1

    def as_dict(self) -> dict[str, Any]:
        n = self.replies or 1
        return {
            "replies": self.replies,
            "skipped": self.skipped,
            "passed": self.passed,
            "pass_share": round(self.passed / n, 4),
            "detailed": self.detailed,
            "detail_share": round(self.detailed / n, 4),
            "with_detail_to_name": self.eligible,
            "detail_share_of_those": round(self.detailed_eligible / (self.eligible or 1), 4),
            "pushed_by_not_repeated": self.pushed,
            "pushed_to_no_detail": self.pushed_worse,
            "longest_quoted_run": self.longest_run,
            "over_quoted_limit": self.over_run,
            "failing": dict(sorted(self.failing.items())),
        }


@cache
def template_words(prompts: Path, language: str) -> frozenset[str]:
    """Content terms of every fixed word in the language's template file: naming
    one of these is the template speaking, not the reviewer."""
    data = yaml.safe_load(templates_file(prompts, language).read_text(encoding="utf-8"))
    text = " . ".join(_SLOT.sub(" ", s) for s in yaml_strings(data))
    if language == "zh":
        text = to_simplified(text)
    return frozenset(content_terms(text, language))


@cache
def topic_words(prompts: Path, language: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """(exact cue words, cue prefixes) of the language's topics: a topic word ("wait",
    "room", "退款") names the kind of problem, not this reviewer's detail."""
    data = yaml.safe_load(cues_file(prompts, language).read_text(encoding="utf-8"))
    exact: set[str] = set()
    prefixes: list[str] = []
    for keywords in (data.get("topics") or {}).values():
        for raw in keywords:
            keyword = normalize(str(raw))
            if keyword.endswith("*"):
                prefixes.append(keyword.rstrip("*"))
            elif language == "zh":
                exact.add(to_simplified(keyword))
            else:
                exact.update(lemma(w, language) for w in words(keyword))
                exact.update(words(keyword))
    return frozenset(exact), tuple(p for p in prefixes if p)


def own_terms(review: str, language: str, prompts: Path, names: tuple[str, ...]) -> set[str]:
    """The review's own detail terms: its content terms (names masked) less the
    template's own words and the topic cue words. A review without any ("Very bad
    app") has no detail a reply could name."""
    if language == "zh":
        review = to_simplified(review)
    ours = template_words(prompts, language)
    exact, prefixes = topic_words(prompts, language)

    def generic(term: str) -> bool:
        if term in ours or term in exact:
            return True
        if language == "zh":
            return any(k in term for k in exact) or any(p in term for p in prefixes)
        return term.startswith(prefixes) if prefixes else False

    return {t for t in content_terms(review, language, names) if not generic(t)}


def own_detail(
    review: str, reply: str, language: str, prompts: Path, names: tuple[str, ...]
) -> list[str]:
    """The review's own detail terms (`own_terms`) that the reply names: the same
    lemma, or for Chinese the same jieba word anywhere in the reply."""
    wanted = own_terms(review, language, prompts, names)
    if language == "zh":
        reply = to_simplified(reply)
        body = normalize(reply)
        return sorted(t for t in wanted if t in body)
    have = content_terms(reply, language, names)
    return sorted(wanted & have)


def _tokens(text: str, language: str) -> list[str]:
    if language == "zh":
        return [ch for ch in to_simplified(normalize(text)) if CJK_CHAR.match(ch) or ch.isalnum()]
    return re.findall(r"\w+(?:['’\-]\w+)*", normalize(text))


def longest_quoted_run(reply: str, review: str, language: str) -> int:
    """The most review words the reply repeats in a row; in Chinese two characters
    count as one word, as `word_count` counts them."""
    a, b = _tokens(reply, language), _tokens(review, language)
    best = 0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0] * (len(b) + 1)
        for j, y in enumerate(b, 1):
            if x == y:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return (best + 1) // 2 if language == "zh" else best


def dev_reviews(folder: Path = DEV_DIR) -> list[tuple[str, str, dict[str, Any]]]:
    """(bucket, language, item) of every review of the split, each review text once
    per business."""
    found: list[tuple[str, str, dict[str, Any]]] = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        seen: set[tuple[str, str]] = set()
        for item in data["items"]:
            key = (str(item["business"]), " ".join(str(item["review"]).split()))
            if key in seen:
                continue
            seen.add(key)
            found.append((str(data.get("bucket", data["language"])), str(data["language"]), item))
    return found


def run_template_bench(
    console: Console | None = None,
    folder: Path = DEV_DIR,
    limit: int | None = None,
    samples: int = 0,
) -> dict[str, Any]:
    """Answer every review of `folder` with templates only; print and return the
    figures per language and in all. `samples` prints that many replies per language."""
    console = console or Console()
    pipeline: ReplyPipeline = Runtime.templates_only().pipeline
    prompts = pipeline.prompts_dir
    tallies: dict[str, Tally] = defaultdict(Tally)
    shown: dict[str, int] = defaultdict(int)
    started = time.perf_counter()
    for bucket, language, item in dev_reviews(folder)[:limit]:
        try:
            request = real_request(language, item)
        except ValidationError:
            tallies[bucket].skipped += 1
            tallies["all"].skipped += 1
            continue
        case = pipeline.prepare(request.review, request.business, request.options)
        names = tuple(case.context.masked_names)
        review = case.context.review_text
        turned_down = _turned_down(pipeline, case)
        response = asyncio.run(pipeline.reply(request))
        failed = [c.name for c in response.checks if not c.passed]
        detail = own_detail(review, response.reply, language, prompts, names)
        # A holding reply (escalate) names no detail by design: not counted as one that could.
        eligible = not case.decision.needs_human and bool(
            own_terms(review, language, prompts, names)
        )
        pushed = (
            turned_down is not None,
            turned_down is not None
            and bool(own_detail(review, turned_down, language, prompts, names))
            and not detail,
        )
        run = longest_quoted_run(response.reply, item["review"], language)
        for key in (bucket, "all"):
            tallies[key].add(not failed, failed, bool(detail), eligible, pushed, run)
        if shown[bucket] < samples:
            shown[bucket] += 1
            console.print(
                f"[{bucket}] {item['review'][:300]!r}\n  -> {response.reply}\n"
                f"  detail={detail} run={run} failed={failed}\n"
            )
    seconds = time.perf_counter() - started
    figures = {lang: t.as_dict() for lang, t in sorted(tallies.items())}
    _print(console, figures, seconds)
    return {"seconds": round(seconds, 1), "by_language": figures}


def _turned_down(pipeline: ReplyPipeline, case: Case) -> str | None:
    """The first template variant that `not_repeated` alone turned down before the
    pipeline found one that passes, if any (the pipeline tries them in this order)."""
    for text in pipeline.template_texts(case):
        failed = [r.name for r in pipeline.run_checks(text, case) if not r.passed]
        if not failed:
            return None
        if failed == ["not_repeated"]:
            return text
    return None


def _print(console: Console, figures: dict[str, dict[str, Any]], seconds: float) -> None:
    table = Table(title=f"Template replies to real reviews, no LLM ({seconds:.0f} s)")
    columns = (
        "language",
        "replies",
        "pass every check",
        "own detail",
        "of reviews with one",
        "longest quote",
        "not_repeated: turned down / lost detail",
    )
    for column in columns:
        table.add_column(column, justify="right")
    table.add_column("failing")
    for lang, f in figures.items():
        table.add_row(
            lang,
            str(f["replies"]),
            f"{f['passed']} ({f['pass_share']:.1%})",
            f"{f['detailed']} ({f['detail_share']:.1%})",
            f"{f['detail_share_of_those']:.1%} of {f['with_detail_to_name']}",
            str(f["longest_quoted_run"]),
            f"{f['pushed_by_not_repeated']} / {f['pushed_to_no_detail']}",
            ", ".join(f"{k} {v}" for k, v in f["failing"].items()),
        )
    console.print(table)
    console.print(
        f"Goals: every reply passes every check; at least {DETAIL_GOAL:.0%} name an own "
        f"detail; no reply repeats more than {MAX_QUOTED_RUN} review words in a row."
    )
