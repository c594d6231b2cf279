"""What agents did with a reply (which suggestion, edited or not, sent when), for QA's
acceptance and edit rates.

The route hands each report to the `FeedbackSink` on `app.state.feedback_sink`: the
records store's sink once the app has started (`api.records.attach_store`).
`LoggingFeedbackSink`, one structured log line per report (ids, flags and sizes, never
the review or the reply's text), is only the stand-in before that.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Protocol

from .schemas import FeedbackRequest

log = logging.getLogger(__name__)


class UnknownReply(LookupError):
    """Raised by a sink that knows every reply id, for an id it never issued (404)."""


class FeedbackSink(Protocol):
    async def record(self, reply_id: str, feedback: FeedbackRequest, received_at: datetime) -> None:
        """Keep one report; raise `UnknownReply` for an id that was never issued."""
        ...


def summary(reply_id: str, feedback: FeedbackRequest, received_at: datetime) -> dict[str, object]:
    """The report without any free text: safe to log."""
    return {
        "event": "reply_feedback",
        "reply_id": reply_id,
        "used_suggestion": feedback.used_suggestion,
        "edited": feedback.edited,
        "sent": feedback.sent_at is not None,
        "sent_at": feedback.sent_at.isoformat() if feedback.sent_at else None,
        "final_chars": len(feedback.final_text) if feedback.final_text is not None else None,
        "received_at": received_at.isoformat(),
    }


class LoggingFeedbackSink:
    """The default: accept every report and log it as one JSON line."""

    async def record(self, reply_id: str, feedback: FeedbackRequest, received_at: datetime) -> None:
        log.info("%s", json.dumps(summary(reply_id, feedback, received_at), sort_keys=True))
