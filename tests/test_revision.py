"""The revision rules on the sample case and on a sample per language: each repair
does what it says, a passing reply comes back as it was, and nothing that passed
breaks."""

from __future__ import annotations

import asyncio
import copy
from functools import cache
from typing import Any

import pytest
from tests.fakes import FakeChatModel
from tests.support import ATTACK_DRAFT, BUSINESS, GENERIC_DRAFT, GOOD_DRAFT, REVIEW, llm_settings

from replyguard.drafting import Case
from replyguard.llm.errors import LLMError
from replyguard.pipeline import ReplyPipeline
from replyguard.revisions import Reviser, Revision, revise_request
from replyguard.revisions.engine import kept_share
from replyguard.revisions.phrases import load_phrases
from replyguard.revisions.pieces import join, split, without_clauses
from replyguard.runtime import Runtime
from replyguard.schemas import Business, Options, Review, RevisionRequest
from replyguard_checks import stock_formulas


@cache
def _runtime() -> Runtime:
    return Runtime.templates_only()


def _case(
    review: dict[str, Any] | None = None, business: dict[str, Any] | None = None, **options: Any
) -> Case:
    pipeline = _runtime().pipeline
    return pipeline.prepare(
        Review.model_validate(review or REVIEW),
        Business.model_validate(business or copy.deepcopy(BUSINESS)),
        Options.model_validate(options),
    )


def _revise(draft: str, case: Case | None = None) -> Revision:
    pipeline = _runtime().pipeline
    reviser = Reviser(pipeline.suite, pipeline.templates, pipeline.prompts_dir)
    return reviser.revise(case or _case(), draft)


def _failed(results: list[Any]) -> set[str]:
    return {r.name for r in results if not r.passed}


def _no_regression(revision: Revision) -> None:
    before = {r.name: r.passed for r in revision.checks_before}
    broken = {r.name for r in revision.checks if before[r.name] and not r.passed}
    assert not broken, (broken, revision.revised)


def test_a_passing_reply_comes_back_unchanged() -> None:
    revision = _revise(GOOD_DRAFT)
    assert revision.revised == GOOD_DRAFT
    assert revision.passed
    assert revision.changes == []
    assert revision.kept == 1.0
    assert revision.checks == revision.checks_before


def test_the_attack_goes_and_the_rest_stays() -> None:
    revision = _revise(ATTACK_DRAFT)
    assert "no_attack" in _failed(revision.checks_before)
    assert revision.passed, revision.revised
    assert "hard to believe" not in revision.revised
    assert "Call me on 020 7946 0958." in revision.revised
    assert revision.revised.startswith("Dear Karen,")
    assert any(c.check == "no_attack" and c.kind == "removed" for c in revision.changes)
    _no_regression(revision)


def test_a_stock_formula_gives_way_to_the_reviewers_problem() -> None:
    revision = _revise(GENERIC_DRAFT)
    assert revision.passed, revision.revised
    assert "inconvenience" not in revision.revised
    kinds = {(c.check, c.kind) for c in revision.changes}
    assert ("no_generic", "replaced") in kinds
    assert ("named_contact", "added") in kinds
    assert ("offline_channel", "added") in kinds
    assert "Anna Kowalska" in revision.revised
    assert "+44 20 7946 0958" in revision.revised
    # "The Management" stays, now under the person's name.
    assert revision.revised.endswith("Anna Kowalska, Restaurant Manager, The Management")


def test_the_sign_off_goes_under_the_closing_words() -> None:
    draft = (
        "Dear Karen,\nI am so sorry you waited two hours for a table and got cold soup. "
        "Please call me on 020 7946 0958.\nKind regards,"
    )
    revision = _revise(draft)
    assert revision.passed, revision.revised
    assert revision.revised == draft + "\nAnna Kowalska, Restaurant Manager"
    assert revision.kept == 1.0


@pytest.mark.parametrize(
    ("closing", "signed"),
    [
        ("Regards, the team", "Regards, Anna Kowalska, Restaurant Manager, the team"),
        (
            "Best regards, Bistro Verde",
            "Best regards, Anna Kowalska, Restaurant Manager, Bistro Verde",
        ),
        ("- TL.", "- Anna Kowalska, Restaurant Manager, TL."),
    ],
)
def test_a_closing_and_team_on_one_line_get_the_name_after_the_closing(
    closing: str, signed: str
) -> None:
    body = (
        "I am so sorry you waited two hours for a table and got cold soup. "
        "Please call me on 020 7946 0958. "
    )
    revision = _revise(body + closing)
    assert revision.passed, revision.revised
    assert revision.revised == body + signed


