"""`offline_channel`: the reply takes the matter offline through the business's own
phone or e-mail (playbook rule 9), and through no other number, address or link.

Phones are compared by digits, so "+49 30 1234567" and "030 123 45 67" are the same
line, while a number one digit off is a stranger's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from guardrails.validators import register_validator
from phonenumbers import Leniency, PhoneNumberMatcher

from .base import ReplyCheck, Verdict
from .context import CheckContext, Contact
from .script import HANT
from .text import EMAIL, URL, digits, host

# phonenumbers compiles its per-region patterns through `re`, whose cache of 512 the
# checks' own patterns crowd out: a draft's numbers then recompiled some of them each
# time (about 0.4 ms a draft). Keep every pattern it compiles instead (a few hundred).
phonenumbers.enable_pattern_cache()

#: Where a number written without a country code is read, when the profile does not say.
LANGUAGE_REGION = {
    "en": "US",
    "de": "DE",
    "es": "ES",
    "fr": "FR",
    "nl": "NL",
    "pl": "PL",
    "sl": "SI",
    "bg": "BG",
    "zh": "CN",
}
# Phone-like runs the library may reject as invalid (made-up or malformed numbers):
# an international prefix, or digit groups split by phone separators.
_PHONE_LIKE = re.compile(
    r"(?<![\w#/])(?:\+|00)\d[\d \-.()/]{5,}\d(?!\w)"
    r"|(?<![\w#/])\(?\d{2,5}\)?(?:[ \-.]\d{2,5}){2,}(?![\w])"
)


_DATE = re.compile(r"^\(?\d{1,4}([./-])\d{1,2}\1\d{1,4}\)?$")
# A number right after one of these is an order, invoice or booking reference.
_REFERENCE = re.compile(
    r"(?:order|invoice|booking|ticket|ref(?:erence)?|bestell\w*|rechnung\w*|buchung\w*|"
    r"bestelling\w*|factuur\w*|pedido|factura|reserva|commande|facture|r[ée]servation|"
    r"zam[óo]wieni\w*|faktur\w*|naro[čc]il\w*|ra[čc]un\w*|поръчка|фактура|резервация|"
    r"contrato|contrat|n\.\s?[°º]|n[úu]m(?:ero)?\.?|num[ée]ro|"
    r"订单号?|单号|编号|发票|no\.|nr\.?|n[°º]|№|#)\s*[:#]?\s*$",
    re.IGNORECASE,
)


def is_date(raw: str) -> bool:
    return bool(_DATE.match(raw.strip()))


def is_reference(text: str, start: int, raw: str) -> bool:
    """Dates and order numbers are digits, not phone numbers."""
    return bool(_DATE.match(raw.strip()) or _REFERENCE.search(text[max(0, start - 25) : start]))


@dataclass(frozen=True, slots=True)
class _Phone:
    text: str
    national: str  # national significant number, or bare digits when unparsable


# An extension after the line: "02-3633-1160轉4194", "分機 12", "ext. 5", "poste 3".
_EXTENSION = re.compile(
    r"\s*(?:轉|转|分機|分机|內線|内线|ext\.?|extension|x(?=\s*\d)|poste|durchwahl|wew\.?|#)\s*\d+.*$",
    re.IGNORECASE,
)


@lru_cache(maxsize=1024)
def national_number(raw: str, region: str | None) -> str:
    """The national significant number of a phone (its extension aside), or its bare
    digits if unparsable. Cached: three checks parse the business's own phone for
    every draft."""
    raw = _EXTENSION.sub("", raw)
    try:
        number = phonenumbers.parse(raw, region)
        return str(number.national_number)
    except phonenumbers.NumberParseException:
        bare = digits(raw)
        if bare.startswith("00"):
            bare = bare[2:]
        return bare.lstrip("0")


_SPACE = re.compile(r"\s+")


def written_as_given(text: str, given: str) -> bool:
    """Whether `given` (a profile's phone or e-mail) appears in `text` as written, its
    spacing and case aside: what the check's own message asks for always counts, even
    for a number the phone library cannot read (a short local line, a made-up one)."""
    squeezed = _SPACE.sub("", given).casefold()
    if len(digits(squeezed)) < 7 and "@" not in squeezed:
        return False
    flat = _flat(text)
    found = flat.find(squeezed)
    if found < 0:
        return False
    # A digit right before or after means a longer number that only contains it.
    end = found + len(squeezed)
    return not (found > 0 and flat[found - 1].isdigit()) and not (
        end < len(flat) and flat[end].isdigit() and squeezed[-1].isdigit()
    )


@lru_cache(maxsize=64)
def _flat(text: str) -> str:
    """`text` without spaces, case-folded (cached: the phone and the e-mail are looked
    for in the same draft)."""
    return _SPACE.sub("", text).casefold()


def same_line(a: str, b: str) -> bool:
    """Two national numbers are the same line when one ends with the other (7+ digits)."""
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 7 and long_.endswith(short)


# Mail providers: a business writing from one of these owns no site there.
_MAILBOXES = frozenset(
    "gmail.com googlemail.com outlook.com hotmail.com live.com msn.com yahoo.com icloud.com "
    "me.com aol.com proton.me protonmail.com gmx.de gmx.net web.de t-online.de wp.pl o2.pl "
    "onet.pl interia.pl abv.bg mail.bg siol.net orange.fr free.fr laposte.net wanadoo.fr "
    "qq.com 163.com 126.com sina.com yahoo.com.tw hotmail.fr yahoo.fr yahoo.es".split()
)


def own_sites(contact: Contact) -> tuple[str, ...]:
    """The hosts a business's own links live on: its web site, and its e-mail domain
    unless that is a public mail provider's."""
    found = [host(contact.website)] if contact.website else []
    if contact.email and "@" in contact.email:
        domain = host(contact.email.rsplit("@", 1)[1])
        if domain not in _MAILBOXES:
            found.append(domain)
    return tuple(h for h in found if "." in h)


def _own_link(link: str, own: tuple[str, ...]) -> bool:
    at = host(link)
    return any(at == h or at.endswith("." + h) for h in own)


def region_for(context: CheckContext) -> str | None:
    if context.region:
        return context.region.upper()
    phone = context.contact.phone
    if phone and phone.strip().startswith(("+", "00")):
        region = _region_of(phone.strip())
        if region:
            return region
    if context.language == "zh" and context.review_script == HANT:
        return "TW"  # Traditional characters: most likely a Taiwanese number
    return LANGUAGE_REGION.get(context.language)


@lru_cache(maxsize=1024)
def _region_of(phone: str) -> str | None:
    """The region of an international number (cached: asked for every draft)."""
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(phone, None)) or None
    except phonenumbers.NumberParseException:
        return None


