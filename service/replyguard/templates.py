"""Personalised template replies, from `prompts/templates/<lang>.yaml`.

A template names the reviewer (or greets neutrally), the specific problem (by topic,
or in the reviewer's own words), the named contact and the channel. `candidates`
yields every variant from fullest to most compact; the pipeline keeps the first one
that passes all checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from replyguard_checks import CJK_CHAR, EMAIL, HANT, URL, digits, to_traditional

from .facts import ReplyFacts
from .resources import templates_file

SLOTS = ("greeting", "problem", "quote", "offer", "fact", "channel", "signature", "business")


def greeting_name(name: str | None) -> str | None:
    """The reviewer's name fit to print, or None: a name that carries an e-mail
    address, a link or a phone number is not repeated in public."""
    if not name:
        return None
    name = " ".join(name.split())[:60]
    if EMAIL.search(name) or URL.search(name) or len(digits(name)) >= 5:
        return None
    return name or None


@cache
def _load(folder: Path, language: str) -> dict[str, Any]:
    data = yaml.safe_load(templates_file(folder, language).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"templates {language}: expected a mapping")
    return data


class TemplateBook:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def data(self, language: str) -> dict[str, Any]:
        return _load(self.folder, language)

    def topic_phrase(self, language: str, topics: tuple[str, ...]) -> str | None:
        data = self.data(language)
        phrases = [data["topics"][t] for t in topics if t in data.get("topics", {})][:2]
        if not phrases:
            return None
        return f" {data['and']} ".join(phrases)

    def greeting(self, language: str, reviewer_name: str | None) -> str:
        """ "Dear Karen," or the language's neutral greeting for an anonymous review."""
        greetings = self.data(language)["greeting"]
        name = greeting_name(reviewer_name)
        return str(greetings["named"].format(name=name) if name else greetings["anonymous"])

    def _channel(self, data: dict[str, Any], facts: ReplyFacts) -> str:
        if facts.phone and facts.email:
            return str(data["channel"]["both"].format(phone=facts.phone, email=facts.email))
        if facts.phone:
            return str(data["channel"]["phone"].format(phone=facts.phone))
        return str(data["channel"]["email"].format(email=facts.email))

    def _signature(self, data: dict[str, Any], facts: ReplyFacts) -> str:
        sign = data["signature"]["with_role" if facts.contact_role else "without_role"]
        return str(
            sign.format(
                contact=facts.contact_name, role=facts.contact_role, business=facts.business
            )
        )

    def scaffold(self, facts: ReplyFacts, body: str) -> str:
        """A model-written body between the greeting and the closing line (contact
        and signature): how small local models get replies that can pass the checks.
        A greeting or sign-off the model added anyway is dropped."""
        data = self.data(facts.language)
        body = _whole_sentences(_strip_frame(body, data))
        closing = data["closing"].format(
            channel=self._channel(data, facts), signature=self._signature(data, facts)
        )
        greeting = self.greeting(facts.language, facts.reviewer_name)
        return in_script(tidy(f"{greeting} {body} {closing}"), facts)

    def candidates(self, facts: ReplyFacts) -> Iterator[str]:
        data = self.data(facts.language)
        greeting = self.greeting(facts.language, facts.reviewer_name)
        channel = self._channel(data, facts)
        signature = self._signature(data, facts)
        offer = ""
        if facts.compensation and facts.scenario in ("genuine", "anonymous"):
            offer = data["offer"].format(compensation=facts.compensation[0])
        frames = data["fact"]
        fact = ""
        if facts.scenario == "false_claim":
            fact = (
                frames["not_offered"].format(item=facts.not_offered, business=facts.business)
                if facts.not_offered
                else frames["no_record"]
            )
        elif facts.scenario == "fixed_since":
            fact = (
                frames["fixed"].format(fix=_sentence(facts.fix))
                if facts.fix
                else frames["fixed_generic"]
            )

        topic = self.topic_phrase(facts.language, facts.topics)
        quote = data["quote"].format(text=facts.quote) if facts.quote else ""
        details: list[tuple[str, str]] = []
        if topic:
            details.append((topic, ""))
        if quote:
            details.append((topic or data["problem_fallback"], quote))
        if (data["problem_fallback"], "") not in details:
            # Last resort, and the shortest: fits tight word limits.
            details.append((data["problem_fallback"], ""))
        variants = [*data["scenarios"][facts.scenario], data["short"]]
        if facts.scenario == "escalate":
            # A holding reply names no detail and quotes nothing (and `short` apologises).
            details = [(data["problem_fallback"], "")]
            variants = list(data["scenarios"]["escalate"])

        seen: set[str] = set()
        for variant in variants:
            for problem, quoted in details:
                text = variant.format(
                    greeting=greeting,
                    problem=problem,
                    quote=quoted,
                    offer=offer,
                    fact=fact,
                    channel=channel,
                    signature=signature,
                    contact=facts.contact_name,
                    business=facts.business,
                )
                text = in_script(tidy(text), facts)
                if text not in seen:
                    seen.add(text)
                    yield text


