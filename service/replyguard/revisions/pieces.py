"""A reply cut into pieces a revision can drop, replace or add one at a time: the
greeting, each sentence, the closing words and the signature, each with the white
space that followed it, so joining the pieces again gives back the text exactly.

The checks' own sentence splitting works on normalised text, which a revision must
not hand back; this splitter reads the draft as written, in all nine languages:
Latin and Cyrillic sentences end at . ! ? … before a space (not after an
abbreviation or an initial), Chinese ones at 。！？； with or without a space.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from replyguard_checks import CJK_CHAR, EMAIL, URL, digits, normalize, word_count

from .phrases import Phrases

Kind = Literal["greeting", "sentence", "closing", "signature"]

_LINES = re.compile(r"[^\n]*(?:\n\s*|$)")
_END = re.compile(r"(?:[.!?…]+|[。！？；]+)[\"'”’»«」』）)\]]*")
_CJK_END = re.compile(r"[。！？；]")
_LAST_WORD = re.compile(r"(\S+)\.$")
# A comma, semicolon or colon before a space (not "1,5", "http://"), a Chinese one
# anywhere, or a dash between spaces.
_CLAUSE_BREAK = re.compile(r"[,;:](?=\s)\s*|[，；：、]\s*|\s+[-–—]\s+")
_GREETING_END = re.compile(r"[,!:，！：]\s*")
TERMINAL = re.compile(r"[.!?…。！？；][\"'”’»」』）)\]]*$")


@dataclass(frozen=True, slots=True)
class Piece:
    text: str
    #: The white space after the piece in the text ("" for the last).
    sep: str
    kind: Kind = "sentence"


def join(pieces: list[Piece]) -> str:
    """The text the pieces make, without trailing white space."""
    return "".join(p.text + p.sep for p in pieces).rstrip()


def split(text: str, phrases: Phrases) -> list[Piece]:
    """The pieces of `text`, with the greeting, closing and signature marked."""
    pieces: list[Piece] = []
    for line in _LINES.finditer(text):
        raw = line.group()
        if not raw.strip():
            if pieces and raw:
                pieces[-1] = replace(pieces[-1], sep=pieces[-1].sep + raw)
            continue
        pieces += _sentences(raw, phrases)
    if pieces:
        pieces = _mark_greeting(pieces, phrases)
        pieces = _mark_ending(pieces, phrases)
    return pieces


def _sentences(line: str, phrases: Phrases) -> list[Piece]:
    out: list[Piece] = []
    start = 0
    for mark in _END.finditer(line):
        end = mark.end()
        space = re.match(r"\s*", line[end:])
        gap = space.group() if space else ""
        cjk = bool(_CJK_END.search(mark.group()))
        after = line[end + len(gap) : end + len(gap) + 1]
        if not cjk and not gap and after and not CJK_CHAR.match(after):
            continue  # "3.5", "example.com", "a.m." go on
        if mark.group() == "." and _abbreviation(line[start:end], phrases):
            continue
        out.append(Piece(line[start:end], gap))
        start = end + len(gap)
    if start < len(line):
        rest = line[start:]
        stripped = rest.rstrip()
        out.append(Piece(stripped, rest[len(stripped) :]))
    return out


def _abbreviation(sentence: str, phrases: Phrases) -> bool:
    word = _LAST_WORD.search(sentence)
    if not word:
        return False
    token = word.group(1).strip("(\"'“„«").casefold()
    return token in phrases.abbreviations or (len(token) == 1 and token.isalpha())


def _mark_greeting(pieces: list[Piece], phrases: Phrases) -> list[Piece]:
    """Split "Dear Karen, we are sorry." into the greeting and the sentence, so the
    greeting stays when the sentence goes."""
    first = pieces[0]
    folded = first.text.casefold()
    if not any(folded.startswith(g) for g in phrases.greetings) and not _cjk_greeting(folded):
        return pieces
    end = _GREETING_END.search(first.text)
    if end is None or word_count(first.text[: end.start()]) > 5:
        if TERMINAL.search(first.text) is None or word_count(first.text) <= 5:
            return [replace(first, kind="greeting"), *pieces[1:]]
        return pieces
    head = first.text[: end.end()].rstrip()
    gap = first.text[len(head) : end.end()]
    rest = first.text[end.end() :]
    if not rest.strip():
        return [replace(first, kind="greeting"), *pieces[1:]]
    gap = gap or ("" if CJK_CHAR.search(head) else " ")
    return [Piece(head, gap, "greeting"), Piece(rest, first.sep), *pieces[1:]]


def _cjk_greeting(folded: str) -> bool:
    return bool(re.match(r"^[^，,。！!？?\s]{0,12}(?:您好|你好)", folded))


def closing_word(text: str, phrases: Phrases) -> str | None:
    """The closing word a piece is ("Kind regards,"), or None."""
    bare = normalize(text).strip(" ,.!:;-—–，。！：")
    for closing in phrases.closings:
        if bare == closing:
            return closing
    return None


def leading_closing(text: str, phrases: Phrases) -> str | None:
    """The closing words a signature line starts with, as written ("Regards," of
    "Regards, the team"), or None."""
    folded = text.casefold()
    for closing in sorted(phrases.closings, key=len, reverse=True):
        if folded.startswith(closing):
            rest = text[len(closing) :]
            if rest[:1] in (",", "，", " ") and rest.strip(" ,，"):
                return text[: len(closing)] + rest[: len(rest) - len(rest.lstrip(" ,，"))]
    return None


def _mark_ending(pieces: list[Piece], phrases: Phrases) -> list[Piece]:
    """Mark the closing words and the signature lines under them: a short last line
    without a full stop, after the body."""
    marked = list(pieces)
    for i in range(len(marked) - 1, 0, -1):
        piece = marked[i]
        if piece.kind != "sentence":
            break
        if closing_word(piece.text, phrases):
            marked[i] = replace(piece, kind="closing")
            continue
        tail = all(p.kind in ("signature", "closing") for p in marked[i + 1 :])
        short = word_count(piece.text) <= 6 and TERMINAL.search(piece.text) is None
        # A link, an address or a number on the last line is no name.
        if URL.search(piece.text) or EMAIL.search(piece.text) or len(digits(piece.text)) >= 4:
            break
        dashed = piece.text.lstrip().startswith(("—", "-", "–"))
        if tail and (short or dashed) and i >= 1:
            marked[i] = replace(piece, kind="signature")
            continue
        break
    return marked


def clauses(text: str) -> list[str]:
    """A sentence cut after each comma, semicolon, colon or dash, the marks kept."""
    parts: list[str] = []
    start = 0
    for mark in _CLAUSE_BREAK.finditer(text):
        parts.append(text[start : mark.end()])
        start = mark.end()
    parts.append(text[start:])
    return [p for p in parts if p]


def without_clauses(text: str, drop: set[int]) -> str:
    """The sentence without the clauses at the indices in `drop`, its first letter
    and its end mark put right ("We are sorry, but you lie." -> "We are sorry.")."""
    parts = clauses(text)
    ending_match = TERMINAL.search(text)
    ending = ending_match.group() if ending_match else ""
    kept = [p for i, p in enumerate(parts) if i not in drop]
    if not kept:
        return ""
    body = "".join(kept).rstrip()
    body = _CLAUSE_TAIL.sub("", body)
    if ending and not TERMINAL.search(body):
        body = body.rstrip(" ,;:，；：、-–—") + ending
    if 0 in drop and body[:1].islower():
        body = body[0].upper() + body[1:]
    return body


_CLAUSE_TAIL = re.compile(r"(?:[,;:，；：、]|\s+[-–—])\s*$")


def starts_sentence(piece: Piece) -> bool:
    """Whether the piece is body text: neither greeting nor closing nor signature."""
    return piece.kind == "sentence"
