"""Page cursors: the (time, id) of the last row given out, opaque to callers.

Keyset paging stays stable while replies are added, where an offset would skip or
repeat rows.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from .clock import as_utc


class InvalidCursor(ValueError):
    pass


def encode_cursor(moment: datetime, key: str) -> str:
    raw = f"{as_utc(moment).isoformat()}|{key}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, key = raw.split("|", 1)
        return as_utc(datetime.fromisoformat(moment)), key
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise InvalidCursor("cursor: not a cursor this service gave out") from exc
