"""Personalised template replies, from `prompts/templates/<lang>.yaml`.

A template names the reviewer (or greets neutrally), the specific problem (by topic,
and up to three of the reviewer's own phrases: `detail_phrases`), the named contact
and the channel. `candidates` yields every variant, the ones that name the most of
the reviewer's problems first; the pipeline keeps the first one that passes all
checks, and the topic-only and quoting variants stay behind them as the safety net.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from replyguard_checks import CJK_CHAR, EMAIL, HANT, URL, digits, to_simplified, to_traditional

from .cues import load_cues
from .detail_phrases import LIMIT, detail_phrases
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

    def _fact(self, data: dict[str, Any], facts: ReplyFacts) -> str:
        """The business's fact a false claim or a fixed fault is answered with."""
        frames = data["fact"]
        if facts.scenario == "false_claim":
            return str(
                frames["not_offered"].format(item=facts.not_offered, business=facts.business)
                if facts.not_offered
                else frames["no_record"]
            )
        if facts.scenario == "fixed_since":
            return str(
                frames["fixed"].format(fix=_sentence(facts.fix))
                if facts.fix
                else frames["fixed_generic"]
            )
        return ""

    def scaffold(self, facts: ReplyFacts, body: str) -> str:
        """A model-written body between the greeting and the closing line (contact
        and signature): how small local models get replies that can pass the checks.
        A greeting or sign-off the model added anyway is dropped. A false claim or a
        fixed fault also gets the business's fact, which a small model cannot state."""
        data = self.data(facts.language)
        body = _whole_sentences(_strip_frame(body, data))
        closing = data["closing"].format(
            channel=self._channel(data, facts), signature=self._signature(data, facts)
        )
        greeting = self.greeting(facts.language, facts.reviewer_name)
        fact = self._fact(data, facts)
        return in_script(tidy(f"{greeting} {body} {fact} {closing}"), facts)

    def detail_sentences(self, facts: ReplyFacts) -> list[list[str]]:
        """The sentences that name the reviewer's own phrases: for three, two, then one
        phrase (as many as the review has), each list holding the language's lines
        with the one this review's text picks first. Different reviews of a business
        so get different lines, and when `not_repeated` still rejects one, the next
        candidate is the same reply in other words rather than a plainer one."""
        if facts.scenario == "escalate":
            return []
        data = self.data(facts.language)
        frame = data.get("details")
        if not frame:
            return []
        cues = load_cues(self.folder, facts.language)
        complaint = cues.split(facts.review)[0]
        people = (facts.reviewer_name, facts.contact_name)
        parts = [part for name in people for part in (name or "").split() if len(part) >= 3]
        names = (*parts, facts.business)
        phrases = detail_phrases(complaint, facts.language, cues, self.folder, names)
        lines: list[str] = list(frame["lines"])
        first = zlib.crc32(" ".join(complaint.split()).encode()) % len(lines)
        lines = lines[first:] + lines[:first]
        found: list[list[str]] = []
        for count in range(min(LIMIT, len(phrases)), 0, -1):
            # The best `count` phrases, in the order the review tells them.
            chosen = sorted(phrases[:count], key=lambda p: _at(complaint, p))
            marked = [frame["mark"].format(text=p) for p in chosen]
            listed = (
                f"{frame['join'].join(marked[:-1])}{frame['last']}{marked[-1]}"
                if len(marked) > 1
                else marked[0]
            )
            found.append([line.format(list=listed) for line in lines])
        return found

    def candidates(self, facts: ReplyFacts) -> Iterator[str]:
        data = self.data(facts.language)
        greeting = self.greeting(facts.language, facts.reviewer_name)
        channel = self._channel(data, facts)
        signature = self._signature(data, facts)
        offer = ""
        if facts.compensation and facts.scenario in ("genuine", "anonymous"):
            offer = data["offer"].format(compensation=facts.compensation[0])
        fact = self._fact(data, facts)

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

        problem = topic or data["problem_fallback"]
        named: list[tuple[str, str, str]] = []
        for sentences in self.detail_sentences(facts):
            for position, variant in enumerate(v for v in variants if "{quote}" in v):
                # Other lines for the fullest variant only: enough to get past a
                # near-copy, without trying every line against a word limit.
                for sentence in sentences if position == 0 else sentences[:1]:
                    named.append((variant, problem, sentence))
        tried = [(v, p, q) for v in variants for p, q in details]
        order = [*named, *tried]
        if fact:
            # `short` drops the fact a false claim or a fixed fault is answered with:
            # every variant that keeps it comes first.
            order = [c for c in order if c[0] != data["short"]] + [
                c for c in order if c[0] == data["short"]
            ]

        seen: set[str] = set()
        for variant, problem, quoted in order:
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


def _at(text: str, phrase: str) -> int:
    """Where `phrase` stands in `text` (a Chinese phrase may be in Simplified form)."""
    at = text.find(phrase)
    return at if at >= 0 else to_simplified(text).find(phrase)


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


_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_QUOTES = "“”‘’"
#: A space next to a CJK character or CJK punctuation, or next to a curly quote that
#: itself touches one: Latin text keeps its spaces around “quoted words”.
_CJK_SPACE = re.compile(
    f"(?<=[{_CJK}]) | (?=[{_CJK}])|(?<=[{_CJK}][{_QUOTES}]) | (?=[{_QUOTES}][{_CJK}])"
)


def tidy(text: str) -> str:
    """One space between words, and none next to CJK characters or punctuation, which
    are written without spaces ("您好，很抱歉", not "您好， 很抱歉")."""
    text = re.sub(r"\s+", " ", text).strip()
    return _CJK_SPACE.sub("", text)


def _sentence(text: str) -> str:
    text = text.strip()
    if text.endswith((".", "!", "?", "。", "！", "？")):
        return text
    return text + ("。" if CJK_CHAR.search(text[-1]) else ".")
