"""`replyguard audit`: every published reply gets its failed checks and its revision,
and a rerun picks up where a killed one stopped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support import GENERIC_DRAFT, GOOD_DRAFT, reply_body

from replyguard.audit import run_audit, summary_table
from replyguard.runtime import Runtime


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _input(tmp_path: Path) -> Path:
    rows = [
        json.dumps(reply_body() | {"id": "good", "draft": GOOD_DRAFT}),
        json.dumps(reply_body() | {"id": "generic", "draft": GENERIC_DRAFT}),
        "{not json",
        json.dumps(reply_body() | {"id": "good", "draft": GOOD_DRAFT}),
        json.dumps(reply_body()),  # no draft
    ]
    source = tmp_path / "replies.jsonl"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return source


def test_each_reply_gets_its_failures_and_revision(tmp_path: Path) -> None:
    source, out = _input(tmp_path), tmp_path / "out.jsonl"
    summary = run_audit(Runtime.templates_only().pipeline, source, out)
    good, generic, broken, duplicate, missing = _lines(out)
    assert good["ok"]
    assert good["failed"] == []
    assert good["revision"]["revised"] == GOOD_DRAFT
    assert "no_generic" in generic["failed"]
    assert generic["revision"]["passed"] is True
    assert broken["error"]["code"] == "malformed_json"
    assert duplicate["error"]["code"] == "duplicate_id"
    assert missing["error"]["field"] == "draft"
    assert (summary.replies, summary.passed_before, summary.passed_after) == (2, 1, 2)
    assert summary.failed_before["no_generic"] == 1
    assert summary.failed_after["no_generic"] == 0
    assert summary.input_errors == 3
    assert summary_table(summary).row_count >= 3


def test_a_rerun_skips_what_is_done_and_redoes_a_cut_line(tmp_path: Path) -> None:
    source, out = _input(tmp_path), tmp_path / "out.jsonl"
    pipeline = Runtime.templates_only().pipeline
    run_audit(pipeline, source, out)
    whole = out.read_bytes()
    # A kill mid-write: the last line loses its end.
    out.write_bytes(whole[:-20])
    summary = run_audit(pipeline, source, out)
    assert out.read_bytes() == whole
    assert summary.replies == 2
    run_audit(pipeline, source, out)
    assert out.read_bytes() == whole
