"""The written offer probes in `evals/offers/`: every dev item must get its label from
`no_unauthorized_offer`, and held-out accuracy must not fall below the floor reached
when the check was last tuned (the held-out items are never tuned on)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from replyguard_checks import CheckContext, Contact
from replyguard_checks.no_unauthorized_offer import NoUnauthorizedOffer

_FOLDER = Path(__file__).resolve().parents[2] / "evals" / "offers"
_LANGUAGES = ("en", "de", "es", "fr", "nl", "pl", "sl", "bg", "zh")
#: Held-out accuracy per language after tuning on dev: a drop below it fails.
HELD_OUT_FLOOR: dict[str, float] = {
    "en": 0.94,
    "de": 0.84,
    "es": 1.0,
    "fr": 1.0,
    "nl": 0.84,
    "pl": 0.84,
    "sl": 0.84,
    "bg": 0.92,
    "zh": 0.92,
}
_KINDS = {
    "compensation",
    "outcome promise",
    "timeline promise",
    "effort",
    "contact promise",
    "refusal",
    "procedure",
    "system-normally",
    "conditional",
    "question",
    "allowed-by-profile",
    "hedged",
}


@dataclass(frozen=True)
class Probe:
    language: str
    split: str
    text: str
    fails: bool
    kind: str
    review: str
    compensation: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.language}:{self.text[:50]}"


def _load(language: str) -> list[Probe]:
    data: dict[str, Any] = yaml.safe_load((_FOLDER / f"{language}.yaml").read_text("utf-8"))
    assert data["language"] == language
    return [
        Probe(
            language=language,
            split=item["split"],
            text=item["text"],
            fails=item["label"] == "fail",
            kind=item["kind"],
            review=item.get("review", data["review"]),
            compensation=tuple(item.get("compensation") or ()),
        )
        for item in data["items"]
    ]


PROBES = [probe for lang in _LANGUAGES for probe in _load(lang)]
_CHECK = NoUnauthorizedOffer()


def _fails(probe: Probe) -> bool:
    context = CheckContext(
        review_text=probe.review,
        language=probe.language,
        contact=Contact(name="Anna Kowalska"),
        compensation=probe.compensation,
    )
    return not _CHECK.check(probe.text, context).passed


@pytest.mark.parametrize("language", _LANGUAGES)
def test_probe_file_is_well_formed(language: str) -> None:
    probes = [p for p in PROBES if p.language == language]
    assert len(probes) >= (40 if language == "en" else 30)
    assert {p.split for p in probes} == {"dev", "held_out"}
    assert {p.kind for p in probes} <= _KINDS
    assert any(p.fails for p in probes)
    assert not all(p.fails for p in probes)


@pytest.mark.parametrize("probe", [p for p in PROBES if p.split == "dev"], ids=lambda p: p.id)
def test_dev_probe(probe: Probe) -> None:
    assert _fails(probe) is probe.fails, f"{probe.kind}: {probe.text}"


@pytest.mark.parametrize("language", _LANGUAGES)
def test_held_out_floor(language: str) -> None:
    held = [p for p in PROBES if p.language == language and p.split == "held_out"]
    right = sum(_fails(p) is p.fails for p in held)
    accuracy = right / len(held)
    print(f"{language} held-out accuracy {accuracy:.2f} ({right}/{len(held)})")
    assert accuracy >= HELD_OUT_FLOOR[language]
