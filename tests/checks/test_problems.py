"""`no_generic` sees a problem named in other words ("takes forever to load" answered
with "add-ons can slow Firefox down"), in every language, and still fails a reply that
names only an area ("problems with the app") or uses a symptom word in a set phrase."""

from __future__ import annotations

import pytest

from replyguard_checks import CheckContext, CheckSuite, Contact
from replyguard_checks.context import SUPPORTED_LANGUAGES
from replyguard_checks.lexicon import load_data
from replyguard_checks.problems import problems, same_problems
from replyguard_evals.corpus import REAL_DIR, Score, load_corpus

CONTACT = Contact("Anna Kowalska", "Manager", "+44 20 7946 0958", "anna@example.com")
SIGN = " Anna Kowalska, +44 20 7946 0958"

#: (language, review, a reply naming its problem in other words, one naming only an area)
CASES = [
    (
        "en",
        "The browser takes forever to load every page since the update.",
        "Add-ons can make the browser sluggish; removing them usually helps.",
        "Sorry for the trouble with the app; please write to us.",
    ),
    (
        "de",
        "Die App stürzt ständig ab.",
        "Manchmal friert die App wegen alter Erweiterungen ein; bitte entfernen Sie diese.",
        "Es tut uns leid, dass die App Ihnen Ärger macht; bitte schreiben Sie uns.",
    ),
    (
        "es",
        "La aplicación va muy lenta.",
        "A veces los complementos ralentizan la aplicación; prueba a quitarlos.",
        "Sentimos los problemas con la aplicación; escríbenos, por favor.",
    ),
    (
        "fr",
        "Impossible de me connecter depuis hier.",
        "Essayez de réinitialiser votre mot de passe depuis la page d'accueil.",
        "Désolés pour ce souci avec l'application ; écrivez-nous.",
    ),
    (
        "nl",
        "Ik heb twee uur moeten wachten op mijn tafel.",
        "Die wachttijd op zaterdag was veel te lang, daar hebben we het personeel op aangesproken.",
        "Het spijt ons dat uw bezoek tegenviel; mail ons gerust.",
    ),
    (
        "pl",
        "W pokoju był straszny hałas z ulicy.",
        "Pokoje od strony ulicy są głośne; przy rezerwacji warto poprosić o pokój od podwórza.",
        "Przykro nam, że pobyt Pana rozczarował; prosimy o kontakt.",
    ),
    (
        "sl",
        "Osebje je bilo zelo nevljudno.",
        "Nesramno vedenje ni sprejemljivo, o tem sem se pogovorila z ekipo.",
        "Žal nam je, da obisk ni bil po vaših pričakovanjih; pišite nam.",
    ),
    (
        "bg",
        "Стаята миришеше на цигари.",
        "Съжаляваме за миризмата на дим в стаята, вече проветрихме и сменихме завесите.",
        "Съжаляваме, че престоят ви разочарова; пишете ни.",
    ),
    (
        "zh",
        "不到五分鐘就閃退一次。",
        "有時候附加元件會讓程式當掉，請試著移除不需要的附加元件。",
        "很抱歉造成您的困擾，請來信告訴我們。",
    ),
]


def _generic(suite: CheckSuite, review: str, reply: str, language: str) -> bool:
    context = CheckContext(
        review_text=review, language=language, contact=CONTACT, business_name="Example"
    )
    return not {r.name: r for r in suite.run(f"{reply}{SIGN}", context)}["no_generic"].passed


@pytest.mark.parametrize(("language", "review", "named", "area"), CASES)
def test_a_problem_named_in_other_words_is_named(
    suite: CheckSuite, language: str, review: str, named: str, area: str
) -> None:
    assert same_problems(review, named, language)
    assert not _generic(suite, review, named, language)
    assert _generic(suite, review, area, language)


def test_every_problem_is_listed_in_every_language() -> None:
    for problem, by_language in load_data("problems").items():
        assert set(by_language) == set(SUPPORTED_LANGUAGES), problem
        assert all(by_language.values()), problem


@pytest.mark.parametrize(
    ("language", "phrase"),
    [
        ("en", "We can't wait to welcome you back."),
        ("es", "Esperamos verle pronto de nuevo."),
        ("fr", "Nous attendons votre retour avec plaisir."),
        ("pl", "Czekamy na Państwa ponownie."),
        ("sl", "Vas čakamo spet kmalu."),
        ("de", "Laut Ihrer Nachricht war das Zimmer gebucht."),
        ("en", "To help us resolve this faster, please e-mail us."),
        ("fr", "Votre propre compte reste ouvert."),
    ],
)
def test_set_phrases_name_no_problem(language: str, phrase: str) -> None:
    assert problems(phrase, language) == frozenset()


def test_no_generic_holds_its_figures_on_the_real_dev_split(suite: CheckSuite) -> None:
    """The dev split's figures when the problem layer came in (precision 0.89, recall
    0.94): a regression in either fails."""
    drafts = [d for d in load_corpus(REAL_DIR / "dev") if d.check == "no_generic"]
    score = Score()
    for draft in drafts:
        result = {r.name: r for r in suite.run(draft.draft, draft.context)}["no_generic"]
        score.add(not result.passed, draft, result.message)
    assert score.precision >= 0.88
    assert score.recall >= 0.93
