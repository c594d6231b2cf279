"""Personalised template replies, from `prompts/templates/<lang>.yaml`.

A template names the reviewer (or greets neutrally), the specific problem (by topic,
or in the reviewer's own words), the named contact and the channel. `candidates`
yields every variant from fullest to most compact; the pipeline keeps the first one
that passes all checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from replyguard_checks.text import CJK_CHAR, EMAIL, URL, digits

from .schemas import Scenario

SLOTS = ("greeting", "problem", "quote", "offer", "fact", "channel", "signature", "business")


@dataclass(frozen=True, slots=True)
class Slots:
    """Everything a template needs to know about one review."""

    language: str
    scenario: Scenario
    reviewer_name: str | None
    business: str
    contact_name: str
    contact_role: str | None
    phone: str | None
    email: str | None
    topics: tuple[str, ...] = ()
    quote: str | None = None
    compensation: str | None = None
    not_offered: str | None = None
    fix: str | None = None


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
    data = yaml.safe_load((folder / "templates" / f"{language}.yaml").read_text(encoding="utf-8"))
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

    def _channel(self, data: dict[str, Any], slots: Slots) -> str:
        if slots.phone and slots.email:
            return str(data["channel"]["both"].format(phone=slots.phone, email=slots.email))
        if slots.phone:
            return str(data["channel"]["phone"].format(phone=slots.phone))
        return str(data["channel"]["email"].format(email=slots.email))

    def _signature(self, data: dict[str, Any], slots: Slots) -> str:
        sign = data["signature"]["with_role" if slots.contact_role else "without_role"]
        return str(
            sign.format(
                contact=slots.contact_name, role=slots.contact_role, business=slots.business
            )
        )

    def scaffold(self, slots: Slots, body: str) -> str:
        """A model-written body between the greeting and the closing line (contact
        and signature): how small local models get replies that can pass the checks.
        A greeting or sign-off the model added anyway is dropped."""
        data = self.data(slots.language)
        body = _whole_sentences(_strip_frame(body, data))
        closing = data["closing"].format(
            channel=self._channel(data, slots), signature=self._signature(data, slots)
        )
        greeting = self.greeting(slots.language, slots.reviewer_name)
        return tidy(f"{greeting} {body} {closing}")

    def candidates(self, slots: Slots) -> Iterator[str]:
        data = self.data(slots.language)
        greeting = self.greeting(slots.language, slots.reviewer_name)
        channel = self._channel(data, slots)
        signature = self._signature(data, slots)
        offer = ""
        if slots.compensation and slots.scenario in ("genuine", "anonymous"):
            offer = data["offer"].format(compensation=slots.compensation)
        facts = data["fact"]
        fact = ""
        if slots.scenario == "false_claim":
            fact = (
                facts["not_offered"].format(item=slots.not_offered, business=slots.business)
                if slots.not_offered
                else facts["no_record"]
            )
        elif slots.scenario == "fixed_since":
            fact = (
                facts["fixed"].format(fix=_sentence(slots.fix))
                if slots.fix
                else facts["fixed_generic"]
            )

        topic = self.topic_phrase(slots.language, slots.topics)
        quote = data["quote"].format(text=slots.quote) if slots.quote else ""
        details: list[tuple[str, str]] = []
        if topic:
            details.append((topic, ""))
        if quote:
            details.append((topic or data["problem_fallback"], quote))
        if (data["problem_fallback"], "") not in details:
            # Last resort, and the shortest: fits tight word limits.
            details.append((data["problem_fallback"], ""))

        seen: set[str] = set()
        for variant in data["scenarios"][slots.scenario]:
            for problem, quoted in details:
                text = variant.format(
                    greeting=greeting,
                    problem=problem,
                    quote=quoted,
                    offer=offer,
                    fact=fact,
                    channel=channel,
                    signature=signature,
                    business=slots.business,
                )
                text = tidy(text)
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
