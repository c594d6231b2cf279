"""Risk hold: a review a person must answer gets scenario `escalate`, `needs_human`,
the risks, and only a checked holding reply: no LLM, no admission, no detail."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from tests.support import GOOD_DRAFT, reply_body

from replyguard.settings import Settings
from replyguard_checks import SUPPORTED_LANGUAGES
from replyguard_evals.scripted_llm import ScriptedLLM

TEMPLATES = Settings(llm_provider="none").prompts_dir / "templates"

#: Words that apologise for the matter or admit fault, per language.
ADMISSION = {
    "en": ["sorry", "apolog", "fault", "responsib", "negligen", "admit", "blame"],
    "de": ["tut mir leid", "tut uns leid", "entschuldig", "schuld", "verantwort", "fahrlässig"],
    "es": ["lo siento", "lamentamos", "disculp", "culpa", "responsab", "negligen"],
    "fr": ["désolé", "excus", "faute", "responsab", "négligen", "regrett"],
    "nl": ["spijt", "excuses", "schuld", "verantwoordelijk", "nalatig"],
    "pl": ["przeprasz", "wina", "winni", "odpowiedzial", "zaniedb"],
    "sl": ["opraviču", "žal", "krivd", "odgovorn", "malomar"],
    "bg": ["съжаля", "извин", "вина", "отговорност", "небрежн"],
    "zh": ["抱歉", "对不起", "道歉", "责任", "过错", "疏忽"],
}

#: (language, review, the risks it must carry)
RISKY: list[tuple[str, str, set[str]]] = [
    ("en", "The waiter spilled boiling soup on my son. My solicitor will be in touch.", {"legal"}),
    ("en", "I slipped and fell on the wet stairs and ended up in the emergency room.", {"injury"}),
    (
        "en",
        "We got food poisoning after the seafood platter, three of us were vomiting.",
        {"injury"},
    ),
    (
        "en",
        "The doorman refused to let us in because we are Muslim. This is discrimination.",
        {"discrimination"},
    ),
    ("en", "The night manager kept making sexual comments and grabbed my arm.", {"harassment"}),
    ("en", "I have reported the mice in your kitchen to the health department.", {"authority"}),
    ("en", "Cold food again. I will burn this place down, watch your back.", {"threat"}),
    ("en", "Scam! Thieves! Liars! Idiots! Fraudsters, all of you!", {"abuse"}),
    ("de", "Ich bin auf den nassen Fliesen ausgerutscht und musste ins Krankenhaus.", {"injury"}),
    ("de", "Mein Anwalt wird sich bei Ihnen melden, wir sehen uns vor Gericht.", {"legal"}),
    ("de", "Ich habe das Gesundheitsamt über die Kakerlaken informiert.", {"authority"}),
    ("es", "Acabé en urgencias con una intoxicación después de la cena.", {"injury"}),
    ("es", "El encargado me acosó toda la noche. Es acoso.", {"harassment"}),
    (
        "fr",
        "Le portier nous a refusé l'entrée parce que je suis noir. C'est du racisme.",
        {"discrimination"},
    ),
    ("fr", "Je vais porter plainte et mon avocat vous contactera.", {"legal"}),
    ("nl", "Ik heb de NVWA ingelicht over de muizen in de keuken.", {"authority"}),
    ("nl", "Mijn advocaat neemt contact op, dit wordt een rechtszaak.", {"legal"}),
    ("pl", "Kelner odmówił obsługi, bo jestem na wózku. To dyskryminacja.", {"discrimination"}),
    ("pl", "Po obiedzie całą noc wymiotowałem, to było zatrucie.", {"injury"}),
    ("sl", "Po večerji sem bruhal vso noč, zastrupitev s hrano.", {"injury"}),
    ("sl", "Zadevo bom predal odvetniku in vas tožil.", {"legal"}),
    ("bg", "Ще ви съдя! Адвокатът ми ще се свърже с вас.", {"legal"}),
    ("bg", "Сервитьорът ме удари и ме блъсна на изхода.", {"harassment"}),
    ("zh", "吃完饭后我食物中毒住院了，我要找律师起诉你们。", {"legal", "injury"}),
    ("zh", "我已经向市场监管部门投诉了你们的卫生问题。", {"authority"}),
]

#: Ordinary complaints that use risky-looking words: answered as usual.
ORDINARY: list[tuple[str, str]] = [
    ("en", "The toast was burnt and the coffee was lukewarm. Sick of waiting 40 minutes."),
    ("en", "I called twice and nobody answered; the court-side table was dirty."),
    ("en", "Prices fell but the portions got smaller. The hospital-green walls are ugly."),
    ("de", "Das Gericht war kalt und der Kellner hat uns ewig warten lassen."),
    ("de", "Die Sahne war nicht geschlagen und das Fleisch war verbrannt."),
    ("es", "Hay mucha demanda y el servicio fue lento; a mi juicio, la comida estaba fría."),
    ("fr", "L'avocat dans ma salade était noir et le service très lent."),
    (
        "nl",
        "In sommige gevallen duurt de bezorging een week; de rechter kant van de tafel was vies.",
    ),
    ("pl", "Sądzę, że obsługa była powolna, a zupa zimna. Ranna zmiana była niemiła."),
    ("sl", "Cena je padla, a porcije so manjše. Poškodbe na paketu so bile vidne."),
    ("bg", "Пицата беше изгоряла, а цената падна само с лев."),
    ("zh", "菜太咸了，等了一个小时才上菜，服务员态度冷淡。"),
]


def _body(language: str, text: str, **options: Any) -> dict[str, Any]:
    body = reply_body(text=text, language=language)
    if options:
        body["options"] = options
    return body


@pytest.mark.parametrize(
    ("language", "text", "risks"), RISKY, ids=[f"{r[0]}-{i}" for i, r in enumerate(RISKY)]
)
def test_a_risky_review_gets_only_a_holding_reply(
    client: TestClient, llm: ScriptedLLM, language: str, text: str, risks: set[str]
) -> None:
    llm.script({"text": GOOD_DRAFT})
    data = client.post("/v1/replies", json=_body(language, text)).json()
    assert data["scenario"] == "escalate", data["scenario_reason"]
    assert data["needs_human"] is True
    assert risks <= set(data["risks"])
    assert data["scenario_reason"].startswith("a person must answer")
    assert llm.requests == [], "a held review never goes to the LLM"
    assert data["source"] == "template"
    assert [a["source"] for a in data["attempts"]] == ["template"]
    assert data["passed"] is True, data["checks"]
    reply = data["reply"].casefold()
    assert "anna kowalska" in reply
    assert "0958" in reply or "anna@bistroverde.example" in reply
    assert not [w for w in ADMISSION[language] if w in reply], data["reply"]


@pytest.mark.parametrize(
    ("language", "text"), ORDINARY, ids=[f"{r[0]}-{i}" for i, r in enumerate(ORDINARY)]
)
def test_ordinary_complaints_are_not_held(
    client: TestClient, llm: ScriptedLLM, language: str, text: str
) -> None:
    llm.script({"text": GOOD_DRAFT})
    data = client.post("/v1/replies", json=_body(language, text)).json()
    assert data["scenario"] != "escalate", data["scenario_reason"]
    assert data["needs_human"] is False
    assert data["risks"] == []


def test_two_insults_are_answered_four_are_held(client: TestClient) -> None:
    angry = client.post(
        "/v1/replies", json=_body("en", "Scammers and thieves! The soup was cold.")
    ).json()
    assert angry["scenario"] != "escalate"
    abusive = client.post(
        "/v1/replies", json=_body("en", "Scammers, thieves, liars and crooks, all of you.")
    ).json()
    assert abusive["scenario"] == "escalate"
    assert abusive["risks"] == ["abuse"]


def test_a_forced_scenario_does_not_release_a_hold(client: TestClient) -> None:
    body = _body("en", "My lawyer will contact you about the cold soup.", scenario="genuine")
    data = client.post("/v1/replies", json=body).json()
    assert data["scenario"] == "escalate"
    assert data["risks"] == ["legal"]


def test_a_caller_can_hold_any_review(client: TestClient, llm: ScriptedLLM) -> None:
    llm.script({"text": GOOD_DRAFT})
    data = client.post("/v1/replies", json=reply_body() | {"options": {"scenario": "escalate"}})
    assert data.json()["needs_human"] is True
    assert data.json()["risks"] == []
    assert llm.requests == []


def test_checks_endpoint_says_a_person_must_answer(client: TestClient) -> None:
    body = _body("en", "I broke my wrist on your broken step. My solicitor will call.")
    body["draft"] = (
        "Dear Karen, thank you for telling us. I would like to talk this through with you "
        "directly: please call me on 020 7946 0958. Anna Kowalska"
    )
    data = client.post("/v1/checks", json=body).json()
    assert data["needs_human"] is True
    assert set(data["risks"]) == {"legal", "injury"}
    assert data["passed"] is True, data["checks"]


def test_a_tight_platform_limit_still_gets_a_holding_reply(client: TestClient) -> None:
    body = _body("en", "My lawyer will be in touch.", platform="google_play", max_words=40)
    data = client.post("/v1/replies", json=body).json()
    assert data["scenario"] == "escalate"
    assert data["passed"] is True
    assert len(data["reply"]) <= 350


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_language_has_holding_replies_without_admission(language: str) -> None:
    data = yaml.safe_load((TEMPLATES / f"{language}.yaml").read_text("utf-8"))
    variants = data["scenarios"]["escalate"]
    assert len(variants) >= 2
    for variant in variants:
        assert "{channel}" in variant
        assert "{signature}" in variant
        assert "{quote}" not in variant
        assert "{problem}" not in variant
        assert "{offer}" not in variant
        lowered = variant.casefold()
        assert not [w for w in ADMISSION[language] if w in lowered], variant


def test_every_language_has_risk_cues() -> None:
    for language in SUPPORTED_LANGUAGES:
        cues = yaml.safe_load(
            (Path(TEMPLATES).parent / "cues" / f"{language}.yaml").read_text("utf-8")
        )
        assert set(cues["risks"]) == {
            "legal",
            "injury",
            "discrimination",
            "harassment",
            "authority",
            "threat",
        }, language
