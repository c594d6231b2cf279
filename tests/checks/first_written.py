"""The attack classifier's features as first written, before their per-word cache
and before they were built as a list: the reference the tests hold `features` to."""

from __future__ import annotations


def features_as_first_written(sentence: str, language: str = "") -> list[str]:
    """`features` before its per-word cache: the reference the cached one must equal."""
    from replyguard_checks.attack_model import _HAN, _PREFIX, _TOKEN, _is_han
    from replyguard_checks.details import lemma

    tokens = ["<s>", *(t if not t.isdigit() else "0" for t in _TOKEN.findall(sentence)), "</s>"]
    lemmas = language not in ("", "zh", "zh-Hant")
    last = len(tokens) - 1
    out: list[str] = []
    for i, token in enumerate(tokens):
        out.append("w " + token)
        han = _is_han(token[0])
        if len(token) > _PREFIX and not han:
            out.append("p " + token[:_PREFIX])
        if lemmas and 0 < i < last and token != "0" and not han:
            out.append("l " + lemma(token, language))
        if i:
            out.append("b " + tokens[i - 1] + " " + token)
    for run in _HAN.findall(sentence):
        padded = f"<{run}>"
        for j in range(len(padded) - 1):
            out.append("c " + padded[j : j + 2])
            if j + 3 <= len(padded):
                out.append("t " + padded[j : j + 3])
    return out
