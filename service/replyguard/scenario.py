"""Which playbook scenario a review calls for, and why.

Rules, first match wins (a CRM can also force one with `options.scenario`):
0. escalate: the review carries a risk a person must answer (legal action, injury or
   illness, discrimination, harassment, a health or consumer authority, threats, or
   too much abuse to answer). This wins over a forced scenario too: the reply is then
   only a holding reply.
1. false_claim: the review names something in `business.not_offered`.
2. fixed_since: the review's problem matches one of `business.fixed_issues`.
3. persistent: the reviewer says they have written before or are still waiting.
4. abusive: insults or accusations ("scammers!") and no concrete problem named.
5. needs_investigation: something must be looked up (a missing order, a double
   charge) or the review is too vague to know what went wrong.
6. anonymous: no reviewer name.
7. genuine: everything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from replyguard_checks import content_terms, normalize, related

from .cues import Cues
from .schemas import Risk, Scenario

_VAGUE_TERMS = 3


@dataclass(frozen=True, slots=True)
class Decision:
    scenario: Scenario
    reason: str
    topics: tuple[str, ...]
    not_offered: str | None = None
    fix: str | None = None
    #: The kinds of risk that put the review on hold for a person (scenario escalate).
    risks: tuple[Risk, ...] = ()

    @property
    def needs_human(self) -> bool:
        return self.scenario == "escalate"


#: How `scenario_reason` names each risk.
RISK_REASONS = {
    "legal": "the review threatens legal action",
    "injury": "the review reports an injury or illness",
    "discrimination": "the review alleges discrimination",
    "harassment": "the review alleges harassment or assault",
    "authority": "the review involves a health or consumer authority",
    "threat": "the review threatens violence",
    "abuse": "the review is too abusive to answer",
}


def _mentions(item: str, review: str, review_terms: set[str], language: str) -> bool:
    if normalize(item) in normalize(review):
        return True
    wanted = content_terms(item, language)
    return bool(wanted) and all(any(related(w, r) for r in review_terms) for w in wanted)


def decide(
    review: str,
    language: str,
    reviewer_name: str | None,
    cues: Cues,
    not_offered: list[str],
    fixed_issues: list[str],
    forced: Scenario | None = None,
    whole_review: str | None = None,
) -> Decision:
    """`review` is what the review complains about (injected instructions screened
    out); risks are read in `whole_review` when given, so no sentence escapes them."""
    topics = tuple(cues.topics_in(review))
    terms = content_terms(review, language)
    item = next((i for i in not_offered if _mentions(i, review, terms, language)), None)
    fix = next(
        (
            f
            for f in fixed_issues
            if set(cues.topics_in(f)) & set(topics)
            or len({t for t in content_terms(f, language) if any(related(t, r) for r in terms)})
            >= 2
        ),
        None,
    )

    def made(scenario: Scenario, reason: str) -> Decision:
        return Decision(scenario, reason, topics, item, fix)

    if risks := cues.risks_in(whole_review or review):
        reasons = "; ".join(f"{RISK_REASONS[kind]} (“{cue}”)" for kind, cue in risks)
        kinds = tuple(cast(Risk, kind) for kind, _ in risks)
        return Decision("escalate", f"a person must answer: {reasons}", topics, item, fix, kinds)
    if forced == "escalate":
        return made("escalate", "a person must answer: set by the caller")
    if forced:
        return made(forced, "set by the caller")
    if item:
        return made(
            "false_claim", f"the review mentions “{item}”, which the business does not offer"
        )
    if fix:
        return made("fixed_since", f"the problem matches a fix: “{fix}”")
    if cue := cues.cue("persistent", review):
        return made("persistent", f"the reviewer has written before (“{cue}”)")
    if (cue := cues.cue("abusive", review)) and not topics:
        return made("abusive", f"insults and no concrete problem (“{cue}”)")
    if cue := cues.cue("investigation", review):
        return made("needs_investigation", f"something must be looked up (“{cue}”)")
    if not topics and len(terms) < _VAGUE_TERMS:
        return made("needs_investigation", "the review does not say clearly what went wrong")
    if not reviewer_name:
        return made("anonymous", "the review has no name")
    return made("genuine", "a concrete complaint from a named reviewer")
