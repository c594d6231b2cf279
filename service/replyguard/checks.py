"""The process-wide check suite, shared by the API, the batch command, the evals and
the benchmarks."""

from __future__ import annotations

import gc
import logging
import threading
from functools import cache

from replyguard_checks import CheckSuite, trim_heap

log = logging.getLogger("replyguard")
_warmed = threading.Event()


@cache
def cold_suite() -> CheckSuite:
    """The one suite of the process, nothing loaded yet: cheap, for a service that
    answers its health check first and warms the suite in the background."""
    return CheckSuite()


@cache
def shared_suite() -> CheckSuite:
    """The same suite with its checks built and models loaded (seconds)."""
    suite = cold_suite()
    suite.warm_up()
    # Lexicons and lemma tables live as long as the process: freezing them keeps the
    # collector from walking millions of objects on every full collection (pauses of
    # tens of milliseconds in the middle of requests).
    gc.freeze()
    # Loading leaves tens of MiB of parsing scratch free but held by malloc.
    trim_heap()
    _warmed.set()
    return suite


def warmed() -> bool:
    """Whether the shared suite has loaded everything (`/healthz` reports it: until
    then a request is answered correctly, only slower)."""
    return _warmed.is_set()


def warm_in_background() -> threading.Thread:
    """Warm the shared suite on a daemon thread; a request that needs a check before
    it is done builds what it needs itself (correct, only slower)."""

    def warm() -> None:
        try:
            shared_suite()
        except Exception:
            log.exception("warming the checks failed; they load on first use instead")
        else:
            log.info("checks warmed up")

    thread = threading.Thread(target=warm, name="replyguard-warm-up", daemon=True)
    thread.start()
    return thread