def test_private_data_unallowed_offers_and_ai_talk_are_removed() -> None:
    review = REVIEW | {"text": REVIEW["text"] + " Order 88231907, call me on 0161 496 0732."}
    draft = (
        "Dear Karen, I am sorry you waited two hours and the soup was cold. "
        "As an AI language model, I cannot taste soup. "
        "I have found your order 88231907 in our system. "
        "We will refund your whole bill and give you a 50% discount on your next visit. "
        "Please call me on 020 7946 0958. Anna Kowalska"
    )
    revision = _revise(draft, _case(review))
    before = _failed(revision.checks_before)
    assert {"no_meta", "no_private_data", "no_unauthorized_offer"} <= before
    assert revision.passed, revision.revised
    for gone in ("As an AI", "88231907", "refund"):
        assert gone not in revision.revised
    assert "Dear Karen, I am sorry you waited two hours" in revision.revised
    _no_regression(revision)


def test_an_over_long_reply_keeps_its_apology_point_and_contact() -> None:
    filler = (
        "Our restaurant opened in 1998 and has served the neighbourhood ever since. "
        "We source our vegetables from local farms every morning. "
        "Our chef trained in Lyon and Turin before joining us. "
        "We also host private parties and weddings in the garden room. "
        "The menu changes with the seasons, so there is always something new. "
    )
    draft = (
        "Dear Karen, I am sorry you waited two hours for a table and the soup was cold. "
        + filler
        + "Please call me on 020 7946 0958. Anna Kowalska"
    )
    revision = _revise(draft, _case(max_words=45))
    assert _failed(revision.checks_before) == {"length"}
    assert revision.passed, revision.revised
    assert "I am sorry you waited two hours" in revision.revised
    assert "020 7946 0958" in revision.revised
    assert "Anna Kowalska" in revision.revised
    assert {c.kind for c in revision.changes} == {"shortened"}
    assert 0.3 < revision.kept < 1.0


_SAMPLES = [
    (
        "de",
        "Wir haben zwei Stunden auf einen Tisch gewartet und die Suppe war kalt.",
        "Guten Tag Karen, es tut mir leid, dass Sie zwei Stunden warten mussten und die "
        "Suppe kalt war.",
        "Bitte melden Sie sich direkt bei mir unter",
    ),
    (
        "fr",
        "Nous avons attendu deux heures pour une table et la soupe était froide.",
        "Bonjour Karen, je suis désolée pour les deux heures d'attente et la soupe froide.",
        "Contactez-moi directement",
    ),
    (
        "es",
        "Esperamos dos horas para una mesa y la sopa estaba fría.",
        "Hola Karen, siento mucho que esperaran dos horas y que la sopa llegara fría.",
        "Hable conmigo directamente",
    ),
    (
        "pl",
        "Czekaliśmy dwie godziny na stolik, a zupa była zimna.",
        "Dzień dobry, przepraszamy za dwie godziny czekania na stolik i zimną zupę.",
        "Proszę o bezpośredni kontakt",
    ),
    (
        "nl",
        "We hebben twee uur op een tafel gewacht en de soep was koud.",
        "Beste Karen, het spijt me dat u twee uur moest wachten en dat de soep koud was.",
        "Neem direct contact met mij op via",
    ),
    (
        "sl",
        "Na mizo smo čakali dve uri, juha pa je bila hladna.",
        "Pozdravljeni, žal nam je, da ste na mizo čakali dve uri in da je bila juha hladna.",
        "Prosim, oglasite se mi neposredno",
    ),
    (
        "bg",
        "Чакахме два часа за маса, а супата беше студена.",
        "Здравейте, съжаляваме, че чакахте два часа за маса и че супата беше студена.",
        "Моля, свържете се директно с мен",
    ),
    (
        "zh",
        "我们等了两个小时才有桌子，汤上来的时候是凉的。",
        "您好，让您等了两个小时，汤也是凉的，我们非常抱歉。",
        "请通过电话",
    ),
    (
        "zh",
        "我們等了兩個小時才有桌子，湯上來的時候是涼的。",
        "您好，讓您等了兩個小時，湯也是涼的，我們非常抱歉。",
        "請通過電話",
    ),
]


