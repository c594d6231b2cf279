"""Template files: complete in every language, and the scaffold a local model's body
goes into names the contact and gives the channel."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from replyguard.pipeline import ReplyPipeline
from replyguard.schemas import Business, Contact, Language, Options, ReplyRequest, Review
from replyguard.templates import TemplateBook, tidy
from replyguard_checks import HANS, HANT, SUPPORTED_LANGUAGES, script_of
from replyguard_evals.dataset import EvalCase, load_cases
from replyguard_evals.template_bench import MAX_QUOTED_RUN, longest_quoted_run

PROMPTS = Path(__file__).resolve().parents[1] / "prompts"
BOOK = TemplateBook(PROMPTS)
ENGLISH = BOOK.data("en")


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_language_has_every_key_scenario_and_topic(language: str) -> None:
    data = BOOK.data(language)
    assert set(ENGLISH) <= set(data), set(ENGLISH) - set(data)
    assert set(data["scenarios"]) == set(ENGLISH["scenarios"])
    assert set(data["topics"]) == set(ENGLISH["topics"])
    for kind in ("greeting", "channel", "signature", "fact"):
        assert set(data[kind]) == set(ENGLISH[kind])
    for variants in data["scenarios"].values():
        assert variants, "every scenario needs at least one variant"


CASES: dict[str, EvalCase] = {}
for _case in load_cases():
    CASES.setdefault(_case.language, _case)


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_scaffold_signs_and_gives_the_channel(templates_only: ReplyPipeline, language: str) -> None:
    case = CASES[language]
    prepared = templates_only.prepare(case.review, case.business, case.options)
    body = "Dear X, \nBest regards, Someone"
    draft = templates_only.templates.scaffold(prepared.facts, body)
    assert "Best regards" not in draft
    results = {r.name: r for r in templates_only.suite.run(draft, prepared.context)}
    assert results["named_contact"].passed, results["named_contact"].message
    assert results["offline_channel"].passed, results["offline_channel"].message
    assert results["no_meta"].passed, results["no_meta"].message


def test_scaffold_drops_a_greeting_the_model_added(templates_only: ReplyPipeline) -> None:
    case = CASES["en"]
    prepared = templates_only.prepare(case.review, case.business, case.options)
    draft = templates_only.templates.scaffold(
        prepared.facts, "Dear Karen Miller, Hi Karen, I am sorry about the long wait."
    )
    assert draft.count("Karen") == 1
    assert draft.startswith("Dear Karen Miller, I am sorry about the long wait.")


def test_tidy_writes_chinese_without_spaces() -> None:
    assert (
        tidy("李明您好， 很抱歉 等待时间太长 以及 菜品。 王芳")
        == "李明您好，很抱歉等待时间太长以及菜品。王芳"
    )
    assert tidy("Dear  Karen,\n thank you.") == "Dear Karen, thank you."


# -- the reviewer's own words (issue #18) ---------------------------------------------
OWN_WORDS = {
    "en": (
        "We waited 45 minutes for our table, then the steak was overcooked and the waiter "
        "rolled his eyes when I asked for the bill.",
        ["45 minutes", "steak was overcooked", "rolled his eyes"],
    ),
    "de": (
        "Wir haben 45 Minuten auf das Essen gewartet, das Steak war zäh und der Kellner "
        "hat die Augen verdreht.",
        ["45 Minuten", "Steak war zäh", "Augen verdreht"],
    ),
    "fr": (
        "Nous avons attendu une heure pour être servis, le steak était trop cuit et le "
        "serveur a levé les yeux au ciel.",
        ["steak était trop cuit", "levé les yeux"],
    ),
    "pl": (
        "Czekaliśmy 45 minut na stolik, stek był przypalony, a kelner przewracał oczami.",
        ["stek był przypalony", "przewracał oczami"],
    ),
    "zh": (
        "等了四十五分钟才上菜，牛排煎得太老，服务员还翻白眼。",
        ["牛排煎得太老", "服务员还翻白眼"],
    ),
}


def _request(language: str, text: str, business: str, name: str | None = "Sam") -> ReplyRequest:
    return ReplyRequest(
        review=Review(text=text, language=language, reviewer_name=name),
        business=Business(
            name=business,
            contact=Contact(name="Alex Moreau", phone="+44 20 7946 0321"),
        ),
    )


@pytest.mark.parametrize("language", sorted(OWN_WORDS))
def test_template_names_the_reviewers_own_words(
    templates_only: ReplyPipeline, language: str
) -> None:
    text, wanted = OWN_WORDS[language]
    response = asyncio.run(templates_only.reply(_request(language, text, f"Own words {language}")))
    assert response.source == "template"
    failed = [c.name for c in response.checks if not c.passed]
    assert not failed, (failed, response.reply)
    for part in wanted:
        assert part in response.reply, (part, response.reply)
    assert longest_quoted_run(response.reply, text, language) <= MAX_QUOTED_RUN


def test_traditional_review_is_answered_in_traditional_with_its_words(
    templates_only: ReplyPipeline,
) -> None:
    text = "更新之後，網頁打開變龜速，等到地老天荒都打不開"
    response = asyncio.run(templates_only.reply(_request("zh", text, "Own words Hant", None)))
    assert not [c.name for c in response.checks if not c.passed], response.reply
    assert "網頁打開變龜速" in response.reply
    assert "联系" not in response.reply
    assert "聯繫" in response.reply


def test_no_reply_quotes_more_than_twelve_review_words(templates_only: ReplyPipeline) -> None:
    # One long sentence with no punctuation: the old quote took twelve words of it.
    text = (
        "so around a year ago I installed it and every thing was fine and around five "
        "months ago I got a new phone so I started to download all of my old apps and "
        "the app would not send me the confirmation code for my account"
    )
    response = asyncio.run(templates_only.reply(_request("en", text, "Long quote Ltd")))
    assert not [c.name for c in response.checks if not c.passed], response.reply
    assert 0 < longest_quoted_run(response.reply, text, "en") <= MAX_QUOTED_RUN
    assert "confirmation code" in response.reply


def test_replies_vary_for_one_business(templates_only: ReplyPipeline) -> None:
    """Reviews of one business get replies in different words, each passing
    not_repeated against the ones before it and still naming its own details."""
    business = "Variety Bistro"
    reviews = [
        "The soup was cold and the bread was stale.",
        "Our booking was lost and we stood at the door for twenty minutes.",
        "The bill had two desserts we never ordered.",
        "The terrace was filthy and the music far too loud.",
    ]
    responses = [
        asyncio.run(templates_only.reply(_request("en", text, business))) for text in reviews
    ]
    for response in responses:
        # not_repeated compares each with the replies this business got before it.
        assert not [c.name for c in response.checks if not c.passed], response.reply
    replies = [r.reply for r in responses]
    detail_lines = {line.split("{list}")[0].strip() for line in BOOK.data("en")["details"]["lines"]}
    used = {line for line in detail_lines for reply in replies if line in reply}
    assert len(used) >= 2, replies
    assert len(set(replies)) == len(replies)
    for reply, own in zip(
        replies, ("soup was cold", "booking", "desserts", "terrace"), strict=True
    ):
        assert own in reply, reply


def test_tidy_keeps_spaces_around_quotes_in_latin_text() -> None:
    assert tidy("You mention “cold soup” and “stale bread”.") == (
        "You mention “cold soup” and “stale bread”."
    )
    assert tidy("您提到： “汤是凉的” 和 “面包不新鲜” 。") == "您提到：“汤是凉的”和“面包不新鲜”。"


@pytest.mark.parametrize(
    ("country", "phone", "contact", "script"),
    [
        ("TW", "+44 20 7946 0321", "Alex Moreau", HANT),
        ("HK", "+44 20 7946 0321", "Alex Moreau", HANT),
        (None, "+886 2 2771 0879", "Alex Moreau", HANT),
        (None, "+86 10 5555 0101", "Alex Moreau", HANS),
        (None, "+44 20 7946 0321", "陳冠宇", HANT),
        ("CN", "+886 2 2771 0879", "陳冠宇", HANS),
    ],
)
def test_a_review_written_alike_in_both_scripts_is_answered_in_the_business_script(
    templates_only: ReplyPipeline, country: str | None, phone: str, contact: str, script: str
) -> None:
    """ "跑太慢" reads the same in both scripts: the business's country, its phone's
    calling code or its names tell which one the reply is written in."""
    assert script_of("跑太慢") is None
    request = ReplyRequest(
        review=Review(text="跑太慢", language="zh"),
        business=Business(
            name="Firefox", country=country, contact=Contact(name=contact, phone=phone)
        ),
    )
    response = asyncio.run(templates_only.reply(request))
    assert not [c.name for c in response.checks if not c.passed], response.reply
    body = response.reply.replace(contact, "")
    assert script_of(body) == script, response.reply


def test_the_review_script_wins_over_the_business_country(templates_only: ReplyPipeline) -> None:
    request = ReplyRequest(
        review=Review(text="等了一個多小時，服務態度很差", language="zh"),
        business=Business(
            name="Noodles", country="CN", contact=Contact(name="Li", phone="+86 10 5555 0101")
        ),
    )
    response = asyncio.run(templates_only.reply(request))
    assert script_of(response.reply) == HANT, response.reply


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "The app is so slow it is useless"),
        ("de", "Die App ist viel zu langsam"),
        ("nl", "De app is ontzettend traag"),
        ("pl", "Aplikacja działa bardzo powolnie"),
        ("sl", "Aplikacija je zelo počasna"),
        ("bg", "Приложението е много бавно"),
        ("zh", "这个App跑太慢了"),
        ("es", "La aplicación es muy lenta"),
        ("fr", "L'application est très lente"),
    ],
)
def test_a_slow_app_is_slowness_not_a_long_wait(
    templates_only: ReplyPipeline, language: Language, text: str
) -> None:
    case = templates_only.prepare(
        Review(text=text, language=language),
        Business(name="Example", contact=Contact(name="Alex Moreau", phone="+44 20 7946 0321")),
        Options(),
    )
    assert "slowness" in case.decision.topics
    assert "wait_time" not in case.decision.topics
