"""The process-wide check suite, shared by the API, the batch command, the evals and
the benchmarks."""

from __future__ import annotations

import gc
from functools import cache

from replyguard_checks import CheckSuite


@cache
def shared_suite() -> CheckSuite:
    """One check suite per process: compiling lexicons and loading lemmas takes seconds."""
    suite = CheckSuite()
    suite.warm_up()
    # Lexicons and lemma tables live as long as the process: freezing them keeps the
    # collector from walking millions of objects on every full collection (pauses of
    # tens of milliseconds in the middle of requests).
    gc.freeze()
    return suite
