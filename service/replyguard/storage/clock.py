"""Time as the store keeps it: aware and in UTC, so every backend compares alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A naive datetime is taken as UTC; an aware one is converted."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def earlier(moment: datetime, span: timedelta) -> datetime:
    """`moment - span`, or the earliest datetime there is when that is out of range."""
    try:
        return moment - span
    except OverflowError:
        return datetime.min.replace(tzinfo=UTC)
