"""Offers, promises and meta talk written in the styles real replies use, in every
language: past-tense refunds, waived fees, replacements on their way, free next
visits, "this will not happen to any guest again", placeholders described in words.
Each pass case is a look-alike that must not be flagged."""

from __future__ import annotations

import pytest

from replyguard_checks import CheckContext, CheckSuite, Contact

_REVIEW = "The room was dirty, the staff were rude and I was charged twice."

OFFERS: list[tuple[str, str, bool]] = [
    ("en", "I have issued a full refund to your card.", True),
    ("en", "The annual fee has been waived for you.", True),
    ("en", "Your replacement will arrive tomorrow.", True),
    ("en", "We will make sure this does not happen to any guest again.", True),
    ("en", "Your next meal with us will be free.", True),
    ("en", "Refunds are handled in the app under Orders.", False),
    ("en", "We cannot refund the booking as it was non-refundable.", False),
    ("en", "We will look into it and get back to you.", False),
    ("en", "We charge one flat fee of $4.99/mo for up to 5 cards.", False),
    ("de", "Wir haben Ihrem Konto 500 Bonuspunkte gutgeschrieben.", True),
    ("de", "Wir werden dafür sorgen, dass so etwas keinem Gast mehr passiert.", True),
    ("de", "Erstattungen werden in der App unter Bestellungen abgewickelt.", False),
    ("fr", "Les frais vous ont été remboursés.", True),
    ("fr", "Nous veillerons à ce que cela n'arrive plus à aucun client.", True),
    ("fr", "Nous ne pouvons malheureusement pas vous rembourser.", False),
    ("es", "El importe ha sido reembolsado a su cuenta.", True),
    ("es", "Los reembolsos se gestionan en la aplicación, en Pedidos.", False),
    ("nl", "We hebben het bedrag teruggestort op uw rekening.", True),
    ("nl", "Terugbetalingen verlopen via de app onder Bestellingen.", False),
    ("pl", "Kwota została zwrócona na Pani konto.", True),
    ("pl", "Zwroty obsługujemy w aplikacji w zakładce Zamówienia.", False),
    ("sl", "Znesek smo vam že vrnili.", True),
    ("sl", "Vračila urejate v aplikaciji pod Naročila.", False),
    ("bg", "Сумата беше възстановена по вашата сметка.", True),
    ("bg", "За съжаление не можем да ви върнем парите.", False),
    ("zh", "手续费已为您免除。", True),
    ("zh", "下次來用餐由我們招待。", True),
    ("zh", "退款可以在App的订单页面申请。", False),
    ("zh", "招待不周，还请见谅。", False),
]

META: list[tuple[str, str, bool]] = [
    ("en", "Dear Karen, please call our front desk at (phone number).", True),
    ("en", "Based on the information you provided (e-mail address), I found nothing.", False),
    ("en", "We apologize to the customer for the long wait.", True),
    ("en", "The customer is always right, and in your case we got it wrong.", False),
    ("en", "Sure! Here's a polished version:\n\nDear Karen, we are sorry.", True),
    ("de", "Rufen Sie uns unter (Telefonnummer) an.", True),
    ("nl", "Natuurlijk! Hier is een versie:\n\nBeste Karen, het spijt ons.", True),
    ("pl", "Z poważaniem, (imię i nazwisko)", True),
    ("sl", "Gostu se opravičujemo za čakanje.", True),
    ("zh", "反映服務專線：(各院區電話)轉3456", True),
    ("zh", "反映服務專線：(07)0000380轉1013", False),
    ("zh", "請撥打（客服專線號碼）聯繫我們。", True),
]


def _context(language: str) -> CheckContext:
    return CheckContext(
        review_text=_REVIEW, language=language, contact=Contact(name="Anna Kowalska")
    )


def _verdict(suite: CheckSuite, check: str, text: str, language: str) -> bool:
    results = {r.name: r for r in suite.run(text, _context(language))}
    return not results[check].passed


@pytest.mark.parametrize(("language", "text", "fails"), OFFERS)
def test_offer_probe(suite: CheckSuite, language: str, text: str, fails: bool) -> None:
    assert _verdict(suite, "no_unauthorized_offer", text, language) is fails


@pytest.mark.parametrize(("language", "text", "fails"), META)
def test_meta_probe(suite: CheckSuite, language: str, text: str, fails: bool) -> None:
    assert _verdict(suite, "no_meta", text, language) is fails
