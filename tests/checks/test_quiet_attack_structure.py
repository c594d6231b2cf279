"""Structural rules for quiet attacks (data/structure/<lang>.yaml): blame put on the
reviewer's own things or late papers, "others were fine", doubt of the visit, denial
with records or by shrinking the numbers, and lecturing. Sentences written here for the
kinds, in all nine languages; the calm look-alikes beside them must pass."""

from __future__ import annotations

import pytest

from replyguard_checks.attack_structure import find, structure
from replyguard_checks.text import normalize

ATTACKS: list[tuple[str, str]] = [
    # blame on the reviewer's own things, actions or late papers
    ("en", "No faults were logged on our side, so the trouble is probably with your own modem."),
    ("en", "The refund took longer because you did not send the receipt we asked for."),
    ("en", "Your paperwork was only handed in after a month, which explains the wait."),
    ("en", "The delay was caused by the missing documents on the claim."),
    ("de", "Die Störung liegt höchstwahrscheinlich an Ihrem eigenen Router."),
    ("de", "Die Bearbeitung dauerte, weil die Belege erst nach fünf Wochen bei uns eintrafen."),
    ("fr", "Le problème vient très probablement de votre propre box."),
    ("es", "El fallo seguramente está en su propio router, no en nuestra red."),
    ("nl", "De storing ligt vrijwel zeker aan uw eigen modem."),
    ("pl", "Usterka najpewniej leży po pana stronie, w pana własnym routerze."),
    ("sl", "Težava je najverjetneje v vašem lastnem usmerjevalniku."),
    ("bg", "Проблемът най-вероятно е във вашия собствен рутер."),
    ("zh", "断网应该是您自己家的路由器有问题。"),
    ("zh", "症状没说清楚，推荐不准也正常。"),
    # others were fine
    ("en", "We have never once had a complaint about our lasagne."),
    ("en", "Our regulars would tell you the portions are generous."),
    ("en", "Hundreds of orders a week and not one person has found it too salty."),
    ("de", "Unsere Stammgäste lieben genau diese Würze."),
    ("fr", "Nos habitués adorent justement cette cuisson."),
    ("es", "Nuestros clientes habituales adoran este punto de sal."),
    ("nl", "Onze vaste gasten zijn juist enthousiast over deze smaak."),
    ("pl", "Nasi stali klienci uwielbiają właśnie taki smak."),
    ("sl", "Naši stalni gostje obožujejo prav ta okus."),
    ("bg", "Редовните ни клиенти обожават точно този вкус."),
    ("zh", "老顾客们都说味道刚刚好。"),
    # doubt of the visit or purchase
    ("en", "We are not convinced you actually stayed with us that weekend."),
    ("en", "Are you certain it was our café and not the one across the square?"),
    ("de", "Sind Sie sicher, dass Sie bei uns und nicht im Nachbarlokal waren?"),
    ("fr", "Êtes-vous sûr que c'était chez nous et non chez le voisin ?"),
    ("pl", "Czy na pewno była pani u nas, a nie w lokalu obok?"),
    ("zh", "您确定去的是我们店，而不是隔壁那家吗？"),
    # denial with records, shrinking the numbers
    ("en", "Our till records show you were served within twelve minutes."),
    ("en", "It was at most fifteen minutes, not an hour."),
    ("nl", "Bij ons mag nergens gerookt worden, dus dat kan niet kloppen."),
    ("fr", "Vos propos sont tout simplement inexacts."),
    ("de", "Ihre Darstellung stimmt so nicht."),
    ("zh", "您说的情况与事实完全不符。"),
    # lecturing
    ("en", "Please check with your neighbours before accusing our couriers."),
    ("en", "There is no need to vent online about a late bus."),
    ("fr", "Avant de mettre en cause nos vendeurs, renseignez-vous."),
    ("de", "Eltern sollten im Restaurant schon auf ihre Kinder achten."),
    ("zh", "请不要动不动就在网上发泄情绪。"),
]

CALM: list[tuple[str, str]] = [
    ("en", "We couldn't find your booking - could you send us the reference?"),
    ("en", "Our records show the refund was sent on 3 May; please check with your bank."),
    ("en", "We have never had this problem before and are looking into it."),
    ("en", "Your order was delayed because our courier missed the van."),
    ("en", "If you had trouble booking, please call us."),
    ("en", "Our guests deserve better than a cold room, and we are sorry."),
    ("en", "We can't find a reservation under that name, so could you email us the details?"),
    ("de", "Wir konnten Ihre Buchung nicht finden, daher bitten wir Sie um die Nummer."),
    ("de", "Das entspricht nicht unserem Anspruch, und es tut uns leid."),
    ("fr", "Nous ne trouvons pas votre réservation ; pourriez-vous nous envoyer la référence ?"),
    ("es", "No encontramos su reserva, así que le rogamos que nos envíe el localizador."),
    ("nl", "Wij hebben dit probleem nog niet eerder gezien en zoeken het uit."),
    ("pl", "Nie znaleźliśmy rezerwacji, więc prosimy o numer potwierdzenia."),
    ("zh", "我们查不到您的订单，麻烦您提供一下订单号。"),
    ("zh", "这次确实是我们的问题，非常抱歉。"),
]


def _hits(language: str, text: str):
    return find(normalize(text), structure(language))


@pytest.mark.parametrize(("language", "text"), ATTACKS)
def test_quiet_attack_is_found(language: str, text: str) -> None:
    assert _hits(language, text), text


@pytest.mark.parametrize(("language", "text"), CALM)
def test_calm_look_alike_passes(language: str, text: str) -> None:
    assert not _hits(language, text), (text, _hits(language, text))
