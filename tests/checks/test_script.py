"""Traditional Chinese: told apart from Simplified, read through Simplified lexicons,
answered in its own script."""

from __future__ import annotations

import pytest

from replyguard_checks import (
    HANS,
    HANT,
    CheckContext,
    CheckSuite,
    Contact,
    normalize,
    script_of,
    to_simplified,
    to_traditional,
)
from replyguard_checks.no_attack import find_attacks


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("您在說謊。這家餐廳的服務態度很差，等了一個小時。", HANT),
        ("您在说谎。这家餐厅的服务态度很差，等了一个小时。", HANS),
        ("軟體一直閃退，更新後還是無法登入", HANT),
        ("中文", None),  # the same in both scripts: no telling
        ("The soup was cold.", None),
    ],
)
def test_script_of(text: str, script: str | None) -> None:
    assert script_of(text) == script


def test_traditional_is_read_as_simplified() -> None:
    assert to_simplified("您說的根本不是事實") == "您说的根本不是事实"
    # Taiwan phrases become mainland ones, so Simplified word lists match them.
    assert to_simplified("軟體") == "软件"
    assert normalize("您在說謊") == "您在说谎"
    assert to_simplified("no Han characters") == "no Han characters"


def test_traditional_output_keeps_names_as_written() -> None:
    out = to_traditional(
        "刘伟您好，关于这件事我很抱歉。—— 好吃餐厅 刘伟", keep=("好吃餐厅", "刘伟")
    )
    assert out == "刘伟您好，關於這件事我很抱歉。—— 好吃餐厅 刘伟"


ZH_CONTEXT = CheckContext(
    review_text="服務態度很差，等了一個小時才上菜，湯也是冷的。",
    language="zh",
    contact=Contact("王小明", phone="02 2345 6789"),
    business_name="好吃餐廳",
)


@pytest.mark.parametrize(
    "sentence",
    ["您在說謊。", "您說的根本不是事實。", "這位客人根本沒來過。", "經查並無如此狀況。"],
)
def test_traditional_attacks_are_caught(sentence: str) -> None:
    assert find_attacks(sentence, ZH_CONTEXT)


def test_traditional_apology_is_not_an_attack() -> None:
    assert not find_attacks("非常抱歉讓您久等了，湯冷了是我們的疏失。", ZH_CONTEXT)


def test_a_reply_in_the_other_script_fails_language(suite: CheckSuite) -> None:
    hans = (
        "王先生您好，让您等了一个小时，汤也是冷的，真的很抱歉。请打电话 02 2345 6789 找我。王小明"
    )
    hant = to_traditional(hans)
    by_name = {r.name: r for r in suite.run(hans, ZH_CONTEXT)}
    assert not by_name["language"].passed
    assert "Traditional Chinese" in by_name["language"].message
    assert {r.name: r.passed for r in suite.run(hant, ZH_CONTEXT)}["language"]


def test_traditional_details_are_named(suite: CheckSuite) -> None:
    draft = "您好，讓您等了一個小時，湯也是冷的，真的很抱歉。請打電話 02 2345 6789 找我。王小明"
    by_name = {r.name: r for r in suite.run(draft, ZH_CONTEXT)}
    assert by_name["no_generic"].passed, by_name["no_generic"].message
    assert by_name["named_contact"].passed
    assert by_name["offline_channel"].passed


@pytest.mark.parametrize(
    ("tag", "script"), [("zh-Hant", HANT), ("zh_TW", HANT), ("zh-HK", HANT), ("zh-CN", HANS)]
)
def test_a_chinese_region_or_script_tag_reads_as_chinese_in_that_script(
    suite: CheckSuite, tag: str, script: str
) -> None:
    # A caller's own data says "zh-Hant" where the checks know "zh": no check may crash.
    context = CheckContext(
        review_text="湯是冷的",
        language=tag,
        contact=Contact(name="王小明", phone="02 2345 6789"),
    )
    assert (context.language, context.review_script) == ("zh", script)
    hant = "您好，讓您等了一個小時，湯也是冷的，真的很抱歉。請打電話 02 2345 6789 找我。王小明"
    results = {r.name: r for r in suite.run(hant, context)}
    assert not any("could not run" in r.message for r in results.values())
    assert results["language"].passed == (script == HANT), results["language"].message


def test_taiwan_standard_in_two_steps_is_opencc_s2tw() -> None:
    """`to_traditional` converts with `s2t` then `t2tw` so that `s2t`'s phrase tables,
    which `script_of` loads anyway, are held once: equal to OpenCC's one-step `s2tw`
    on every Chinese text of the repo (corpora, cases, templates, cues, lexicons)."""
    import re
    from pathlib import Path

    import opencc
    import yaml

    from replyguard_evals.corpus import yaml_strings

    han = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
    root = Path(__file__).resolve().parents[2]
    texts: set[str] = set()
    for folder in ("evals", "prompts", "guardrails", "service"):
        for path in (root / folder).rglob("*.y*ml"):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            texts.update(t for t in yaml_strings(data) if han.search(t))
    assert len(texts) > 3000
    one_step = opencc.OpenCC("s2tw")
    for text in texts:
        assert to_traditional(text) == one_step.convert(text), text
