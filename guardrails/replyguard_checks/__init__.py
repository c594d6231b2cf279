"""replyguard's checks on reply drafts, each a guardrails-ai validator.

Import name `replyguard_checks`: the repo folder is `guardrails/`, but the import name
`guardrails` belongs to guardrails-ai itself.

The names below are the package's public API: the service, the evals and the tests
import them from here and never from a module of the package, so the modules can be
split or renamed freely. Importing the package stays cheap (no guardrails-ai, no
simplemma, lingua or jieba): the names whose modules load those are imported on first
use, through the module `__getattr__` below.
"""

from __future__ import annotations

import os
from importlib import import_module
from typing import TYPE_CHECKING

# guardrails-ai reaches for the network at import and exit unless told not to; this must
# happen before the first `import guardrails` anywhere in the process.
os.environ.setdefault("OTEL_SDK_DISABLED", "true")
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("GUARDRAILS_RUN_SYNC", "true")

from .context import DEFAULT_MAX_WORDS, SUPPORTED_LANGUAGES, CheckContext, Contact
from .script import HANS, HANT, script_of, to_simplified, to_traditional

if TYPE_CHECKING:  # what mypy sees; at run time `__getattr__` imports these on first use
    from .attack_model import BITS as ATTACK_BITS
    from .attack_model import MODEL_FILE as ATTACK_MODEL_FILE
    from .attack_model import AttackModel
    from .attack_model import buckets as attack_buckets
    from .attack_model import features as attack_features
    from .attack_model import sentences as attack_sentences
    from .base import ReplyCheck, Verdict
    from .core import CORE_CHECKS
    from .details import content_terms, lemma, related
    from .heap import limit_arenas
    from .heap import trim as trim_heap
    from .language import NAMES as LANGUAGE_NAMES
    from .language import detect as detect_language
    from .lexicon import spelled_numbers
    from .no_attack import attacks_in
    from .no_generic import stock_formulas
    from .suite import CheckResult, CheckSuite
    from .text import CJK_CHAR, EMAIL, URL, digits, mask_terms, normalize, word_count, words

#: Public name -> (module of this package, name there), imported when first asked for.
_LAZY: dict[str, tuple[str, str]] = {
    "ATTACK_BITS": ("attack_model", "BITS"),
    "ATTACK_MODEL_FILE": ("attack_model", "MODEL_FILE"),
    "AttackModel": ("attack_model", "AttackModel"),
    "attack_buckets": ("attack_model", "buckets"),
    "attack_features": ("attack_model", "features"),
    "attack_sentences": ("attack_model", "sentences"),
    "ReplyCheck": ("base", "ReplyCheck"),
    "Verdict": ("base", "Verdict"),
    "content_terms": ("details", "content_terms"),
    "lemma": ("details", "lemma"),
    "related": ("details", "related"),
    "limit_arenas": ("heap", "limit_arenas"),
    "trim_heap": ("heap", "trim"),
    "LANGUAGE_NAMES": ("language", "NAMES"),
    "detect_language": ("language", "detect"),
    "attacks_in": ("no_attack", "attacks_in"),
    "spelled_numbers": ("lexicon", "spelled_numbers"),
    "stock_formulas": ("no_generic", "stock_formulas"),
    "CORE_CHECKS": ("core", "CORE_CHECKS"),
    "CheckResult": ("suite", "CheckResult"),
    "CheckSuite": ("suite", "CheckSuite"),
    "CJK_CHAR": ("text", "CJK_CHAR"),
    "EMAIL": ("text", "EMAIL"),
    "URL": ("text", "URL"),
    "digits": ("text", "digits"),
    "mask_terms": ("text", "mask_terms"),
    "normalize": ("text", "normalize"),
    "word_count": ("text", "word_count"),
    "words": ("text", "words"),
}


def __getattr__(name: str) -> object:
    """Import a heavy public name on first use and keep it as a module attribute."""
    try:
        module, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value: object = getattr(import_module(f".{module}", __name__), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "ATTACK_BITS",
    "ATTACK_MODEL_FILE",
    "CJK_CHAR",
    "CORE_CHECKS",
    "DEFAULT_MAX_WORDS",
    "EMAIL",
    "HANS",
    "HANT",
    "LANGUAGE_NAMES",
    "SUPPORTED_LANGUAGES",
    "URL",
    "AttackModel",
    "CheckContext",
    "CheckResult",
    "CheckSuite",
    "Contact",
    "ReplyCheck",
    "Verdict",
    "attack_buckets",
    "attack_features",
    "attack_sentences",
    "attacks_in",
    "content_terms",
    "detect_language",
    "digits",
    "lemma",
    "limit_arenas",
    "mask_terms",
    "normalize",
    "related",
    "script_of",
    "spelled_numbers",
    "stock_formulas",
    "to_simplified",
    "to_traditional",
    "trim_heap",
    "word_count",
    "words",
]
