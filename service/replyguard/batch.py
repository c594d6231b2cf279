"""`replyguard batch IN.jsonl OUT.jsonl`: draft replies for a file of reviews.

Each non-blank line of IN is the body of `POST /v1/replies` plus an optional string
`"id"`; without one (or with `null`) the id is the line's 1-based number, as an
integer. Every line gets one JSON line in OUT, written and flushed as it finishes
(completion order), and every line carries its input `line` number:

    {"id": "r-1", "line": 1, "ok": true, "reply": {...the API's response...}}
    {"id": 2, "line": 2, "ok": false, "error": {"code", "message", "field", "details"}}

Error codes are the API's (`malformed_json`, `invalid_request`, `payload_too_large`,
for lines over `REPLYGUARD_MAX_BODY_BYTES`) plus `duplicate_id`: only the first line
with an id is drafted, a later one gets an error line. An input error is done: it is
reported, and the batch goes on.

The work is the API's: the same settings, LLM client, checks and pipeline, and every
reply is kept in the records store before its line is written (as the API keeps it
before answering), so a line in OUT always has its record.

Resumable: a rerun with the same OUT skips every id that already has a line there,
after cutting off a trailing partial line (a process killed mid-write). A reply that
failed unexpectedly (records store down, local model overloaded) gets no line, so a
rerun tries it again; an interrupted run (Ctrl-C) leaves only whole lines.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal, TypeVar

import uvloop
from pydantic import ValidationError
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from .pipeline import ReplyPipeline
from .runtime import Runtime
from .schemas import ReplyRequest, ReplyResponse
from .settings import Settings
from .storage import Store

log = logging.getLogger(__name__)
T = TypeVar("T")

ItemId = str | int
Outcome = Literal["drafted", "skipped", "input_error", "failed"]
DEFAULT_CONCURRENCY = 16
DUPLICATE = "duplicate_id"
EXIT_INTERRUPTED = 130  # the shell's code for a process stopped by SIGINT
_FAILED = "line %d (id %r) failed; a rerun tries it again"


class BatchError(Exception):
    """IN or OUT cannot be used as given; nothing was drafted."""


@dataclass(slots=True)
class Summary:
    total: int = 0
    drafted: int = 0
    skipped: int = 0
    input_errors: int = 0
    failed: int = 0
    by_source: Counter[str] = field(default_factory=Counter)
    elapsed_s: float = 0.0
    interrupted: bool = False

    @property
    def throughput(self) -> float:
        """Replies drafted per second of this run."""
        return self.drafted / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def exit_code(self) -> int:
        """0 when every line is done (input errors included), else non-zero."""
        if self.interrupted:
            return EXIT_INTERRUPTED
        return 1 if self.failed else 0


@dataclass(slots=True)
class Done:
    """What OUT already holds: ids answered, and lines already reported as duplicates."""

    ids: set[ItemId] = field(default_factory=set)
    duplicate_lines: set[int] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class _Item:
    id: ItemId
    line: int
    request: ReplyRequest | None = None
    error: dict[str, Any] | None = None


# -- paths and resume ----------------------------------------------------------------
def check_paths(source: Path, out: Path) -> None:
    """IN must be a readable file, and OUT another file: appending to IN would eat it."""
    if not source.is_file():
        raise BatchError(f"{source}: no such file")
    if out.is_dir():
        raise BatchError(f"{out}: is a folder")
    if source.resolve() == out.resolve() or (out.exists() and source.samefile(out)):
        raise BatchError("IN and OUT must be different files")


def _result_id(entry: object) -> tuple[ItemId, int | None, bool] | None:
    """(id, line, is a duplicate report) of a result line, or None if it is not one."""
    if not isinstance(entry, dict) or not isinstance(entry.get("ok"), bool):
        return None
    item_id = entry.get("id")
    if isinstance(item_id, bool) or not isinstance(item_id, str | int):
        return None
    if entry["ok"] and not isinstance(entry.get("reply"), dict):
        return None
    error = entry.get("error")
    if not entry["ok"] and not isinstance(error, dict):
        return None
    line = entry.get("line")
    duplicate = isinstance(error, dict) and error.get("code") == DUPLICATE
    return item_id, line if isinstance(line, int) else None, duplicate


def read_done(out: Path) -> Done:
    """The ids OUT already answers. A trailing line without its newline is what a kill
    mid-write leaves: it is cut off (or, if it is whole, given its newline)."""
    done = Done()
    if not out.exists():
        return done
    with out.open("rb+") as file:
        offset = 0
        for number, raw in enumerate(file, 1):
            try:
                found = _result_id(json.loads(raw))
            except ValueError:
                found = None
            if not raw.endswith(b"\n"):
                if found is None:
                    log.warning("%s: cut off a partial last line (%d bytes)", out, len(raw))
                    file.truncate(offset)
                else:
                    file.write(b"\n")
            elif found is None:
                raise BatchError(
                    f"{out}:{number} is not a batch result line; give a new or earlier OUT file"
                )
            if found is not None:
                item_id, line, duplicate = found
                if duplicate and line is not None:
                    done.duplicate_lines.add(line)
                else:
                    done.ids.add(item_id)
            offset += len(raw)
    return done


def count_lines(source: Path) -> int:
    """Non-blank lines of IN, for the progress bar (read, not kept)."""
    with source.open("rb") as file:
        return sum(1 for raw in file if raw.strip())


# -- one input line --------------------------------------------------------------------
def _error(
    code: str, message: str, field: str | None = None, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The API's error body (`code`, `message`, `field`) plus every problem found."""
    return {"code": code, "message": message, "field": field, "details": details or []}


