"""`replyguard audit IN.jsonl OUT.jsonl`: a CRM's backlog of published replies, each
checked and revised by the rules (no LLM, no records).

Each non-blank line of IN is the body of `POST /v1/revisions` (`review`, `business`,
`draft`: the reply as published, `options`) plus an optional string `"id"` (default:
the 1-based line number). Every line gets one JSON line in OUT, in order:

    {"id": "r-1", "line": 1, "ok": true, "failed": ["named_contact"], "revision": {...}}
    {"id": 2, "line": 2, "ok": false, "error": {"code", "message", "field"}}

`failed` names the checks the published reply fails; `revision` is the API's response.
At the end a table counts, per check, the replies that fail it before and after
revision, over the whole of OUT.

Resumable like `replyguard batch`: a rerun with the same OUT skips every id that
already has a line (a partial last line, left by a kill mid-write, is cut off first);
Ctrl-C leaves only whole lines.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .batch import EXIT_INTERRUPTED, BatchError, check_paths, count_lines
from .pipeline import ReplyPipeline
from .revisions import revise_by_rules
from .runtime import Runtime
from .schemas import RevisionRequest

log = logging.getLogger(__name__)

ItemId = str | int
DUPLICATE = "duplicate_id"


@dataclass(slots=True)
class AuditSummary:
    """What OUT holds once the run is over (lines of earlier runs included)."""

    replies: int = 0
    passed_before: int = 0
    passed_after: int = 0
    input_errors: int = 0
    kept: list[float] = field(default_factory=list)
    failed_before: Counter[str] = field(default_factory=Counter)
    failed_after: Counter[str] = field(default_factory=Counter)
    interrupted: bool = False

    def add(self, entry: dict[str, Any]) -> None:
        if not entry.get("ok"):
            self.input_errors += 1
            return
        revision = entry["revision"]
        self.replies += 1
        before = [c["name"] for c in revision["checks_before"] if not c["passed"]]
        after = [c["name"] for c in revision["checks"] if not c["passed"]]
        self.passed_before += not before
        self.passed_after += not after
        self.failed_before.update(before)
        self.failed_after.update(after)
        self.kept.append(float(revision["kept"]))

    @property
    def exit_code(self) -> int:
        return EXIT_INTERRUPTED if self.interrupted else 0


def read_out(out: Path) -> dict[ItemId | tuple[str, int], dict[str, Any]]:
    """The result lines OUT already holds, by id (a duplicate's report by its line
    number); a partial last line is cut off."""
    found: dict[ItemId | tuple[str, int], dict[str, Any]] = {}
    if not out.exists():
        return found
    with out.open("rb+") as file:
        offset = 0
        for number, raw in enumerate(file, 1):
            try:
                entry = json.loads(raw)
            except ValueError:
                entry = None
            whole = isinstance(entry, dict) and isinstance(entry.get("id"), str | int)
            if not raw.endswith(b"\n") and not whole:
                log.warning("%s: cut off a partial last line (%d bytes)", out, len(raw))
                file.truncate(offset)
                break
            if not whole or not isinstance(entry, dict):
                raise BatchError(f"{out}:{number} is not an audit line; give a new OUT file")
            if not raw.endswith(b"\n"):
                file.write(b"\n")
            duplicate = (entry.get("error") or {}).get("code") == DUPLICATE
            key = (DUPLICATE, entry.get("line", 0)) if duplicate else entry["id"]
            found.setdefault(key, entry)
            offset += len(raw)
    return found


def _error(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "field": field}


def parse_line(
    raw: bytes, line: int, max_bytes: int
) -> tuple[ItemId, RevisionRequest | dict[str, Any]]:
    """(id, the request) or (id, the error body that answers the line)."""
    if len(raw.rstrip(b"\r\n")) > max_bytes:
        return line, _error("payload_too_large", f"line {line} is over {max_bytes} bytes")
    try:
        body = json.loads(raw)
    except ValueError:
        return line, _error("malformed_json", f"line {line} is not valid JSON")
    if not isinstance(body, dict):
        return line, _error("invalid_request", f"line {line} must be a JSON object")
    item_id = body.pop("id", None)
    if item_id is None:
        item_id = line
    elif not isinstance(item_id, str) or not item_id.strip() or len(item_id) > 200:
        message = f"line {line}: id must be a non-empty string of at most 200 characters"
        return line, _error("invalid_request", message, "id")
    try:
        return item_id, RevisionRequest.model_validate(body)
    except ValidationError as exc:
        problem = exc.errors(include_url=False, include_input=False)[0]
        name = ".".join(str(part) for part in problem["loc"]) or None
        text = str(problem["msg"]).removeprefix("Value error, ")
        return item_id, _error("invalid_request", f"line {line}: {name}: {text}", name)


def run_audit(
    pipeline: ReplyPipeline, source: Path, out: Path, progress: Progress | None = None
) -> AuditSummary:
    """Audit every line of `source` that `out` does not answer yet; append to `out`."""
    done = read_out(out)
    summary = AuditSummary()
    task = progress.add_task("replies", total=count_lines(source)) if progress else None
    seen: set[ItemId] = set()
    max_bytes = pipeline.settings.max_body_bytes
    with source.open("rb") as lines, out.open("ab") as sink:
        try:
            for number, raw in enumerate(lines, 1):
                if not raw.strip():
                    continue
                item_id, parsed = parse_line(raw, number, max_bytes)
                if item_id in done and item_id not in seen:
                    entry = done[item_id]
                elif (DUPLICATE, number) in done:
                    entry = done[(DUPLICATE, number)]
                elif item_id in seen:
                    message = f"line {number}: id {item_id!r} appeared on an earlier line"
                    entry = _write(sink, item_id, number, error=_error(DUPLICATE, message, "id"))
                elif isinstance(parsed, dict):
                    entry = _write(sink, item_id, number, error=parsed)
                else:
                    response = revise_by_rules(pipeline, parsed)
                    failed = [c.name for c in response.checks_before if not c.passed]
                    revision = response.model_dump(mode="json")
                    entry = _write(sink, item_id, number, failed=failed, revision=revision)
                seen.add(item_id)
                summary.add(entry)
                if progress is not None and task is not None:
                    progress.update(task, advance=1)
        except KeyboardInterrupt:
            summary.interrupted = True
    return summary


def _write(sink: IO[bytes], item_id: ItemId, line: int, **fields: Any) -> dict[str, Any]:
    """One whole line per write, flushed: a kill leaves at most a partial tail."""
    entry = {"id": item_id, "line": line, "ok": "error" not in fields, **fields}
    sink.write(json.dumps(entry, ensure_ascii=False).encode("utf-8") + b"\n")
    sink.flush()
    return entry


def summary_table(summary: AuditSummary) -> Table:
    """Per check: replies failing it as published and after revision."""
    table = Table(title=f"{summary.replies} replies audited")
    table.add_column("check")
    table.add_column("failed as published", justify="right")
    table.add_column("failed after revision", justify="right")
    names = sorted(set(summary.failed_before) | set(summary.failed_after))
    for name in names:
        table.add_row(name, str(summary.failed_before[name]), str(summary.failed_after[name]))
    mean_kept = sum(summary.kept) / len(summary.kept) if summary.kept else 1.0
    table.add_row(
        "every check passed",
        str(summary.passed_before),
        f"{summary.passed_after} (words kept: {mean_kept:.0%})",
        end_section=True,
    )
    if summary.input_errors:
        table.add_row("input errors", str(summary.input_errors), "")
    return table


@contextmanager
def _progress(console: Console) -> Iterator[Progress]:
    columns = (
        TextColumn("auditing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        yield progress


def audit_command(source: Path, out: Path, *, console: Console | None = None) -> int:
    """The CLI's work: returns the exit code (2 for unusable files, 130 interrupted)."""
    console = console or Console(stderr=True)
    try:
        check_paths(source, out)
        read_out(out)
    except (BatchError, OSError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        return 2
    pipeline = Runtime.templates_only().pipeline
    with _progress(console) as progress:
        summary = run_audit(pipeline, source, out, progress)
    console.print(summary_table(summary))
    if summary.interrupted:
        console.print("[yellow]interrupted[/yellow]: rerun the same command to continue")
    return summary.exit_code
