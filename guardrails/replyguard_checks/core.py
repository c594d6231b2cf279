"""The ten checks every draft runs through, in their order.

Importing this module imports guardrails-ai and every check (seconds), so the suite
imports it when it first needs a check, not when it is built; `suite.CORE_NAMES`
names them without it (a test holds the two equal).
"""

from __future__ import annotations

from .base import ReplyCheck
from .length import Length
from .named_contact import NamedContact
from .no_attack import NoAttack
from .no_generic import NoGeneric
from .no_meta import NoMeta
from .no_private_data import NoPrivateData
from .no_unauthorized_offer import NoUnauthorizedOffer
from .not_repeated import NotRepeated
from .offline_channel import OfflineChannel
from .reply_language import ReplyLanguage

CORE_CHECKS: tuple[type[ReplyCheck], ...] = (
    Length,
    NoAttack,
    NamedContact,
    OfflineChannel,
    NoGeneric,
    ReplyLanguage,
    NoMeta,
    NoUnauthorizedOffer,
    NoPrivateData,
    NotRepeated,
)
