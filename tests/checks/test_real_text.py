"""What real owner replies need from the checks: attacks without a listed word, the
no_generic rule as the README states it, a business's own links and phone extensions."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from tests.checks.first_written import features_as_first_written

from replyguard_checks import CheckContext, CheckSuite, Contact
from replyguard_checks.attack_model import AttackModel, features, read, sentences, shipped
from replyguard_checks.no_attack import find_attacks

CONTEXT = CheckContext(
    review_text=(
        "We waited 45 minutes for a table, the fish was overcooked and the waiter rolled "
        "his eyes when we complained."
    ),
    language="en",
    contact=Contact("Anna Kowalska", "Manager", "+44 20 7946 0958", "anna@bistroverde.example"),
    business_name="Bistro Verde",
    reviewer_name="Karen Miller",
)
SIGN = " Please call me on 020 7946 0958. Anna Kowalska"

#: The sentences the issue found passing `no_attack`, and more of each kind.
ATTACKS = [
    "This is not true.",
    "That never happened.",
    "What you wrote is untrue.",
    "Stop making things up.",
    "You clearly never visited us.",
    "Your behaviour was the problem.",
    "Maybe read the menu before ordering next time.",
    "Perhaps a fast-food chain would suit you better.",
    "Most guests manage to enjoy the fish without any drama.",
    "Had you told our staff on the night, we would have changed the fish.",
    "The problem here was incorrect details entered at booking.",
    "We do not tolerate that kind of language towards our staff.",
    "You chose the set menu without asking the waiter about the fish.",
    "Your account of the evening is simply inaccurate.",
]
#: Calm replies that share words with attacks: they must pass.
CALM = [
    "I am sorry the fish was overcooked; that is not the standard we want.",
    "Our kitchen closes at 22:00, which we should have said on the website.",
    "I'm sorry our waiter rolled his eyes at you; he was wrong to.",
    "Next time, please tell us at the table so we can fix it at once.",
    "We gave you incorrect information about the wait, and I apologise.",
    "You wrote that the fish was overcooked, and you are right to say so.",
    "I cannot find the booking yet; could you send me the name it was under?",
    "We see this differently, and I would like to understand what happened.",
]


@pytest.mark.parametrize("sentence", ATTACKS)
def test_attack_without_a_listed_word_fails(suite: CheckSuite, sentence: str) -> None:
    draft = f"Dear Karen, thank you for writing about the fish and the wait. {sentence}{SIGN}"
    result = {r.name: r for r in suite.run(draft, CONTEXT)}["no_attack"]
    assert not result.passed, sentence
    assert "attacks the reviewer" in result.message


@pytest.mark.parametrize("sentence", CALM)
def test_calm_correction_passes(sentence: str) -> None:
    assert not find_attacks(sentence, CONTEXT), sentence


def test_structure_reads_across_word_order_and_negation() -> None:
    assert find_attacks("The story you posted here is, frankly, untrue.", CONTEXT)
    assert find_attacks("Rather than complaining online, you could have asked us.", CONTEXT)
    assert not find_attacks("We would never doubt that you waited 45 minutes.", CONTEXT)


def test_the_classifier_ships_small_and_reports_its_score(suite: CheckSuite) -> None:
    model = shipped()
    assert model is not None
    assert 0.5 <= model.threshold < 1.0
    assert model.trained_on["sentences"] > 3000
    draft = f"Dear Karen, I am sorry about the overcooked fish and the 45-minute wait.{SIGN}"
    message = {r.name: r for r in suite.run(draft, CONTEXT)}["no_attack"].message
    assert "classifier:" in message


def test_classifier_message_names_the_sentence() -> None:
    model = AttackModel.from_features(bias=-4.0, weights={"w drama": 9.0}, threshold=0.5)
    score, sentence = model.most_hostile("thanks for writing. such drama over a fish. call me.")
    assert score > 0.9
    assert sentence == "such drama over a fish."


def test_a_saved_model_reads_back_the_same_and_a_foreign_file_is_refused(tmp_path: Path) -> None:
    model = AttackModel.from_features(
        bias=-4.0, weights={"w drama": 9.0, "b such drama": 1.5}, threshold=0.7
    )
    path = tmp_path / "model.json.gz"
    model.save(path)
    again = read(path)
    assert again.weights == model.weights
    assert (again.bias, again.threshold, again.bits) == (-4.0, 0.7, model.bits)
    assert again.score("such drama.") == model.score("such drama.") > 0.99
    path.write_bytes(gzip.compress(b'{"format": 1, "weights": {}}\n'))
    with pytest.raises(ValueError, match="unknown format"):
        read(path)


def test_features_are_deterministic_and_cover_chinese() -> None:
    assert list(features("您 说谎")) == list(features("您 说谎"))
    assert "c 说谎" in set(features("您在说谎"))
    assert sentences("one two three. four five six! 七八九十一二三四五。") == [
        "one two three.",
        "four five six!",
        "七八九十一二三四五。",
    ]


# -- no_generic: the rule in the README ---------------------------------------------


def _generic(suite: CheckSuite, draft: str, context: CheckContext = CONTEXT) -> bool:
    return not {r.name: r for r in suite.run(draft, context)}["no_generic"].passed


def test_warm_closing_and_thanks_beside_specifics_are_not_generic(suite: CheckSuite) -> None:
    draft = (
        "Dear Karen, thank you for taking the time to write. A 45-minute wait and an "
        "overcooked fish are not what you came for, and the eye-rolling was rude. We hope "
        f"to welcome you back.{SIGN}"
    )
    assert not _generic(suite, draft)


@pytest.mark.parametrize(
    "formula",
    [
        "We apologise for any inconvenience caused.",
        "Your satisfaction is our top priority.",
        "We value your feedback.",
        "We will look into it.",
        "We strive for excellence in everything we do.",
        "Thank you for your valuable feedback.",
        "We are constantly working to improve our services.",
    ],
)
def test_a_stock_formula_is_generic_even_beside_specifics(suite: CheckSuite, formula: str) -> None:
    draft = (
        f"Dear Karen, the 45-minute wait and the overcooked fish were our fault. {formula}{SIGN}"
    )
    assert _generic(suite, draft)


def test_naming_nothing_of_the_review_is_generic(suite: CheckSuite) -> None:
    assert _generic(suite, f"Dear Karen, thank you for your review. We hope to see you.{SIGN}")


def test_a_review_that_names_nothing_asks_for_no_detail(suite: CheckSuite) -> None:
    short = CheckContext(
        review_text="Very bad app", language="en", contact=CONTEXT.contact, business_name="Pay"
    )
    assert not _generic(suite, f"Hi, please tell us what went wrong so we can help.{SIGN}", short)


@pytest.mark.parametrize(
    ("review", "named", "unnamed"),
    [
        (
            "Pincode not serviceable for a big city",
            "Hi, your pin code is outside our service area for now.",
            "Hi, we are sorry, please write to us so we can help.",
        ),
        (
            "Need to fix login options",
            "Sorry that logging in is a struggle; version 2.1 fixes it.",
            "Sorry about this; version 2.1 fixes it.",
        ),
        (
            "Der Check in war eine Katastrophe.",
            "Es tut uns leid, dass der Checkin so schlecht lief.",
            "Es tut uns leid, bitte schreiben Sie uns.",
        ),
    ],
)
def test_a_detail_written_as_one_word_or_two_is_named(
    suite: CheckSuite, review: str, named: str, unnamed: str
) -> None:
    language = "de" if "Katastrophe" in review else "en"
    context = CheckContext(
        review_text=review, language=language, contact=CONTEXT.contact, business_name="Pay"
    )
    assert not _generic(suite, f"{named}{SIGN}", context)
    assert _generic(suite, f"{unnamed}{SIGN}", context)


def test_a_link_is_no_detail_even_when_its_parts_join_to_one() -> None:
    from replyguard_checks.no_generic import joined_details

    review = "Google never sent me the code for my account."
    assert joined_details(review, "Sorry, see https://goo.gle/3zG for help.", "en") == []
    assert joined_details(review, "Sorry, the goo gle team will help.", "en") == ["google"]


# -- offline_channel on real replies -------------------------------------------------


def _channel(suite: CheckSuite, draft: str, contact: Contact, language: str = "en") -> bool:
    context = CheckContext(
        review_text="掛號等了兩個小時" if language == "zh" else CONTEXT.review_text,
        language=language,
        contact=contact,
        business_name="Hospital",
    )
    return {r.name: r for r in suite.run(draft, context)}["offline_channel"].passed


def test_links_to_the_business_own_site_are_its_own(suite: CheckSuite) -> None:
    own = Contact("Anna Kowalska", phone="+44 20 7946 0958", website="https://bistroverde.example")
    draft = "Please call me on 020 7946 0958 or see https://www.bistroverde.example/contact."
    assert _channel(suite, draft, own)
    assert not _channel(suite, draft.replace("bistroverde.example", "bit.ly"), own)
    by_mail = Contact("Anna Kowalska", email="anna@bistroverde.example")
    assert _channel(
        suite, "Write to anna@bistroverde.example or see bistroverde.example/faq.", by_mail
    )


def test_a_phone_extension_and_a_link_glued_to_chinese(suite: CheckSuite) -> None:
    contact = Contact("王小明", phone="02-3633-1160轉4194", website="reurl.cc")
    draft = "很抱歉讓您久等。信箱：https://reurl.cc/raYGyk◎反映服務專線：02-3633-1160轉4194"
    assert _channel(suite, draft, contact, language="zh")


@pytest.mark.parametrize(
    ("phone", "draft", "language"),
    [
        ("315-1703", "如果有任何問題歡迎聯繫客服，客服電話： 315-1703(手機+02)", "zh"),
        ("02-16852820轉6205", "您可透過以下管道反映：◎意見反映專線：02-16852820轉6205", "zh"),
        ("(07)0000380轉1013", "請撥服務專線 (07)0000380轉1013，謝謝。", "zh"),
        ("555-0199", "Please call our front desk on 555-0199 and ask for me.", "en"),
    ],
)
def test_the_profile_phone_written_as_given_counts(
    suite: CheckSuite, phone: str, draft: str, language: str
) -> None:
    """The check asks for the contact's phone exactly as written; a number the phone
    library cannot read (a short local line, an unusual area code) is still the one."""
    contact = Contact("王小明", phone=phone)
    assert _channel(suite, draft, contact, language=language)
    # One digit off is a stranger's line, and a longer number only contains it.
    other = draft.replace(phone, phone[:-1] + ("1" if phone[-1] != "1" else "2"))
    assert not _channel(suite, other, contact, language=language)
    assert not _channel(suite, draft.replace(phone, phone + "7"), contact, language=language)


def test_the_profile_email_written_as_given_counts(suite: CheckSuite) -> None:
    contact = Contact("Anna Kowalska", email="care team@bank.example")
    assert _channel(suite, "Please write to care team@bank.example so we can help.", contact)
    assert not _channel(suite, "Please write to other@bank.example so we can help.", contact)


def test_the_classifier_reads_chinese_without_a_regex_per_token() -> None:
    """`_is_han` stands in for `_HAN.match` on a token's first character: the same
    answer for every character of the Basic Multilingual Plane."""
    from replyguard_checks.attack_model import _HAN, _is_han

    assert all(_is_han(chr(c)) == bool(_HAN.match(chr(c))) for c in range(0x10000))


@pytest.mark.slow
def test_cached_features_equal_the_first_written_ones_on_every_paraphrase() -> None:
    """The per-word cache changes no feature, nor their order (so no score), on the
    sentences the classifier is trained on, in every language and with none."""
    from pathlib import Path

    import yaml

    from replyguard_checks import normalize
    from replyguard_evals.corpus import yaml_strings

    checked = 0
    for path in sorted(Path("evals/paraphrases").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        language = str(data.get("language", "")) if isinstance(data, dict) else ""
        for text in yaml_strings(data):
            for sentence in sentences(normalize(text)):
                for lang in (language, ""):
                    assert list(features(sentence, lang)) == features_as_first_written(
                        sentence, lang
                    ), sentence
                    checked += 1
    assert checked > 20_000
