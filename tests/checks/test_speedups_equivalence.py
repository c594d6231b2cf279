"""The per-draft speed-ups of #14, each held to the code it replaced: the typographic
marks replaced one by one, combining marks dropped through a translation table, the
classifier's features built as a list, the context's names cached."""

from __future__ import annotations

import math
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.checks.first_written import features_as_first_written

from replyguard_checks import CheckContext, Contact, normalize
from replyguard_checks.attack_model import features, sentences, shipped, slots
from replyguard_checks.context import _names
from replyguard_checks.text import PLAIN_MARKS, name_parts, plain_marks, strip_accents
from replyguard_evals.corpus import HOLDOUT_DIR, load_corpus, yaml_strings
from replyguard_evals.dataset import load_cases

_MARKS = "".join(mark for mark, _ in PLAIN_MARKS)
_TRANSLATE = str.maketrans(dict(PLAIN_MARKS))


def _strip_accents_as_first_written(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ł", "l")


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet=st.sampled_from([*_MARKS, "a", "ł", " ", "'", '"', "-", "王"])))
def test_plain_marks_is_the_translation_it_replaced(text: str) -> None:
    assert plain_marks(text) == text.translate(_TRANSLATE)


@settings(max_examples=500, deadline=None)
@given(text=st.text())
def test_plain_marks_and_strip_accents_on_any_text(text: str) -> None:
    assert plain_marks(text) == text.translate(_TRANSLATE)
    assert strip_accents(text) == _strip_accents_as_first_written(text)


def test_strip_accents_on_every_character_of_the_alphabets_we_read() -> None:
    # Latin, Greek, Cyrillic, their combining marks and more: every code point below
    # U+3000, then a sample of the rest (CJK, emoji, supplementary planes).
    points = [*range(0x3000), *range(0x3000, 0x110000, 97)]
    chars = [chr(p) for p in points if not 0xD800 <= p <= 0xDFFF]
    for start in range(0, len(chars), 500):
        text = "".join(chars[start : start + 500])
        assert strip_accents(text) == _strip_accents_as_first_written(text)
    assert strip_accents("Kowalską Paweł Ñandú") == "Kowalska Pawel Nandu"


def _texts() -> list[str]:
    drafts = [d.draft for d in load_corpus()]
    drafts += [d.draft for d in load_corpus(HOLDOUT_DIR)]
    drafts += [c.review.text for c in load_cases()]
    return drafts


def _score_as_first_written(sentence: str, language: str) -> float:
    model = shipped()
    assert model is not None
    found = set(features_as_first_written(sentence, language))
    total = model.bias + sum(model.weights[i] for i in slots(found, model.bits))
    if total < -30:
        return 0.0
    return 1.0 / (1.0 + math.exp(-total))


@pytest.mark.slow
def test_features_and_score_equal_the_generator_on_every_paraphrase_and_draft() -> None:
    """Same features in the same order, so the same set, summed in the same order: the
    same score to the last bit."""
    model = shipped()
    assert model is not None
    texts = [(t, "") for t in _texts()]
    for path in sorted(Path("evals/paraphrases").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        language = str(data.get("language", "")) if isinstance(data, dict) else ""
        texts += [(t, language) for t in yaml_strings(data)]
    checked = 0
    for text, language in texts:
        for sentence in sentences(normalize(text)):
            for lang in dict.fromkeys((language, "", "en", "zh", "pl")):
                assert features(sentence, lang) == features_as_first_written(sentence, lang), (
                    sentence
                )
                assert model.score(sentence, lang) == _score_as_first_written(sentence, lang)
                checked += 1
    assert checked > 20_000


@settings(max_examples=300, deadline=None)
@given(
    sentence=st.text(alphabet="ab 12王您说谎'-.", max_size=40),
    language=st.sampled_from(["", "en", "de", "zh", "zh-Hant"]),
)
def test_features_equal_the_generator_on_random_text(sentence: str, language: str) -> None:
    assert features(sentence, language) == features_as_first_written(sentence, language)


@pytest.mark.parametrize(
    ("reviewer", "contact", "business"),
    [(None, "Anna Kowalska", "Bistro Verde"), ("Karen van Dijk", "王伟", ""), ("", "Li", "X")],
)
def test_cached_names_are_the_names(reviewer: str | None, contact: str, business: str) -> None:
    context = CheckContext("review", "en", Contact(contact, role="Manager"), business, reviewer)
    expected = [*name_parts(reviewer), *name_parts(contact), business]
    assert context.names == expected
    assert context.masked_names == (*expected, "Manager")
    assert _names(reviewer, contact, business) == tuple(expected)


# The speed-ups of #17, each held to what it replaced on the labelled drafts.


def _all_texts() -> list[str]:
    """Every labelled draft and review of the corpora, as written and normalised."""
    texts: list[str] = []
    for folder in (Path("evals/corpus"), Path(HOLDOUT_DIR), *sorted(Path("evals/real").iterdir())):
        if folder.is_dir():
            for item in load_corpus(folder):
                texts += [item.draft, item.context.review_text]
    texts += [c.review.text for c in load_cases()]
    texts = list(dict.fromkeys(texts))
    return texts + [normalize(t) for t in texts]


@pytest.mark.slow
def test_letters_are_counted_as_the_generator_counted_them() -> None:
    from replyguard_checks.language import _TRIGRAMS_ONLY, _trigrams_only, prose, sample

    checked = 0
    for text in _all_texts():
        for variant in (text, sample(text), prose(text), text[:119], text[:160]):
            expected = sum(ch.isalpha() for ch in variant) >= _TRIGRAMS_ONLY
            assert _trigrams_only(variant) == expected, variant
            checked += 1
    assert checked > 10_000


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(["a", "é", "王", "1", " ", "²", "_", "ß"]), max_size=200)
)
def test_letters_on_random_text(text: str) -> None:
    from replyguard_checks.language import _TRIGRAMS_ONLY, _trigrams_only

    assert _trigrams_only(text) == (sum(ch.isalpha() for ch in text) >= _TRIGRAMS_ONLY)


