"""`replyguard batch`: against the real pipeline, a real records store and the scripted
OpenAI-compatible server on localhost."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from tests.support import BUSINESS, GOOD_DRAFT, scripted_settings
from tests.support import REVIEW as SAMPLE_REVIEW
from typer.testing import CliRunner

from replyguard.batch import Summary, run_batch
from replyguard.checks import shared_suite
from replyguard.cli import app
from replyguard.llm import build_model
from replyguard.pipeline import ReplyPipeline
from replyguard.settings import Settings
from replyguard.storage import Store
from replyguard.storage.history import StoredReplies
from replyguard_evals.scripted_llm import ScriptedLLM, running

# The sample review without its platform (a batch line names the fields it has).
REVIEW = {k: v for k, v in SAMPLE_REVIEW.items() if k != "platform"}
# A reported injury and a lawyer: held for a person, answered by a template, no LLM call.
HELD = {
    "text": "I slipped on your wet floor and broke my wrist. My lawyer will contact you.",
    "rating": 1,
    "reviewer_name": "Karen Miller",
    "id": "rev-2001",
}


def body(review: dict[str, Any] = REVIEW, **extra: Any) -> dict[str, Any]:
    return {"review": review, "business": BUSINESS} | extra


def write_lines(path: Path, *lines: dict[str, Any] | str) -> Path:
    path.write_text(
        "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines),
        encoding="utf-8",
    )
    return path


def results(path: Path) -> list[dict[str, Any]]:
    """Every line of OUT, each of which must be whole JSON."""
    raw = path.read_text(encoding="utf-8")
    assert raw.endswith("\n")
    return [json.loads(line) for line in raw.splitlines()]


def by_id(path: Path) -> dict[Any, dict[str, Any]]:
    entries = results(path)
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids)), f"an id answered twice: {ids}"
    return {e["id"]: e for e in entries}


@pytest.fixture(scope="module")
def llm() -> Iterator[ScriptedLLM]:
    with running() as server:
        yield server


@pytest.fixture
def settings(llm: ScriptedLLM, tmp_path: Path) -> Settings:
    llm.latency = 0.0
    llm.script({"text": GOOD_DRAFT})
    return scripted_settings(
        llm, llm_timeout_s=2.0, database_url=f"sqlite:///{tmp_path}/records.db"
    )


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    opened = Store.open(settings.database_url)
    try:
        yield opened
    finally:
        opened.close()


def batch(
    settings: Settings,
    store: Store,
    source: Path,
    out: Path,
    concurrency: int = 4,
    stop_after: int | None = None,
) -> Summary:
    """One run in-process, as the command does it; `stop_after` cancels the run (what
    Ctrl-C does) once that many replies are drafted."""

    async def go() -> Summary:
        model = build_model(settings)
        assert model is not None
        history = StoredReplies(store, per_business=settings.repeat_window)
        pipeline = ReplyPipeline(settings, model, shared_suite(), history=history)
        drafted = 0

        def notify(outcome: str) -> None:
            nonlocal drafted
            drafted += outcome == "drafted"
            if stop_after is not None and drafted == stop_after:
                task.cancel()

        task = asyncio.create_task(
            run_batch(pipeline, store, source, out, concurrency=concurrency, notify=notify)
        )
        try:
            return await task
        finally:
            await model.aclose()

    return asyncio.run(go())


def test_every_line_answered_with_the_api_reply_and_kept(
    settings: Settings, store: Store, llm: ScriptedLLM, tmp_path: Path
) -> None:
    source = write_lines(
        tmp_path / "in.jsonl",
        {"id": "a", **body()},
        "",
        body(HELD),  # no id: the line number, 3
        {"id": "c", **body(options={"max_words": 80})},
    )
    out = tmp_path / "out.jsonl"

    summary = batch(settings, store, source, out)

    entries = by_id(out)
    assert set(entries) == {"a", 3, "c"}
    assert [entries[i]["line"] for i in ("a", 3, "c")] == [1, 3, 4]
    assert all(e["ok"] for e in entries.values())
    assert entries["a"]["reply"]["source"] == "llm"
    assert entries["a"]["reply"]["reply"] == GOOD_DRAFT
    assert entries["a"]["reply"]["passed"] is True
    assert entries[3]["reply"]["source"] == "template"
    assert entries[3]["reply"]["needs_human"] is True
    assert len(llm.requests) == 2  # the held review never reached the LLM
    for entry in entries.values():
        reply = entry["reply"]
        assert {"id", "reply", "checks", "attempts", "usage", "suggestions"} <= set(reply)
        record = store.get_reply(reply["id"])
        assert record is not None, "a reply in OUT is in the records"
        assert record.reply == reply["reply"]
    assert (summary.total, summary.drafted, summary.skipped, summary.input_errors) == (3, 3, 0, 0)
    assert summary.by_source == {"llm": 2, "template": 1}
    assert summary.exit_code == 0


def test_bad_lines_get_error_lines_and_the_rest_go_on(
    settings: Settings, store: Store, tmp_path: Path
) -> None:
    huge = {"id": "huge", **body({**REVIEW, "text": "x" * (settings.max_body_bytes + 10)})}
    source = write_lines(
        tmp_path / "in.jsonl",
        '{"id": "broken", "review": {',
        {"id": "no-rating", **body({**REVIEW, "rating": 9})},
        {"id": "ok-1", **body()},
        {"id": "no-contact", "review": REVIEW, "business": {"name": "Bistro Verde"}},
        "[1, 2]",
        {"id": 7, **body()},
        {"id": "ok-1", **body()},
        huge,
        {"id": "ok-2", **body()},
    )
    out = tmp_path / "out.jsonl"

    summary = batch(settings, store, source, out)

    entries = results(out)
    assert len(entries) == 9
    ok = {e["id"] for e in entries if e["ok"]}
    assert ok == {"ok-1", "ok-2"}
    errors = {(e["line"], e["id"]): e["error"] for e in entries if not e["ok"]}
    assert errors[(1, 1)]["code"] == "malformed_json"
    assert "not valid JSON" in errors[(1, 1)]["message"]
    assert errors[(2, "no-rating")]["code"] == "invalid_request"
    assert errors[(2, "no-rating")]["field"] == "review.rating"
    assert "review.rating" in errors[(2, "no-rating")]["message"]
    assert errors[(4, "no-contact")]["field"] == "business.contact"
    assert errors[(4, "no-contact")]["message"].endswith("business.contact is required")
    assert errors[(5, 5)]["code"] == "invalid_request"
    assert errors[(6, 6)]["field"] == "id"
    assert errors[(7, "ok-1")]["code"] == "duplicate_id"
    assert errors[(8, 8)]["code"] == "payload_too_large"  # never parsed: its line number
    assert (summary.drafted, summary.input_errors, summary.exit_code) == (2, 7, 0)


def test_resume_skips_done_ids_and_repairs_a_cut_line(
    settings: Settings, store: Store, llm: ScriptedLLM, tmp_path: Path
) -> None:
    source = write_lines(
        tmp_path / "in.jsonl",
        *[{"id": f"r{i}", **body()} for i in range(5)],
        "not json",
        {"id": "r1", **body()},  # a duplicate
    )
    out = tmp_path / "out.jsonl"
    batch(settings, store, source, out)
    first = results(out)
    assert len(llm.requests) == 5

    # A kill mid-write: the last line lost its tail (and its newline).
    whole = out.read_bytes()
    lines = whole.splitlines(keepends=True)
    cut = next(i for i, line in enumerate(lines) if b'"ok": true' in line)
    lost_id = json.loads(lines[cut])["id"]
    out.write_bytes(b"".join(lines[:cut] + lines[cut + 1 :]) + lines[cut][:40])
    llm.script({"text": GOOD_DRAFT})

    summary = batch(settings, store, source, out)

    assert len(llm.requests) == 1, "only the cut-off reply is drafted again"
    assert (summary.drafted, summary.skipped, summary.input_errors) == (1, 6, 0)
    second = results(out)
    assert len(second) == len(first)
    assert {(e["line"], e["id"]) for e in second} == {(e["line"], e["id"]) for e in first}
    assert second[-1]["id"] == lost_id
    assert second[-1]["ok"]

    summary = batch(settings, store, source, out)
    assert len(llm.requests) == 1
    assert (summary.drafted, summary.skipped) == (0, 7)
    assert results(out) == second


def test_in_flight_replies_never_exceed_the_concurrency(
    settings: Settings, store: Store, llm: ScriptedLLM, tmp_path: Path
) -> None:
    llm.latency = 0.05
    source = write_lines(tmp_path / "in.jsonl", *[{"id": f"r{i}", **body()} for i in range(16)])
    out = tmp_path / "out.jsonl"

    summary = batch(settings, store, source, out, concurrency=3)

    assert summary.drafted == 16
    assert len(llm.requests) == 16
    assert 2 <= llm.max_in_flight <= 3


def test_interrupted_run_leaves_whole_lines_and_a_rerun_finishes(
    settings: Settings, store: Store, llm: ScriptedLLM, tmp_path: Path
) -> None:
    llm.latency = 0.05
    source = write_lines(tmp_path / "in.jsonl", *[{"id": f"r{i}", **body()} for i in range(12)])
    out = tmp_path / "out.jsonl"

    stopped = batch(settings, store, source, out, concurrency=2, stop_after=3)

    assert stopped.interrupted
    assert stopped.exit_code != 0
    written = by_id(out)
    assert 3 <= len(written) < 12
    assert all(e["ok"] for e in written.values())

    llm.script({"text": GOOD_DRAFT})
    summary = batch(settings, store, source, out, concurrency=4)

    assert summary.exit_code == 0
    assert (summary.skipped, summary.drafted) == (len(written), 12 - len(written))
    assert len(llm.requests) == 12 - len(written)
    assert set(by_id(out)) == {f"r{i}" for i in range(12)}


def test_cli_end_to_end(settings: Settings, tmp_path: Path) -> None:
    source = write_lines(tmp_path / "in.jsonl", {"id": "a", **body()}, body(HELD), '{"review": 1}')
    out = tmp_path / "out.jsonl"
    env = {
        "REPLYGUARD_LLM_PROVIDER": "openai",
        "REPLYGUARD_LLM_BASE_URL": settings.llm_base_url,
        "REPLYGUARD_LLM_API_KEY": "test-key",
        "REPLYGUARD_LLM_MAX_RETRIES": "0",
        "REPLYGUARD_DATABASE_URL": settings.database_url,
    }
    runner = CliRunner()
    args = ["batch", str(source), str(out), "--concurrency", "2"]

    first = runner.invoke(app, args, env=env)

    assert first.exit_code == 0, first.output
    entries = by_id(out)
    assert entries["a"]["reply"]["source"] == "llm"
    assert entries[2]["reply"]["source"] == "template"
    assert entries[3]["error"]["code"] == "invalid_request"
    assert "drafted now" in first.output
    assert "throughput" in first.output

    again = runner.invoke(app, args, env=env)
    assert again.exit_code == 0, again.output
    assert results(out) == list(entries.values())
    assert "skipped (already done)" in again.output


@pytest.mark.parametrize(
    ("extra", "message"),
    [(["--concurrency", "0"], "concurrency"), ([], "different files")],
)
def test_cli_refuses_bad_options(tmp_path: Path, extra: list[str], message: str) -> None:
    source = write_lines(tmp_path / "in.jsonl", body())
    target = tmp_path / "out.jsonl" if extra else source
    result = CliRunner().invoke(app, ["batch", str(source), str(target), *extra])
    assert result.exit_code == 2
    assert message in result.output
    assert source.read_text(encoding="utf-8") == json.dumps(body()) + "\n"


def test_a_foreign_out_file_is_not_appended_to(settings: Settings, tmp_path: Path) -> None:
    source = write_lines(tmp_path / "in.jsonl", body())
    out = write_lines(tmp_path / "notes.txt", "my notes")
    result = CliRunner().invoke(app, ["batch", str(source), str(out)])
    assert result.exit_code == 2
    assert "not a batch result line" in result.output
    assert out.read_text(encoding="utf-8") == "my notes\n"


def test_progress_and_summary_go_to_the_console(settings: Settings, tmp_path: Path) -> None:
    from replyguard.batch import batch_command

    source = write_lines(tmp_path / "in.jsonl", {"id": "a", **body()}, "{")
    log = tmp_path / "console.log"
    with log.open("w", encoding="utf-8") as file:
        code = batch_command(
            source, tmp_path / "out.jsonl", 2, settings=settings, console=Console(file=file)
        )
    assert code == 0
    text = log.read_text(encoding="utf-8")
    for row in ("lines read", "drafted now", "from the llm", "input errors", "throughput items/s"):
        assert row in text
