"""Alternative drafts for `options.suggestions`: the agent picks one of up to three.

The reply itself is settled first, exactly as without suggestions. Then, cheapest
first:

1. When the reply came from the LLM (so the LLM is up and can pass the checks), the
   missing alternatives are asked for in parallel, one call each, no re-ask, a little
   warmer so they read differently, within what is left of the request's deadline.
   Not with the embedded local model, which drafts one at a time.
2. Template variants (full and short, with the topic, the reviewer's words or both)
   fill what is still missing.

Every alternative is run through every check and only kept when it passes them all;
texts that are near-copies of one already picked are dropped before they are checked.
The reply comes first, with its real results, passing or not.
"""

from __future__ import annotations

import asyncio
import logging
import time

from .drafting import Case, Draft, Drafter, Tally, comparable, same_draft
from .llm.base import Overloaded

log = logging.getLogger(__name__)

#: How much warmer than the reply's own temperature the extra LLM drafts are sampled.
WARMER = 0.3
#: Do not start an extra LLM draft with less than this many seconds left.
MIN_SECONDS_LEFT = 1.0


class _Picked:
    """The drafts chosen so far, refusing near-copies."""

    def __init__(self, first: Draft, wanted: int) -> None:
        self.drafts = [first]
        self.wanted = wanted
        self._seen = [first.text]

    @property
    def full(self) -> bool:
        return len(self.drafts) >= self.wanted

    def is_new(self, text: str) -> bool:
        return bool(comparable(text)) and not any(same_draft(text, seen) for seen in self._seen)

    def add(self, draft: Draft) -> bool:
        """Keep `draft` if there is room, it passed every check and it is new."""
        if self.full or not draft.passed or not self.is_new(draft.text):
            return False
        self.drafts.append(draft)
        self._seen.append(draft.text)
        return True


async def alternatives(
    drafter: Drafter, case: Case, tally: Tally, first: Draft, deadline: float
) -> list[Draft]:
    """The reply, then up to `options.suggestions - 1` distinct drafts that passed
    every check."""
    picked = _Picked(first, case.options.suggestions)
    if picked.full:
        return picked.drafts
    if first.source == "llm" and drafter.drafts_alongside:
        for draft in await _llm_drafts(drafter, case, tally, deadline, picked.wanted - 1):
            picked.add(draft)
    if not picked.full:
        _add_templates(drafter, case, picked)
    return picked.drafts


async def _llm_drafts(
    drafter: Drafter, case: Case, tally: Tally, deadline: float, count: int
) -> list[Draft]:
    if deadline - time.monotonic() < MIN_SECONDS_LEFT:
        return []

    async def one() -> Draft | None:
        try:
            return await drafter.draft_alternative(case, tally, deadline, WARMER)
        except Overloaded:
            # The reply is already settled: a busy local model only means fewer choices.
            log.info("no extra llm draft: the model's queue is full")
            return None

    drafts = await asyncio.gather(*(one() for _ in range(count)))
    return [d for d in drafts if d is not None]


def _add_templates(drafter: Drafter, case: Case, picked: _Picked) -> None:
    for text in drafter.template_texts(case):
        if picked.full:
            return
        if not picked.is_new(text):
            continue  # checked only when it would be kept: saves a suite run
        picked.add(Draft(text, "template", drafter.run_checks(text, case)))
