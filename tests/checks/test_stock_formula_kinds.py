"""`no_generic`'s stock formulas as kinds, not fixed strings: the priority, importance,
"take on board", striving, goal and pass-on formulas with any subject or object (real
replies write "safety is our top priority", not only "satisfaction"), and the same in
German, Dutch and Chinese. Each draft names the review's problem, so only the formula
can fail it."""

from __future__ import annotations

import pytest

from replyguard_checks import CheckContext, CheckSuite, Contact

CONTACT = Contact("Anna Kowalska", "Manager", "+44 20 7946 0958", "anna@bistroverde.example")


def _context(language: str, review: str) -> CheckContext:
    return CheckContext(
        review_text=review,
        language=language,
        contact=CONTACT,
        business_name="Bistro Verde",
        reviewer_name="Karen Miller",
    )


EN = _context("en", "We waited 45 minutes for a table and the fish was overcooked.")
EN_OPEN = "Dear Karen, I am sorry about the overcooked fish and the 45-minute wait."
EN_SIGN = " Please call me on 020 7946 0958. Anna Kowalska"

EN_STOCK = [
    "Guest safety is our top priority.",
    "Freshness is always our priority.",
    "Honesty is very important to us.",
    "Hygiene is paramount in our kitchen.",
    "We will take your comments on board.",
    "We always strive for every table to be served quickly.",
    "It is our goal to provide a relaxed evening for everyone.",
    "I have passed on these details to our kitchen team.",
]
EN_PLAIN = [
    "The chef has cut the fish's time on the grill by two minutes.",
    "On Fridays we now keep two tables back for guests who booked.",
    "Getting your table ready on time was our job, and we failed at it.",
]


@pytest.fixture(scope="module")
def suite() -> CheckSuite:
    return CheckSuite()


def _generic(suite: CheckSuite, draft: str, context: CheckContext) -> tuple[bool, str]:
    result = {r.name: r for r in suite.run(draft, context)}["no_generic"]
    return result.passed, result.message


@pytest.mark.parametrize("formula", EN_STOCK)
def test_english_formula_kinds_fail(suite: CheckSuite, formula: str) -> None:
    passed, message = _generic(suite, f"{EN_OPEN} {formula}{EN_SIGN}", EN)
    assert not passed, formula
    assert "stock phrases" in message


@pytest.mark.parametrize("sentence", EN_PLAIN)
def test_plain_sentences_beside_the_details_pass(suite: CheckSuite, sentence: str) -> None:
    passed, message = _generic(suite, f"{EN_OPEN} {sentence}{EN_SIGN}", EN)
    assert passed, message


@pytest.mark.parametrize(
    ("language", "review", "draft"),
    [
        (
            "de",
            "Wir haben 45 Minuten auf den Tisch gewartet und der Fisch war zerkocht.",
            "Liebe Frau Miller, es tut mir leid wegen der 45 Minuten Wartezeit und dem "
            "zerkochten Fisch. Hinweise unserer Gäste nehmen wir immer sehr ernst.",
        ),
        (
            "de",
            "Wir haben 45 Minuten auf den Tisch gewartet und der Fisch war zerkocht.",
            "Liebe Frau Miller, es tut mir leid wegen der Wartezeit und dem zerkochten "
            "Fisch. Ihre Punkte nehmen wir gerne auf.",
        ),
        (
            "nl",
            "We hebben 45 minuten op een tafel gewacht en de vis was te gaar.",
            "Beste mevrouw Miller, sorry voor het wachten en de te gare vis. Wij "
            "beschouwen feedback van gasten als essentieel.",
        ),
        (
            "zh",
            "等了45分钟才有位子，鱼也煮老了。",
            "您好，非常抱歉让您等了45分钟，鱼也煮老了，造成您用餐的不便。",
        ),
    ],
)
def test_the_same_kinds_in_other_languages_fail(
    suite: CheckSuite, language: str, review: str, draft: str
) -> None:
    passed, message = _generic(suite, f"{draft}{EN_SIGN}", _context(language, review))
    assert not passed, draft
    assert "stock phrases" in message