_SIGN_OFF = re.compile(
    r"(?im)^\s*(?:best|kind|warm)?\s*(?:regards|sincerely|yours|best wishes|cheers|"
    r"mit freundlichen|viele grüße|atentamente|saludos|cordialement|bien à vous|"
    r"met vriendelijke|groet|pozdrawiam|z poważaniem|lep pozdrav|s spoštovanjem|"
    r"поздрави|с уважение|此致|祝好)\b.*",
    re.DOTALL,
)


def in_script(text: str, facts: ReplyFacts) -> str:
    """A reply to a review in Traditional characters is written in them too; the
    business's, the contact's and the reviewer's names stay as they are spelt."""
    if facts.script != HANT:
        return text
    keep = (facts.business, facts.contact_name, facts.reviewer_name or "")
    return to_traditional(text, keep)


def _whole_sentences(body: str) -> str:
    """A body cut off by the token limit ends mid-sentence: keep the whole sentences."""
    if body.rstrip().endswith((".", "!", "?", "。", "！", "？")):
        return body
    ends = [m.end() for m in re.finditer(r"[.!?。！？](?=\s|$)", body)]
    return body[: ends[-1]] if ends else body


def _strip_frame(body: str, data: dict[str, Any]) -> str:
    """Drop a salutation line and a sign-off the model wrote although told not to."""
    body = _SIGN_OFF.sub("", body).strip()
    words = {
        str(data["greeting"][kind]).split()[0].strip(",!:，{").casefold()
        for kind in ("anonymous", "named")
    } | {"dear", "hi", "hello", "hey"}
    words.discard("")
    salutation = re.compile(
        rf"^\s*(?:{'|'.join(map(re.escape, sorted(words)))})\b"
        r"\s*(?:[^\s,!?.:]+\.?\s*){0,4}[,!:]\s*",
        re.IGNORECASE,
    )
    while (stripped := salutation.sub("", body, count=1)) != body:
        body = stripped
    if "您好" in str(data["greeting"]["named"]):
        body = re.sub(r"^\s*[^，,。！!？?\s]{0,12}您好[，,！!]?\s*", "", body)
    return body.strip()


_CJK_OR_PUNCT = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef“”‘’"


def tidy(text: str) -> str:
    """One space between words, and none next to CJK characters or punctuation, which
    are written without spaces ("您好，很抱歉", not "您好， 很抱歉")."""
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(f"(?<=[{_CJK_OR_PUNCT}]) | (?=[{_CJK_OR_PUNCT}])", "", text)


def _sentence(text: str) -> str:
    text = text.strip()
    if text.endswith((".", "!", "?", "。", "！", "？")):
        return text
    return text + ("。" if CJK_CHAR.search(text[-1]) else ".")
