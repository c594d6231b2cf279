"""False alarms of `no_attack` on ordinary business language (#14), found by reading
what it flagged in `evals/real/pool/`: 5,774 unlabelled real replies of 38 businesses,
most of which attack nobody. Each kind is held both ways: the ordinary wording passes,
the attack it was mistaken for still fails."""

from __future__ import annotations

import pytest

from replyguard_checks import CheckContext, Contact
from replyguard_checks.no_attack import NoAttack, attacks_in
from replyguard_evals.corpus import load_pool


@pytest.mark.parametrize(
    ("language", "text"),
    [
        # A supposition is no assertion: "if" before the predicate.
        ("en", "If you choose the instant option, the money arrives at once."),
        ("en", "If you forgot your PIN, you can set a new one in the app."),
        ("en", "Please get in touch with us if this is not the case."),
        ("en", "In case you forgot your password, tap 'Reset' on the login page."),
        ("fr", "Si vous avez choisi le virement instantané, l'argent arrive tout de suite."),
        ("de", "Falls Sie Ihr Passwort vergessen haben, können Sie es zurücksetzen."),
        ("es", "Si olvidaste tu contraseña, puedes crear una nueva desde la aplicación."),
        # "Convenient" as in a time that suits, not "how convenient".
        ("en", "Let us know a convenient time to call you back."),
        ("en", "Pick-up times should be convenient for both of you."),
        # "Learn how" as a pointer to help, not "learn to read".
        ("en", "Use this article to learn how to clear your cache."),
        ("en", "On our help page you can learn how to change your settings."),
        # "Karen" as a name in a greeting.
        ("en", "Hi Karen, please write to our team so we can look into your order."),
        # Thanks, not contempt.
        ("en", "We are grateful to customers like you for trying our new card."),
        # "Vient de vous contacter": a colleague has just contacted you.
        ("fr", "Une collaboratrice vient de vous contacter pour finaliser votre dossier."),
        # "That you choose to store": a relative clause, not blame.
        ("en", "The wallet keeps the cards that you choose to store on it."),
    ],
)
def test_ordinary_business_language_is_no_attack(language: str, text: str) -> None:
    assert attacks_in(text, language) == []


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "You chose to ignore the staff at reception."),
        ("en", "You forgot to mention that you arrived two hours late."),
        ("en", "That never happened."),
        ("en", "How convenient that you only complain after eating everything."),
        ("en", "Maybe learn to read the menu before ordering."),
        ("en", "You are behaving like a typical Karen."),
        ("en", "We don't need customers like you."),
        ("fr", "Le problème vient de vous, pas de notre application."),
    ],
)
def test_the_attack_each_was_mistaken_for_still_fails(language: str, text: str) -> None:
    assert attacks_in(text, language) != []


@pytest.mark.slow
def test_no_attack_flags_few_ordinary_real_replies() -> None:
    """An upper bound on the false-alarm rate on real text: a few percent of real
    replies do attack, so the bound is loose, and a rule or model that starts reading
    ordinary business language as an attack breaks it. Measured 2026-12-07: the word
    lists and structural rules 38 of 5,774 (0.7 %; 74 before this bound), the whole
    check 120 (2.1 %)."""
    check = NoAttack()
    contact = Contact(name="Alex Morgan", phone="+1 555 0100")
    items = load_pool()
    by_rules = by_check = 0
    for item in items:
        language = "zh" if item["language"].startswith("zh") else item["language"]
        by_rules += bool(attacks_in(item["reply"], language))
        context = CheckContext(review_text="", language=language, contact=contact)
        by_check += not check.check(item["reply"], context).passed
    assert by_rules <= 0.009 * len(items)
    assert by_check <= 0.025 * len(items)
