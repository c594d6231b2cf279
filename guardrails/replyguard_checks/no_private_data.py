"""`no_private_data`: personal data from the review stays out of the public reply.

Reviewers paste order numbers, their phone, their e-mail or their address; a reply
that repeats them publishes them a second time, now endorsed by the business. The
business's own phone and e-mail are of course allowed.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from guardrails.validators import register_validator

from .base import ReplyCheck, Verdict
from .context import CheckContext
from .lexicon import alternation, lexicons_for, load_data
from .offline_channel import find_phones, is_date, national_number, region_for, same_line
from .text import EMAIL, digits, normalize

# Order, booking or customer numbers: five or more digits, or a code mixing letters
# and digits (AB-123456, 7HX92K1).
_REFERENCE = re.compile(
    r"(?<![\w@.])(?=[A-Za-z\d-]*\d)(?=[A-Za-z\d-]*[A-Za-z])[A-Za-z\d][A-Za-z\d-]{5,}(?![\w@])"
    r"|\d[\d\-/ ]{3,}\d"
)


@cache
def _labelled_reference() -> re.Pattern[str]:
    """An order, booking or invoice word, perhaps a label ("no.", "№"), then a number."""
    data = load_data("references")
    words = alternation(data["words"])
    return re.compile(
        rf"(?:(?<!\w)(?:{words})|{data['words_cjk']})\s*(?P<label>{data['labels']})?"
        r"\s*[:：]?\s*(?P<ref>[A-Za-z\d][\w/-]*\d)(?![\w/-])",
        re.IGNORECASE,
    )


def published_references(draft: str) -> list[str]:
    """Customer references in the draft itself, wherever they came from: four digits
    after a label, five or more digits, or digits mixed with letters."""
    found = []
    for match in _labelled_reference().finditer(draft):
        ref = match.group("ref")
        count = len(digits(ref))
        has_letters = any(ch.isalpha() for ch in ref)
        if count >= 5 or (count >= 4 and (match.group("label") or has_letters)):
            found.append(ref)
    return found


def private_items(review: str, context: CheckContext) -> list[tuple[str, str]]:
    """(kind, value) of the personal data the review contains, the business's own
    contact details excepted."""
    own_email = (context.contact.email or "").casefold()
    region = region_for(context)
    own_phone = national_number(context.contact.phone, region) if context.contact.phone else ""
    return list(_private_items(review, context.language, own_email, own_phone, region))


@lru_cache(maxsize=256)
def _private_items(
    review: str, language: str, own_email: str, own_phone: str, region: str | None
) -> tuple[tuple[str, str], ...]:
    """Cached: every draft answering one review is checked against the same data."""
    items: list[tuple[str, str]] = []
    items += [("e-mail address", e) for e in EMAIL.findall(review) if e.casefold() != own_email]
    phones = find_phones(review, region)
    items += [
        ("phone number", p.text)
        for p in phones
        if not (own_phone and same_line(p.national, own_phone))
    ]
    phone_digits = {digits(p.text) for p in phones}
    for match in _REFERENCE.finditer(review):
        value = match.group().strip()
        if len(digits(value)) >= 5 and digits(value) not in phone_digits and not is_date(value):
            items.append(("reference number", value))
    for lex in lexicons_for(language, review):
        items += [("address", m.group()) for m in lex.address.finditer(normalize(review))]
    return tuple(dict.fromkeys(items))


def _plain(text: str) -> str:
    """Lower case, without commas and doubled spaces: "Calle Mayor, 12" = "calle mayor 12"."""
    return " ".join(normalize(text).replace(",", " ").split())


def _appears(kind: str, value: str, draft: str, context: CheckContext) -> bool:
    if kind == "phone number":
        region = region_for(context)
        wanted = national_number(value, region)
        return any(same_line(p.national, wanted) for p in find_phones(draft, region)) or (
            len(digits(value)) >= 7 and digits(value) in digits(draft)
        )
    if kind == "reference number":
        wanted = digits(value)
        return len(wanted) >= 5 and wanted in digits(draft)
    return _plain(value) in _plain(draft)


@register_validator(name="replyguard/no_private_data", data_type="string")
class NoPrivateData(ReplyCheck):
    """Fails when the reply repeats an order number, phone, e-mail or address from the review."""

    name = "no_private_data"

    def check(self, text: str, context: CheckContext) -> Verdict:
        leaked = [
            (kind, value)
            for kind, value in private_items(context.review_text, context)
            if _appears(kind, value, text, context)
        ]
        leaked += [("customer reference", ref) for ref in published_references(text)]
        leaked = list(dict.fromkeys(leaked))
        if not leaked:
            return Verdict.ok("Repeats no personal data from the review.")
        listed = ", ".join(f"the {kind} “{value}”" for kind, value in leaked[:3])
        return Verdict.fail(
            f"The reply repeats personal data from the review in public: {listed}. "
            "Remove it; details like these are settled in the private conversation."
        )
