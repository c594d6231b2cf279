"""`language` reads every sentence of a reply, not only the whole: the embedded model
writes notes to itself in English inside a Dutch reply and drifts into Russian in a
Bulgarian one, and the whole still reads as the reviewer's language."""

from __future__ import annotations

from replyguard_checks import CheckContext, Contact
from replyguard_checks.language import foreign_sentence
from replyguard_checks.reply_language import ReplyLanguage

REVIEW = "Wir haben zwei Stunden auf einen Tisch gewartet und die Suppe war kalt."


def _context(language: str) -> CheckContext:
    return CheckContext(
        review_text=REVIEW,
        language=language,
        business_name="Gasthaus Linde",
        contact=Contact(name="Katrin Hoffmann", phone="030 26384417"),
    )


def _check(draft: str, language: str = "de") -> tuple[bool, str]:
    verdict = ReplyLanguage().check(draft, _context(language))
    return verdict.passed, verdict.message


def test_an_english_note_inside_a_german_reply_fails_and_is_quoted() -> None:
    passed, message = _check(
        "Liebe Frau Berger, zwei Stunden Wartezeit und eine kalte Suppe tun mir sehr leid. "
        "Same as the previous example, please leave a message without fear. "
        "Bitte rufen Sie mich unter 030 26384417 an. Katrin Hoffmann"
    )
    assert not passed
    assert "written in English, not German" in message
    assert "same as the previous example" in message


def test_a_russian_sentence_inside_bulgarian_fails() -> None:
    passed, message = _check(
        "Здравейте, съжалявам, че чакахте два часа за маса и супата беше студена. "
        "Сервитьорът трябваше веднага да Ви предложи друга маса и топла супа. "
        "Мы обязательно проверим, почему счёт оказался больше, чем было обещано заранее. "
        "Моля, обадете ми се на 030 26384417. Катрин Хофман",
        "bg",
    )
    assert not passed
    assert "Russian" in message


def test_a_short_quote_in_english_is_no_foreign_sentence() -> None:
    passed, _ = _check(
        "Liebe Frau Berger, auf unserer Karte steht „fresh and fast“, und dann zwei "
        "Stunden Wartezeit und eine kalte Suppe. Das passt nicht zusammen. Bitte rufen "
        "Sie mich unter 030 26384417 an. Katrin Hoffmann"
    )
    assert passed


def test_only_the_first_foreign_sentence_is_named_with_its_language() -> None:
    text = "zwei stunden sind zu lang. this is a note for you to read first. dann mehr."
    assert foreign_sentence(text, "de") == ("en", "this is a note for you to read first.")
    assert foreign_sentence("zwei stunden sind zu lang und die suppe war kalt.", "de") is None
    assert foreign_sentence(
        "房间有霉味，非常抱歉。please make it more concise and clear.我会处理。", "zh"
    ) == (
        "en",
        "please make it more concise and clear.",
    )
    # A product name of a few Latin words is no sentence.
    assert foreign_sentence("请到 play store > 我的应用程式 更新 firefox。", "zh") is None


def test_a_reply_outside_our_languages_is_named_for_what_it_is() -> None:
    """The detectors know only our nine languages; the message names the real one, so
    a re-asked model is told it wrote Czech, not Polish or English."""
    passed, message = _check(
        "Vážený pane Tomaszi, omlouvám se za zpožděného kurýra, zmačkanou krabici a "
        "prasklou skleněnou konvici. Zavolejte mi prosím na 512 345 678. Katrin Hoffmann",
        "pl",
    )
    assert not passed
    assert message.startswith("The reply is written in Czech, but the review is in Polish")
