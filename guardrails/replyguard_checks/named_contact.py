"""`named_contact`: a real, named person signs the reply (playbook rule 10).

The name must stand in the text itself: `anna.kowalska@hotel.pl` alone is not a
signature, and "The Management" is not a person.
"""

from __future__ import annotations

import re

from guardrails.validators import register_validator

from .base import ReplyCheck, Verdict
from .context import CheckContext
from .text import CJK_CHAR, NAME_PARTICLES, normalize, strip_accents, without_addresses

# Case endings of Polish, Slovenian, Bulgarian, German and Dutch names (accents
# stripped): "Annę", "Anną", "Kowalskiego", "Marku", "Annas".
_ENDINGS = frozenset(
    {
        *("a", "e", "i", "o", "u", "y"),
        *("em", "om", "ie", "owi", "ego", "emu", "ej", "im", "iego", "iemu", "iej"),
        *("iem", "ym", "ze"),
        *("ja", "ju", "jem", "ovi"),
        *("s", "es", "'s"),
    }
)


# Chinese replies are often signed with the family name and a title: 王经理, 王主管.
_CJK_TITLES = "经理|主管|店长|总监|主任|老师|女士|先生|小姐|总"
_CJK_COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "令狐",
)


def _parts(name: str) -> list[str]:
    return [p for p in re.split(r"[\s,.\-]+", strip_accents(normalize(name))) if p]


def _stems(part: str) -> list[str]:
    """Forms an inflected name may start with: "anna" → "ann"; "pawel" → "pawel",
    "pawl" (the fleeting e of Paweł → Pawła, Pavel → Pavla, Marek → Marka)."""
    stems = [part[:-1] if part[-1] in "aeiouy" else part]
    if len(part) >= 4 and part[-2] == "e" and part[-1] not in "aeiouy":
        stems.append(part[:-2] + part[-1])
    return stems


def _token_matches(token: str, part: str) -> bool:
    if token == part:
        return True
    if len(part) < 4:
        return False
    return any(token.startswith(s) and token[len(s) :] in _ENDINGS for s in _stems(part))


def _starts_word(text: str, part: str) -> bool:
    """`re.search(rf"(?<!\\w){re.escape(part)}", text)` without compiling a pattern
    per name: `part` occurs where no word character comes just before it."""
    start = text.find(part)
    while start != -1:
        if start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_"):
            return True
        start = text.find(part, start + 1)
    return False


def find_name(text: str, name: str, avoid: str | None = None) -> str | None:
    """The part of `name` that `text` shows outside e-mail addresses and URLs, if any.

    Parts shared with `avoid` (the reviewer's name) do not count on their own, so
    "Dear Anna" does not sign a reply for a contact who is also called Anna.
    """
    body = without_addresses(text)
    if CJK_CHAR.search(name):
        return _find_cjk_name(body, name, avoid)
    tokens = re.findall(r"[^\W\d_]+(?:'s)?", strip_accents(normalize(body)))
    parts = _parts(name)
    shared = set(_parts(avoid)) if avoid else set()
    full = " ".join(parts)
    flat = " ".join(tokens)
    if len(parts) > 1 and _starts_word(flat, full):
        return name
    own = [p for p in parts if p not in shared and len(p) >= 2 and p not in NAME_PARTICLES]
    for part in own:
        if any(_token_matches(token, part) for token in tokens):
            return part
    if not own and parts:
        # Same name as the reviewer: it must appear again beyond the greeting.
        first = parts[0]
        if sum(_token_matches(token, first) for token in tokens) >= 2:
            return parts[0]
    return None


def _find_cjk_name(body: str, name: str, avoid: str | None) -> str | None:
    compact_body = re.sub(r"\s+", "", body)
    compact = re.sub(r"\s+", "", name)
    if compact in compact_body:
        return compact
    family = next((s for s in _CJK_COMPOUND_SURNAMES if compact.startswith(s)), compact[:1])
    if avoid and re.sub(r"\s+", "", avoid).startswith(family):
        return None
    titled = re.search(f"{re.escape(family)}(?:{_CJK_TITLES})", compact_body)
    return titled.group() if titled else None


@register_validator(name="replyguard/named_contact", data_type="string")
class NamedContact(ReplyCheck):
    """Fails unless the contact's full, first or family name appears in the text."""

    name = "named_contact"

    def check(self, text: str, context: CheckContext) -> Verdict:
        contact = context.contact
        found = find_name(text, contact.name, avoid=context.reviewer_name)
        if found:
            return Verdict.ok(f"Signed by a named person ({contact.name}).")
        role = f", {contact.role}" if contact.role else ""
        return Verdict.fail(
            f"No named person signs the reply. Sign it with the contact's own name, "
            f"for example “{contact.name}{role}”. A team name such as “The Management” "
            "does not count, and neither does a name that appears only inside an "
            "e-mail address."
        )
