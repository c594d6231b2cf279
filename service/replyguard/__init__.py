"""replyguard: drafts public replies to negative reviews and never lets a bad draft out."""

from __future__ import annotations

import os

# guardrails-ai must be told before its first import that we are offline.
os.environ.setdefault("OTEL_SDK_DISABLED", "true")
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("GUARDRAILS_RUN_SYNC", "true")

__version__ = "0.1.0"