@lru_cache(maxsize=256)
def find_phones(text: str, region: str | None) -> tuple[_Phone, ...]:
    """Phone numbers in `text` (cached: two checks look for them in the same draft)."""
    found: list[_Phone] = []
    spans: list[tuple[int, int]] = []
    for match in PhoneNumberMatcher(text, region, leniency=Leniency.VALID):
        spans.append((match.start, match.end))
        if not is_reference(text, match.start, match.raw_string):
            found.append(_Phone(match.raw_string, str(match.number.national_number)))
    for loose in _PHONE_LIKE.finditer(text):
        if any(s <= loose.start() < e or s < loose.end() <= e for s, e in spans):
            continue
        if 7 <= len(digits(loose.group())) <= 15 and not is_reference(
            text, loose.start(), loose.group()
        ):
            found.append(_Phone(loose.group().strip(), national_number(loose.group(), region)))
    return tuple(found)


@register_validator(name="replyguard/offline_channel", data_type="string")
class OfflineChannel(ReplyCheck):
    """Fails unless the profile's phone or e-mail appears, and no other one does."""

    name = "offline_channel"

    def check(self, text: str, context: CheckContext) -> Verdict:
        contact = context.contact
        region = region_for(context)
        own_phone = national_number(contact.phone, region) if contact.phone else None
        own_email = contact.email.casefold() if contact.email else None

        phones = find_phones(text, region)
        emails = [e.rstrip(".") for e in EMAIL.findall(text)]
        phone_as_given = bool(contact.phone) and written_as_given(text, contact.phone or "")
        email_as_given = bool(contact.email) and written_as_given(text, contact.email or "")
        foreign = [
            p.text
            for p in phones
            if not (own_phone and same_line(p.national, own_phone))
            and not (phone_as_given and digits(p.text) in digits(contact.phone or ""))
        ]
        foreign += [
            e
            for e in emails
            if e.casefold() != own_email
            and not (email_as_given and e.casefold() in (own_email or ""))
        ]
        # A link is a channel too: models invent them. The business's own site (its
        # `website`, or its e-mail's domain) is its own.
        business = context.business_name.casefold()
        own_hosts = own_sites(contact)
        foreign += [
            link
            for link in (u.rstrip(".,)") for u in URL.findall(text))
            if link.casefold() not in business and not _own_link(link, own_hosts)
        ]
        has_phone = phone_as_given or (
            bool(own_phone) and any(same_line(p.national, own_phone or "") for p in phones)
        )
        has_email = email_as_given or (
            bool(own_email) and any(e.casefold() == own_email for e in emails)
        )

        allowed = " or ".join(x for x in (contact.phone, contact.email) if x)
        if foreign:
            listed = ", ".join(f"“{x}”" for x in dict.fromkeys(foreign))
            return Verdict.fail(
                f"The reply gives contact details that are not the business's: {listed}. "
                f"Remove them; the only phone or e-mail allowed is {allowed}."
            )
        if not (has_phone or has_email):
            return Verdict.fail(
                "The reply does not take the matter offline. Invite the reviewer to get "
                f"in touch directly and give the contact's {allowed} exactly as written."
            )
        given = " and ".join(
            x for x, ok in ((contact.phone, has_phone), (contact.email, has_email)) if ok and x
        )
        return Verdict.ok(f"Offers the business's own channel: {given}.")
