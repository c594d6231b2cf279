"""replyguard's checks on reply drafts, each a guardrails-ai validator.

Import name `replyguard_checks`: the repo folder is `guardrails/`, but the import name
`guardrails` belongs to guardrails-ai itself.
"""

from __future__ import annotations

import os

# guardrails-ai reaches for the network at import and exit unless told not to; this must
# happen before the first `import guardrails` anywhere in the process.
os.environ.setdefault("OTEL_SDK_DISABLED", "true")
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("GUARDRAILS_RUN_SYNC", "true")

from .context import DEFAULT_MAX_WORDS, SUPPORTED_LANGUAGES, CheckContext, Contact

__all__ = ["DEFAULT_MAX_WORDS", "SUPPORTED_LANGUAGES", "CheckContext", "Contact"]