def _invalid(exc: ValidationError, line: int) -> dict[str, Any]:
    """The API's 422 message (first problem, dotted field, how many more), and all of them."""
    details = []
    for problem in exc.errors(include_url=False, include_input=False):
        name = ".".join(str(part) for part in problem["loc"]) or None
        text = str(problem["msg"]).removeprefix("Value error, ")
        if problem["type"] == "missing":
            text = f"{name or 'a field'} is required"
        elif name:
            text = f"{name}: {text}"
        details.append({"field": name, "message": text})
    message = f"line {line}: {details[0]['message']}"
    if len(details) > 1:
        more = len(details) - 1
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return _error("invalid_request", message, details[0]["field"], details=details)


def parse_line(raw: bytes, line: int, max_bytes: int) -> _Item:
    """A request to draft, or the error line that answers it."""
    size = len(raw.rstrip(b"\r\n"))
    if size > max_bytes:
        message = f"line {line} has {size} bytes; a request is at most {max_bytes}"
        return _Item(line, line, error=_error("payload_too_large", message))
    try:
        body = json.loads(raw)
    except ValueError as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "not UTF-8 text"
        message = f"line {line} is not valid JSON: {reason}"
        return _Item(line, line, error=_error("malformed_json", message))
    if not isinstance(body, dict):
        message = f"line {line} must be a JSON object (a POST /v1/replies body)"
        return _Item(line, line, error=_error("invalid_request", message))
    item_id = body.pop("id", None)
    if item_id is None:
        item_id = line
    elif not isinstance(item_id, str) or not item_id.strip() or len(item_id) > 200:
        message = f"line {line}: id must be a non-empty string of at most 200 characters"
        return _Item(line, line, error=_error("invalid_request", message, "id"))
    try:
        return _Item(item_id, line, request=ReplyRequest.model_validate(body))
    except ValidationError as exc:
        return _Item(item_id, line, error=_invalid(exc, line))


