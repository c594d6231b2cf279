"""Revising a reply a person wrote: the smallest edits, rule by rule and re-checked,
that make it pass every check while keeping the writer's own words; then the LLM,
then a template, when the rules cannot."""

from .answer import revise_by_rules, revise_request
from .engine import Change, Reviser, Revision

__all__ = ["Change", "Reviser", "Revision", "revise_by_rules", "revise_request"]