@pytest.mark.slow
def test_prose_is_the_composition_it_replaced() -> None:
    from replyguard_checks.language import _NUMBERS, prose
    from replyguard_checks.text import URL, mask_terms, without_addresses

    for text in _all_texts():
        for names in ((), ("Anna Kowalska", "Anna"), ("Karen",)):
            expected = _NUMBERS.sub(
                " ", mask_terms(normalize(without_addresses(URL.sub(" ", text))), names)
            )
            assert prose(text, names) == expected, text


@pytest.mark.slow
def test_cached_phone_parsing_is_the_parsing() -> None:
    """`national_number` and the region of the business's phone are cached; the phones
    of every labelled draft and review and every contact read as uncached."""
    import phonenumbers

    from replyguard_checks.offline_channel import (
        LANGUAGE_REGION,
        _region_of,
        find_phones,
        national_number,
    )

    checked = 0
    for folder in (Path("evals/corpus"), Path(HOLDOUT_DIR), *sorted(Path("evals/real").iterdir())):
        if not folder.is_dir():
            continue
        for item in load_corpus(folder):
            region = LANGUAGE_REGION.get(item.context.language)
            raws = [p.text for p in find_phones(item.draft, region)]
            raws += [item.context.contact.phone or ""]
            for raw in filter(None, raws):
                for where in (region, None, "US"):
                    assert national_number(raw, where) == national_number.__wrapped__(raw, where)
                    checked += 1
                phone = raw.strip()
                try:
                    expected = phonenumbers.region_code_for_number(phonenumbers.parse(phone, None))
                except phonenumbers.NumberParseException:
                    expected = None
                assert _region_of(phone) == (expected or None)
    assert checked > 1000


def _private_items_as_first_written(review: str, context: CheckContext) -> list[tuple[str, str]]:
    from replyguard_checks.lexicon import lexicons_for
    from replyguard_checks.no_private_data import _REFERENCE
    from replyguard_checks.offline_channel import (
        find_phones,
        is_date,
        national_number,
        region_for,
        same_line,
    )
    from replyguard_checks.text import EMAIL, digits

    own_email = (context.contact.email or "").casefold()
    region = region_for(context)
    own_phone = national_number(context.contact.phone, region) if context.contact.phone else ""
    items: list[tuple[str, str]] = []
    items += [("e-mail address", e) for e in EMAIL.findall(review) if e.casefold() != own_email]
    phones = find_phones(review, region)
    items += [
        ("phone number", p.text)
        for p in phones
        if not (own_phone and same_line(p.national, own_phone))
    ]
    phone_digits = {digits(p.text) for p in phones}
    for match in _REFERENCE.finditer(review):
        value = match.group().strip()
        if len(digits(value)) >= 5 and digits(value) not in phone_digits and not is_date(value):
            items.append(("reference number", value))
    for lex in lexicons_for(context.language, review):
        items += [("address", m.group()) for m in lex.address.finditer(normalize(review))]
    return list(dict.fromkeys(items))


@pytest.mark.slow
def test_private_items_cached_by_review_are_the_items() -> None:
    """The cache key holds everything the items depend on: each labelled review, with
    its own context and with another case's contact and language."""
    from dataclasses import replace

    from replyguard_checks.no_private_data import private_items

    contexts = []
    for folder in (Path("evals/corpus"), Path(HOLDOUT_DIR), *sorted(Path("evals/real").iterdir())):
        if folder.is_dir():
            contexts += [item.context for item in load_corpus(folder)]
    assert len(contexts) > 1000
    found = 0
    for index, context in enumerate(contexts):
        other = contexts[(index * 7 + 3) % len(contexts)]
        variants = (context, replace(context, contact=other.contact, language=other.language))
        for ctx in variants:
            expected = _private_items_as_first_written(ctx.review_text, ctx)
            assert private_items(ctx.review_text, ctx) == expected
            found += bool(expected)
    assert found > 20


def _shared_run_as_first_written(text: str, source: str, length: int) -> str | None:
    from replyguard_checks.no_meta import _grams, _tokens

    if not source:
        return None
    tokens = _tokens(text)
    grams = _grams(source, length)
    for i in range(len(tokens) - length + 1):
        if tuple(tokens[i : i + length]) in grams:
            return " ".join(tokens[i : i + length])
    return None


@pytest.mark.slow
def test_shared_run_is_the_loop_it_replaced() -> None:
    from replyguard_checks.no_meta import shared_run

    items = [
        item for folder in (Path("evals/corpus"), Path(HOLDOUT_DIR)) for item in load_corpus(folder)
    ]
    found = 0
    for item in items:
        sources = (item.context.review_text, item.context.instructions, *item.context.injected)
        for source in sources:
            for length in (2, 4, 8, 15):
                expected = _shared_run_as_first_written(item.draft, source, length)
                assert shared_run(item.draft, source, length) == expected
                found += expected is not None
    assert found > 100