# -- the run -----------------------------------------------------------------------------
class _Batch:
    """One run: reads IN lazily, keeps at most `concurrency` replies in flight."""

    def __init__(
        self,
        pipeline: ReplyPipeline,
        store: Store,
        sink: IO[bytes],
        done: Done,
        concurrency: int,
        notify: Callable[[Outcome], None],
    ) -> None:
        self.pipeline = pipeline
        self.store = store
        self.sink = sink
        self.done = done
        self.notify = notify
        self.summary = Summary()
        self.slots = asyncio.Semaphore(concurrency)
        self.seen: set[ItemId] = set()
        self.drafting: set[asyncio.Task[None]] = set()
        self.finishing: set[asyncio.Future[None]] = set()

    def write(self, entry: dict[str, Any]) -> None:
        """One whole line per write call, flushed: a kill leaves at most a partial tail."""
        self.sink.write(json.dumps(entry, ensure_ascii=False).encode("utf-8") + b"\n")
        self.sink.flush()

    def _report(self, item: _Item, error: dict[str, Any]) -> None:
        self.write({"id": item.id, "line": item.line, "ok": False, "error": error})
        self.summary.input_errors += 1
        self.notify("input_error")

    async def feed(self, lines: IO[bytes], max_bytes: int) -> None:
        for number, raw in enumerate(lines, 1):
            if not raw.strip():
                continue
            self.summary.total += 1
            item = parse_line(raw, number, max_bytes)
            first = item.id not in self.seen
            self.seen.add(item.id)
            if (first and item.id in self.done.ids) or number in self.done.duplicate_lines:
                self.summary.skipped += 1
                self.notify("skipped")
            elif not first:
                message = f"line {number}: id {item.id!r} appeared on an earlier line"
                self._report(item, _error(DUPLICATE, message, "id"))
            elif item.error is not None:
                self._report(item, item.error)
            else:
                assert item.request is not None
                await self.slots.acquire()  # lazy: the next line waits for a free slot
                task = asyncio.create_task(self._draft(item, item.request))
                self.drafting.add(task)
                task.add_done_callback(self.drafting.discard)
        await asyncio.gather(*self.drafting)

    async def _draft(self, item: _Item, request: ReplyRequest) -> None:
        try:
            started = time.perf_counter()
            try:
                reply = await self.pipeline.reply(request)
            except Exception:
                log.exception(_FAILED, item.line, item.id)
                self._failed()
                return
            # Kept and written even if Ctrl-C comes now: a kept reply always has its line.
            finish = asyncio.ensure_future(self._keep(item, request, reply, started))
            self.finishing.add(finish)
            finish.add_done_callback(self.finishing.discard)
            await asyncio.shield(finish)
        finally:
            self.slots.release()

    async def _keep(
        self, item: _Item, request: ReplyRequest, reply: ReplyResponse, started: float
    ) -> None:
        try:
            duration_ms = (time.perf_counter() - started) * 1000
            await asyncio.to_thread(self.store.save_reply, request, reply, duration_ms=duration_ms)
        except Exception:
            log.exception(_FAILED, item.line, item.id)
            self._failed()
            return
        self.write(
            {"id": item.id, "line": item.line, "ok": True, "reply": reply.model_dump(mode="json")}
        )
        self.summary.drafted += 1
        self.summary.by_source[reply.source] += 1
        self.notify("drafted")

    def _failed(self) -> None:
        """No line for it: not done, so a rerun tries it again."""
        self.summary.failed += 1
        self.notify("failed")

    async def stop(self) -> None:
        """Ctrl-C: drop the replies in flight, but let kept ones write their lines."""
        self.summary.interrupted = True
        for task in list(self.drafting):
            task.cancel()
        await asyncio.gather(*self.drafting, return_exceptions=True)
        await asyncio.gather(*self.finishing, return_exceptions=True)


async def run_batch(
    pipeline: ReplyPipeline,
    store: Store,
    source: Path,
    out: Path,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    done: Done | None = None,
    notify: Callable[[Outcome], None] | None = None,
) -> Summary:
    """Answer every line of `source` not yet in `out`; cancelling it stops cleanly and
    returns a summary marked interrupted."""
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    check_paths(source, out)
    done = read_done(out) if done is None else done
    started = time.perf_counter()
    with source.open("rb") as lines, out.open("ab") as sink:
        batch = _Batch(pipeline, store, sink, done, concurrency, notify or (lambda _: None))
        try:
            await batch.feed(lines, pipeline.settings.max_body_bytes)
        except asyncio.CancelledError:
            await batch.stop()
    batch.summary.elapsed_s = time.perf_counter() - started
    return batch.summary