@pytest.mark.parametrize(("language", "review", "draft", "channel"), _SAMPLES)
def test_channel_and_sign_off_are_added_in_the_drafts_language(
    language: str, review: str, draft: str, channel: str
) -> None:
    case = _case({"text": review, "language": language, "reviewer_name": "Karen"})
    revision = _revise(draft, case)
    assert {"named_contact", "offline_channel"} <= _failed(revision.checks_before)
    assert revision.passed, revision.revised
    assert revision.revised.startswith(draft)
    assert channel in revision.revised
    assert "Anna Kowalska" in revision.revised
    assert revision.kept == 1.0
    _no_regression(revision)


def test_the_splitter_keeps_the_text_and_reads_abbreviations() -> None:
    phrases = load_phrases(_runtime().pipeline.prompts_dir, "en")
    text = "Dear Dr. Miller, we waited 2.5 hours!  Mail a.b@x.com now.\nKind regards,\nAnna"
    pieces = split(text, phrases)
    assert join(pieces) == text
    assert [p.kind for p in pieces] == ["greeting", "sentence", "sentence", "closing", "signature"]
    assert pieces[0].text == "Dear Dr. Miller,"
    zh = load_phrases(_runtime().pipeline.prompts_dir, "zh")
    assert [p.text for p in split("您好，汤是凉的！请联系我。谢谢", zh)] == [
        "您好，",
        "汤是凉的！",
        "请联系我。",
        "谢谢",
    ]


def test_a_cut_clause_leaves_a_sentence() -> None:
    assert without_clauses("We are sorry, but you are lying.", {1}) == "We are sorry."
    assert without_clauses("Honestly, you are lying, we checked.", {0}) == (
        "You are lying, we checked."
    )


def test_kept_counts_the_drafts_words() -> None:
    assert kept_share("a b c d", "a b x") == 0.5
    assert kept_share("汤是凉的", "汤是凉的。谢谢") == 1.0


@pytest.mark.slow
def test_no_revision_of_the_dev_corpus_breaks_a_check_its_draft_passed() -> None:
    from replyguard_evals.revision_bench import run_revision_bench

    figures = run_revision_bench()["by_language"]["all"]
    assert figures["regressions"] == 0
    assert figures["pass_share"] >= 0.95


def test_stock_formulas_are_the_ones_no_generic_names() -> None:
    context = _case().context
    found = stock_formulas(GENERIC_DRAFT, context)
    assert "apologize for any inconvenience" in found
    message = next(
        r.message for r in _revise(GENERIC_DRAFT).checks_before if r.name == "no_generic"
    )
    assert all(f"“{phrase}”" in message for phrase in found[:3])
    assert stock_formulas(GOOD_DRAFT, context) == []


# A reply in the wrong language: no rule can fix it.
_GERMAN = (
    "Liebe Karen, es tut mir leid, dass Sie zwei Stunden warten mussten und die Suppe kalt "
    "war. Rufen Sie mich an: 020 7946 0958. Anna Kowalska"
)


def _with_llm(*steps: Any) -> tuple[FakeChatModel, ReplyPipeline]:
    model = FakeChatModel(*steps)
    return model, ReplyPipeline(llm_settings(), model, _runtime().suite)


def _request(draft: str) -> RevisionRequest:
    return RevisionRequest.model_validate(
        {"review": REVIEW, "business": copy.deepcopy(BUSINESS), "draft": draft}
    )


def test_the_llm_edits_what_the_rules_cannot_told_to_keep_the_words() -> None:

    model, pipeline = _with_llm(GOOD_DRAFT)
    response = asyncio.run(revise_request(pipeline, _request(_GERMAN)))
    assert response.source == "llm"
    assert response.passed
    assert response.revised == GOOD_DRAFT
    assert [(c.check, c.kind) for c in response.changes] == [("all", "replaced")]
    (call,) = model.calls
    assert call.roles == ["system", "user", "assistant", "user"]
    assert call.messages[2].content == _GERMAN
    assert "language" in call.messages[3].content
    assert "keep the writer's own sentences" in call.messages[3].content


def test_a_template_comes_last_and_says_so() -> None:

    _, pipeline = _with_llm(LLMError("down"))
    response = asyncio.run(revise_request(pipeline, _request(_GERMAN)))
    assert response.source == "template"
    assert response.passed
    assert response.kept < 0.5


def test_the_llm_is_not_asked_when_the_rules_suffice() -> None:

    model, pipeline = _with_llm(GOOD_DRAFT)
    response = asyncio.run(revise_request(pipeline, _request(GENERIC_DRAFT)))
    assert response.source == "rules"
    assert response.passed
    assert model.calls == []
