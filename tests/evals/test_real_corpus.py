"""The real-text corpus: whole, traceable, labelled for every check; and the tools that
score it and train on it."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from replyguard_checks import CORE_CHECKS
from replyguard_checks.attack_model import read
from replyguard_evals.corpus import REAL_DIR, REAL_SPLITS, Score, load_corpus, load_pool

CHECKS = {c.name for c in CORE_CHECKS}


def _items(split: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for path in sorted((REAL_DIR / split).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["split"] == split
        items += [i | {"_language": data["language"]} for i in data["items"]]
    return items


DEV, BLIND, NEXT = _items("dev"), _items("blind"), _items("next-blind")
#: The next round's blind split: checked for form here, never scored before then.
FRESH = _items("fresh")
#: Scored once at the end of the round of 2026-12-07 (no longer blind).
FRESH2 = _items("fresh-2")
#: The blind split for the next round: checked for form only, never scored before then.
FRESH3 = _items("fresh-3")
#: Unlabelled real replies (`evals/real/pool/`), never scored: a false-alarm bound.
POOL = load_pool()


def test_the_corpus_is_large_and_split_without_overlap() -> None:
    assert len(DEV) + len(BLIND) >= 600
    assert len(BLIND) >= 0.3 * (len(DEV) + len(BLIND))
    splits = [{i["id"] for i in split} for split in (DEV, BLIND, NEXT)]
    assert not splits[0] & splits[1]
    assert not splits[0] & splits[2]
    assert not splits[1] & splits[2]
    replies = [{(i["review"], i["reply"]) for i in split} for split in (DEV, BLIND, NEXT)]
    assert not replies[2] & (replies[0] | replies[1])
    languages = {i["_language"] for i in DEV + BLIND}
    assert {"en", "fr", "nl", "zh"} <= languages
    assert len(NEXT) >= 150
    earlier = {(i["review"], i["reply"]) for i in DEV + BLIND + NEXT}
    assert not {i["id"] for i in FRESH} & (splits[0] | splits[1] | splits[2])
    assert not {(i["review"], i["reply"]) for i in FRESH} & earlier
    assert len(FRESH) >= 200


def _rows(items: list[dict[str, Any]]) -> set[tuple[str, str, int]]:
    return {(i["source"]["repo"], i["source"]["file"], i["source"]["row"]) for i in items}


def _texts(items: list[dict[str, Any]], field: str) -> set[str]:
    return {" ".join(i[field].split()).lower() for i in items}


def test_the_split_for_the_round_after_next_shares_nothing_with_the_others() -> None:
    earlier = DEV + BLIND + NEXT + FRESH
    assert len(FRESH2) >= 150
    assert not {i["id"] for i in FRESH2} & {i["id"] for i in earlier}
    assert not _rows(FRESH2) & _rows(earlier)
    assert not _texts(FRESH2, "reply") & _texts(earlier, "reply")
    assert not _texts(FRESH2, "review") & _texts(earlier, "review")
    # Kept out of `make eval` and training like `fresh/`: only REAL_SPLITS are scored.
    assert "fresh-2" not in REAL_SPLITS


def test_the_next_blind_split_shares_nothing_with_the_others_or_the_pool() -> None:
    earlier = DEV + BLIND + NEXT + FRESH + FRESH2
    assert len(FRESH3) >= 110
    assert not {i["id"] for i in FRESH3} & {i["id"] for i in earlier}
    assert not _rows(FRESH3) & _rows(earlier)
    assert not _texts(FRESH3, "reply") & _texts(earlier, "reply")
    assert not _texts(FRESH3, "review") & _texts(earlier, "review")
    assert not _rows(FRESH3) & _rows(POOL)
    assert "fresh-3" not in REAL_SPLITS


def test_the_pool_is_traceable_and_shares_no_row_with_the_splits() -> None:
    assert len(POOL) >= 5000
    assert len({i["id"] for i in POOL}) == len(POOL)
    assert len({i["business"] for i in POOL}) >= 30
    for path in (REAL_DIR / "pool").glob("*.jsonl"):
        lines = path.read_text(encoding="utf-8").splitlines()
        assert {json.loads(line)["language"] for line in lines} == {path.stem}
    for item in POOL:
        assert item["id"].startswith(f"pool-{item['language']}-")
        source = item["source"]
        assert {"repo", "commit", "file", "row", "licence"} <= set(source)
        assert len(source["commit"]) == 40
        assert 20 <= len(item["reply"]) <= 3000
    for split in (DEV, BLIND, NEXT, FRESH, FRESH2, FRESH3):
        assert not _rows(POOL) & _rows(split)


@pytest.mark.parametrize(
    "item", DEV + BLIND + NEXT + FRESH + FRESH2 + FRESH3, ids=lambda i: i["id"]
)
def test_every_reply_is_traceable_and_labelled_for_every_check(item: dict[str, Any]) -> None:
    source = item["source"]
    assert re.fullmatch(r"[\w.-]+/[\w.-]+", source["repo"])
    assert re.fullmatch(r"[0-9a-f]{40}", source["commit"])
    assert source["file"]
    assert source["licence"]
    assert isinstance(source["row"], int)
    assert set(item["labels"]) == CHECKS
    for expect, why in item["labels"].values():
        assert expect in ("pass", "fail")
        assert why.strip()
    assert item["contact"]["name"]
    assert item["contact"]["phone"] or item["contact"]["email"]
    if item["labels"]["no_attack"][0] == "fail":
        assert all(s in item["reply"] for s in item["attack_sentences"])
    assert not (item["calm_disagreement"] and item["labels"]["no_attack"][0] == "fail")


def test_the_corpus_has_attacks_and_calm_disagreement_to_measure() -> None:
    everything = DEV + BLIND
    attacks = sum(i["labels"]["no_attack"][0] == "fail" for i in everything)
    calm = sum(i["calm_disagreement"] for i in everything)
    assert attacks >= 30
    assert calm >= 70


def test_real_items_become_one_label_per_check() -> None:
    drafts = load_corpus(REAL_DIR / "dev")
    per_item = Counter(d.item for d in drafts)
    assert set(per_item.values()) == {len(CHECKS)}
    assert len(per_item) == len(DEV)
    # The business's other replies are its recent ones, a copy posted elsewhere included.
    first = next(d for d in drafts if d.context.recent_replies)
    assert first.draft not in first.context.recent_replies or any(
        other["reply"] == first.draft and other["id"] != first.item for other in DEV
    )
    zh_hant = [d for d in drafts if d.language == "zh-Hant"]
    assert zh_hant
    assert all(d.context.language == "zh" for d in zh_hant)


def test_f1_is_the_harmonic_mean() -> None:
    score = Score(tp=8, fp=2, fn=8, tn=50)
    assert score.precision == 0.8
    assert score.recall == 0.5
    assert score.f1 == pytest.approx(2 * 0.8 * 0.5 / 1.3)
    assert Score().f1 == 1.0  # nothing to find and nothing flagged: perfect, not a crash


def _replyguard(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "replyguard.cli", *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd,
        check=False,
        env={**os.environ, "COLUMNS": "300"},
    )


@pytest.mark.slow
def test_accuracy_prints_f1_per_check_and_language_on_the_dev_split(tmp_path: Path) -> None:
    report = tmp_path / "dev.json"
    run = _replyguard("accuracy", "--corpus", str(REAL_DIR / "dev"), "--report", str(report))
    assert run.returncode == 0, run.stderr[-2000:]
    assert "precision / recall / F1" in run.stdout
    assert "zh-Hant" in run.stdout
    scores = json.loads(report.read_text(encoding="utf-8"))
    assert set(scores["by_check"]) == CHECKS
    assert {"f1", "precision", "recall"} <= set(scores["by_check"]["no_attack"]["all"])
    calm = scores["calm_disagreement"]
    assert calm["replies"] == sum(i["calm_disagreement"] for i in DEV)
    assert f"{calm['passed']} of {calm['replies']} replies that correct" in run.stdout


def test_accuracy_refuses_a_missing_corpus_folder(tmp_path: Path) -> None:
    run = _replyguard("accuracy", "--corpus", str(tmp_path / "nowhere"))
    assert run.returncode == 2
    assert "does not exist" in run.stderr


@pytest.mark.slow
def test_train_writes_a_small_model_that_loads(tmp_path: Path) -> None:
    run = _replyguard("train", "--out", str(tmp_path))
    assert run.returncode == 0, run.stderr[-2000:]
    path = tmp_path / "attack_model.json.gz"
    assert path.stat().st_size < 10 * 1024 * 1024
    model = read(path)
    summary = json.loads(run.stdout[: run.stdout.rindex("}") + 1])
    assert summary["by_origin"]["real"] > 1000
    assert summary["by_origin"]["paraphrases"] > 2000
    assert model.threshold == summary["threshold"]
    header = gzip.decompress(path.read_bytes()).split(b"\n", 1)[0]
    assert json.loads(header)["format"] == 2
    # The same data gives the same model: the shipped file is what `train` makes. The
    # solver's last bits depend on the machine's BLAS and scikit-learn (a fresh install
    # differed by 5e-10 at most), so the weights are held to 1e-6, far below what moves
    # a score across the threshold; a change of data or features moves them by far more.
    ours = read(
        Path(__file__).resolve().parents[2] / "guardrails/replyguard_checks/data" / path.name
    )
    assert ours.threshold == model.threshold
    assert ours.bias == pytest.approx(model.bias, abs=1e-6)
    assert len(ours.weights) == len(model.weights)
    assert max(abs(a - b) for a, b in zip(ours.weights, model.weights, strict=True)) < 1e-6