# -- the command -----------------------------------------------------------------------------
def run_loop(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` on uvloop (as `serve` runs), whose event loop costs a fraction of
    the default one per reply: the batch's CPU is what caps its throughput."""
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)


def summary_table(summary: Summary) -> Table:
    table = Table(title="replyguard batch", show_header=False)
    table.add_column("figure")
    table.add_column("value", justify="right")
    rows = [
        ("lines read", summary.total),
        ("drafted now", summary.drafted),
        ("  from the llm", summary.by_source["llm"]),
        ("  from a template", summary.by_source["template"]),
        ("skipped (already done)", summary.skipped),
        ("input errors", summary.input_errors),
        ("failed (rerun retries)", summary.failed),
        ("elapsed s", f"{summary.elapsed_s:.1f}"),
        ("throughput items/s", f"{summary.throughput:.1f}"),
    ]
    for name, value in rows:
        table.add_row(name, str(value))
    return table


@contextmanager
def _progress(console: Console, total: int) -> Iterator[Callable[[Outcome], None]]:
    columns = (
        TextColumn("[bold]batch"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[counts]}"),
        TimeElapsedColumn(),
    )
    counts: Counter[Outcome] = Counter()
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("lines", total=total, counts="")

        def advance(outcome: Outcome) -> None:
            counts[outcome] += 1
            text = " ".join(f"{name.replace('_', ' ')} {n}" for name, n in sorted(counts.items()))
            progress.update(task, advance=1, counts=text)

        yield advance


def batch_command(
    source: Path,
    out: Path,
    concurrency: int = DEFAULT_CONCURRENCY,
    *,
    settings: Settings | None = None,
    console: Console | None = None,
) -> int:
    """The CLI's work: build the API's pipeline once, run, print the summary; returns
    the exit code (2 for unusable files, 130 when interrupted, 1 on failures)."""
    console = console or Console(stderr=True)
    try:
        check_paths(source, out)
        done = read_done(out)
    except (BatchError, OSError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        return 2
    # Warnings (an LLM attempt that failed) print above the progress bar, not through it.
    logging.basicConfig(level=logging.WARNING, handlers=[RichHandler(console=console)])
    settings = settings or Settings()
    if settings.provider == "local" and concurrency > settings.local_queue_size + 1:
        # More would only be refused as Overloaded: the local model drafts one at a time.
        concurrency = settings.local_queue_size + 1
        console.print(f"local model: at most {concurrency} in flight")
    try:
        return run_loop(_run(settings, source, out, concurrency, done, console))
    except KeyboardInterrupt:  # before the run started: nothing was drafted
        console.print("[yellow]interrupted[/yellow]")
        return EXIT_INTERRUPTED


async def run_file(
    settings: Settings,
    source: Path,
    out: Path,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    done: Done | None = None,
    notify: Callable[[Outcome], None] | None = None,
) -> Summary:
    """`run_batch` on the API's runtime for `settings`: the records store, the LLM
    client, the shared checks and the pipeline; closed again at the end."""
    async with Runtime.open(settings, records=True) as runtime:
        return await run_batch(
            runtime.pipeline,
            runtime.records,
            source,
            out,
            concurrency=concurrency,
            done=done,
            notify=notify,
        )


async def _run(
    settings: Settings, source: Path, out: Path, concurrency: int, done: Done, console: Console
) -> int:
    with _progress(console, count_lines(source)) as advance:
        summary = await run_file(
            settings, source, out, concurrency=concurrency, done=done, notify=advance
        )
    console.print(summary_table(summary))
    if summary.interrupted:
        console.print("[yellow]interrupted[/yellow]: rerun the same command to continue")
    elif summary.failed:
        console.print(f"[red]{summary.failed} failed[/red]: rerun the same command to retry them")
    return summary.exit_code
