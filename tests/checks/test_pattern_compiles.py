"""Two speed-ups that stop the checks compiling regular expressions per draft (#14,
#17): `find_name` looks for a full name with `str.find` instead of a pattern made for
each name, and phonenumbers keeps the patterns it compiles instead of recompiling those
that `re`'s bounded cache has dropped. Each held to what it replaced."""

from __future__ import annotations

import re

import phonenumbers
from hypothesis import given, settings
from hypothesis import strategies as st

from replyguard_checks import CheckContext, Contact
from replyguard_checks.named_contact import _starts_word
from replyguard_checks.offline_channel import OfflineChannel
from replyguard_evals.dataset import load_cases

# Letters, digits, the underscore, marks and spaces: what word boundaries turn on.
_CHARS = st.sampled_from([*"ab _1éß²Ⅷ٣ -'", "\u0301", "\u4e00"])


@settings(max_examples=600, deadline=None)
@given(st.text(_CHARS, max_size=14), st.text(_CHARS, min_size=1, max_size=4))
def test_starts_word_is_the_pattern_it_replaced(text: str, part: str) -> None:
    expected = re.search(rf"(?<!\w){re.escape(part)}", text) is not None
    assert _starts_word(text, part) is expected


def test_starts_word_on_names() -> None:
    assert _starts_word("thanks anna maria kowalska", "anna maria")
    assert not _starts_word("thanks joanna maria", "anna maria")
    assert _starts_word("anna maria", "anna maria")
    assert not _starts_word("_anna maria", "anna maria")


def test_phone_patterns_are_kept_once_compiled() -> None:
    """After the checks are imported, a phone number read twice compiles nothing the
    second time, however many other patterns `re` has cached in between."""
    from phonenumbers import re_util

    assert OfflineChannel.name == "offline_channel"  # the checks are imported
    assert re_util._COMPILED_PATTERNS is not None
    text = "Call us on +49 30 1234567 or +33 1 42 68 53 00."
    list(phonenumbers.PhoneNumberMatcher(text, "DE"))
    for n in range(600):  # crowd `re`'s own cache
        re.compile(f"x{n}y")
    kept = dict(re_util._COMPILED_PATTERNS)
    list(phonenumbers.PhoneNumberMatcher(text, "DE"))
    assert kept == re_util._COMPILED_PATTERNS


def test_offline_channel_verdicts_do_not_depend_on_the_pattern_cache() -> None:
    """The same verdict and message for every eval case's review read as a draft, with
    phonenumbers' cache on and off."""
    from phonenumbers import re_util

    check = OfflineChannel()
    cases = load_cases()[:60]

    def verdicts() -> list[tuple[bool, str]]:
        out = []
        for case in cases:
            context = CheckContext(
                review_text=case.review.text,
                language=case.language,
                contact=Contact(name="Alex Morgan", phone="+49 30 1234567"),
            )
            verdict = check.check(case.review.text + " Call +49 30 1234567.", context)
            out.append((verdict.passed, verdict.message))
        return out

    cached = verdicts()
    saved = re_util._COMPILED_PATTERNS
    re_util._COMPILED_PATTERNS = None
    try:
        uncached = verdicts()
    finally:
        re_util._COMPILED_PATTERNS = saved
    assert cached == uncached
