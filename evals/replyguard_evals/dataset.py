"""The eval dataset: `evals/cases/<lang>.yaml`, one file per language.

Schema of a file (see evals/README.md for the full description):

    language: de
    cases:
      - id: de-hotel-genuine-1          # unique across the dataset
        industry: hotel                  # restaurant | hotel | shop | app | delivery | services
        scenario: genuine                # the scenario the service must detect
        review: {text, rating, reviewer_name, platform}     # as in POST /v1/replies
        business: {name, contact: {name, role, phone, email}, compensation,
                   not_offered, fixed_issues, country}
        options: {max_words}             # optional
        expect:                          # optional expectations on the reply
          mention_any: [Zimmer, Dusche]  # at least one appears (case-insensitive)
          must_not_contain: [Gutschein]  # none appears
          topics: [room]                 # detected topics include these
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from replyguard import resources
from replyguard.schemas import Business, Options, ReplyRequest, Review, Scenario

Industry = Literal["restaurant", "hotel", "shop", "app", "delivery", "services"]
CASES_DIR = resources.cases_dir()


class Expect(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mention_any: list[str] = Field(default_factory=list)
    must_not_contain: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)


class EvalCase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    industry: Industry
    scenario: Scenario
    review: Review
    business: Business
    options: Options = Field(default_factory=Options)
    expect: Expect = Field(default_factory=Expect)
    #: Filled from the file: the language the reply must be in.
    language: str = ""

    @property
    def request(self) -> ReplyRequest:
        return ReplyRequest(review=self.review, business=self.business, options=self.options)


class EvalFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    language: str
    cases: list[EvalCase]


def load_cases(folder: Path = CASES_DIR, languages: Iterable[str] | None = None) -> list[EvalCase]:
    """Every case of the dataset, each knowing its file's language."""
    wanted = set(languages) if languages else None
    cases: list[EvalCase] = []
    for path in sorted(folder.glob("*.yaml")):
        data = EvalFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        if wanted and data.language not in wanted:
            continue
        for case in data.cases:
            case.language = data.language
            cases.append(case)
    ids = [c.id for c in cases]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"duplicate eval case ids: {sorted(duplicates)}")
    return cases
