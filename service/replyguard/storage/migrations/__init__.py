"""Alembic migrations of the records schema (`versions/`), shipped with the package so
an installed service can migrate itself (`replyguard db upgrade`, or at start-up)."""
