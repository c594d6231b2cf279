"""Which replies a list or a statistic covers, as SQL conditions on the replies table.

Lists, statistics and topic counts share one filter, so "the replies of this business
in this period" means the same rows everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select

from ..history import business_key
from .clock import as_utc
from .models import FailedCheck, Reply, ReplyTopic


@dataclass(frozen=True, slots=True)
class ReplyFilter:
    business: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    source: str | None = None
    scenario: str | None = None
    language: str | None = None
    failed_check: str | None = None
    topic: str | None = None
    review_id: str | None = None
    passed: bool | None = None
    kind: str | None = None


def conditions(filters: ReplyFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if filters.business:
        found.append(Reply.business_key == business_key(filters.business))
    if filters.since:
        found.append(Reply.created_at >= as_utc(filters.since))
    if filters.until:
        found.append(Reply.created_at < as_utc(filters.until))
    if filters.source:
        found.append(Reply.source == filters.source)
    if filters.scenario:
        found.append(Reply.scenario == filters.scenario)
    if filters.language:
        found.append(Reply.language == filters.language)
    if filters.review_id:
        found.append(Reply.review_id == filters.review_id)
    if filters.passed is not None:
        found.append(Reply.passed.is_(filters.passed))
    if filters.kind:
        found.append(Reply.kind == filters.kind)
    if filters.failed_check:
        found.append(
            Reply.id.in_(
                select(FailedCheck.reply_id).where(FailedCheck.name == filters.failed_check)
            )
        )
    if filters.topic:
        found.append(
            Reply.id.in_(select(ReplyTopic.reply_id).where(ReplyTopic.topic == filters.topic))
        )
    return found
