"""The records store: replies, attempts, topics, feedback and follow-ups, kept through
SQLAlchemy in a SQLite file (default) or PostgreSQL, with Alembic migrations."""

from .store import InvalidCursor, ReplyFilter, SchemaOutdated, Store, StoreUnavailable

__all__ = ["InvalidCursor", "ReplyFilter", "SchemaOutdated", "Store", "StoreUnavailable"]
