"""The self-contained HTML report (no scripts, no external assets)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

_TEMPLATES = Path(__file__).parent / "templates"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def render_html(report: dict[str, Any]) -> str:
    env = Environment(
        loader=FileSystemLoader(_TEMPLATES), autoescape=select_autoescape(["html", "j2"])
    )
    detectors = report.get("detectors")
    tables = [
        detectors,
        report.get("detectors_holdout"),
        *report.get("detectors_real", {}).values(),
    ]
    languages = sorted(
        {
            lang
            for table in tables
            for by_lang in (table or {}).get("by_check", {}).values()
            for lang in by_lang
        }
        - {"all"}
    ) + (["all"] if any(tables) else [])
    return env.get_template("report.html.j2").render(
        meta=report["meta"],
        summary=report["summary"],
        gate=report.get("gate"),
        detectors=detectors,
        detectors_holdout=report.get("detectors_holdout"),
        detectors_real=report.get("detectors_real"),
        detector_languages=languages,
        failing=[c for c in report["cases"] if not c["passed"]],
        pct=_pct,
    )
