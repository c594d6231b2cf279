"""Which script a Chinese reply is written in.

The reviewer's own script, when the review tells it. A short review such as "跑太慢" or
"垃圾" is written the same way in both scripts; then the business tells: its country
(Taiwan, Hong Kong and Macau write Traditional; mainland China and Singapore
Simplified), given or read from the contact's international phone number, or the
script of its own and its contact's names. A Taiwanese clinic
answers "跑太慢" in Traditional, not in the Simplified default.
"""

from __future__ import annotations

from replyguard_checks import HANS, HANT, script_of

from .schemas import Business, Review

_BY_COUNTRY = {"TW": HANT, "HK": HANT, "MO": HANT, "CN": HANS, "SG": HANS}
#: International calling codes of the same places, longest first ("+886" before "+86").
_BY_CALLING_CODE = (("886", HANT), ("852", HANT), ("853", HANT), ("86", HANS), ("65", HANS))


def reply_script(review: Review, business: Business) -> str | None:
    """`Hant`, `Hans`, or None when nothing tells (a reply is then Simplified)."""
    told = script_of(review.text)
    if told is not None:
        return told
    if business.country and business.country.upper() in _BY_COUNTRY:
        return _BY_COUNTRY[business.country.upper()]
    contact = business.contact
    phone = "".join(ch for ch in (contact.phone or "") if ch.isdigit() or ch == "+")
    for code, script in _BY_CALLING_CODE:
        if phone.startswith(("+" + code, "00" + code)):
            return script
    own = " ".join(part for part in (business.name, contact.name, contact.role) if part)
    return script_of(own)
