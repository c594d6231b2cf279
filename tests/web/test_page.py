"""The agent page (`GET /`) in headless Chromium: suggest, read the checks, edit, copy.

The main scenario is the issue's: open the page, fill a review, click "Suggest
reply", see a draft with every check green, edit it into an attack, see `no_attack`
turn red. Screenshots land in artifacts/.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Request, Route, expect
from tests.support import BUSINESS, CONTACT, GOOD_DRAFT, REVIEW_TEXT
from tests.web.served import DESKTOP, PHONE, Served, new_context, screenshot

from replyguard_evals.scripted_llm import ScriptedLLM

# Real Chromium: CI runs these, `make test-fast` does not.
pytestmark = pytest.mark.slow

ATTACK = (
    "We find it hard to believe that you waited two hours; none of our other guests "
    "complained about the soup."
)
CHECKS = 10


def fill_profile(
    page: Page, phone: str = "+44 20 7946 0958", website: str = "bistroverde.example"
) -> None:
    expect(page.locator("#profile")).to_have_attribute("open", "")
    page.fill("#business-name", BUSINESS["name"])
    page.fill("#contact-name", CONTACT["name"])
    page.fill("#contact-role", CONTACT["role"])
    page.fill("#contact-phone", phone)
    page.fill("#contact-email", CONTACT["email"])
    page.fill("#contact-website", website)
    page.fill("#compensation", BUSINESS["compensation"][0])


def fill_review(page: Page) -> None:
    page.fill("#review-text", REVIEW_TEXT)
    page.select_option("#review-rating", "1")
    page.fill("#reviewer-name", "Karen Miller")
    page.fill("#review-platform", "google")


def card(page: Page, index: int) -> Any:
    return page.locator(f'article.card[data-index="{index}"]')


def expect_all_green(page: Page, index: int) -> None:
    draft = card(page, index)
    expect(draft.locator("li.check")).to_have_count(CHECKS)
    expect(draft.locator('li.check[data-state="fail"]')).to_have_count(0)
    expect(draft.locator(".verdict")).to_have_text("All checks passed")


def test_suggest_edit_into_an_attack_and_see_no_attack_turn_red(
    page: Page, templates_app: Served
) -> None:
    page.goto(templates_app.url + "/")
    expect(page).to_have_title("Suggest reply · replyguard")
    expect(page.locator("#service")).to_contain_text("Templates only")
    fill_review(page)
    fill_profile(page)

    page.get_by_role("button", name="Suggest reply").click()

    # The app's first reply loads the checks' models: seconds on a busy machine.
    expect(card(page, 0)).to_be_visible(timeout=40_000)
    expect(page.locator("article.card")).to_have_count(3)
    for index in range(3):
        expect_all_green(page, index)
        expect(card(page, index).locator(".tag.source")).to_have_text("Template")
        expect(card(page, index).locator(".tag.language")).to_have_text("English (en)")
    first = page.get_by_label("Text of draft 1")
    draft = first.input_value()
    assert draft.startswith("Dear Karen Miller,")
    assert "Anna Kowalska" in draft
    texts = {page.get_by_label(f"Text of draft {n}").input_value() for n in (1, 2, 3)}
    assert len(texts) == 3
    expect(page.locator("#status")).to_contain_text("3 drafts ready")
    screenshot(page, "agent-page-desktop.png")

    # Edit the first draft into an attack on the reviewer: the badges re-check live.
    # The attack takes the place of the opening thanks, so the length stays in bounds.
    opening, rest = draft.split(". ", 1)
    assert opening.startswith("Dear Karen Miller,")
    first.fill(f"Dear Karen Miller, {ATTACK} {rest}")
    no_attack = card(page, 0).locator('li.check[data-check="no_attack"]')
    expect(no_attack).to_have_attribute("data-state", "fail")
    expect(no_attack).to_have_class("check fail")
    expect(card(page, 0).locator(".verdict")).to_have_text("1 check failed")
    expect(card(page, 0).locator(".failures")).to_contain_text("No attack:")
    expect(card(page, 0).get_by_role("button", name="Copy anyway")).to_be_visible()
    expect(card(page, 0).locator(".edited-tag")).to_be_visible()
    expect_all_green(page, 1)  # the other drafts are untouched
    screenshot(page, "agent-page-desktop-attack.png")

    # Undo edits brings the suggestion and its green checks back.
    card(page, 0).get_by_role("button", name="Undo edits").click()
    expect_all_green(page, 0)
    assert first.input_value() == draft


def test_copy_and_mark_as_sent_report_feedback(browser: Browser, templates_app: Served) -> None:
    context = new_context(browser, DESKTOP)
    page = context.new_page()
    feedback: list[Request] = []
    page.on("request", lambda r: feedback.append(r) if r.url.endswith("/feedback") else None)
    page.goto(templates_app.url + "/")
    fill_review(page)
    fill_profile(page)
    page.fill("#api-key", "agent-key-1")
    with page.expect_response("**/v1/replies") as answer:
        page.get_by_role("button", name="Suggest reply").click()
    reply = answer.value.json()
    assert answer.value.request.headers.get("x-api-key") == "agent-key-1"
    assert answer.value.request.post_data_json["options"]["suggestions"] == 3

    # Copy the second draft as it is.
    with page.expect_response("**/feedback") as copied:
        card(page, 1).get_by_role("button", name="Copy").click()
    assert copied.value.status == 202
    assert copied.value.url.endswith(f"/v1/replies/{reply['id']}/feedback")
    body = copied.value.request.post_data_json
    second = reply["suggestions"][1]["text"]
    assert body == {"used_suggestion": 1, "edited": False, "final_text": second}
    assert page.evaluate("navigator.clipboard.readText()") == second
    expect(page.locator("#status")).to_contain_text("Draft 2 copied")

    # Edit the first one, then mark it as sent.
    first = page.get_by_label("Text of draft 1")
    first.fill(first.input_value() + " See you soon.")
    expect(card(page, 0).locator(".verdict")).not_to_have_text("Checking…")
    with page.expect_response("**/feedback") as sent:
        card(page, 0).get_by_role("button", name="Mark as sent").click()
    assert sent.value.status == 202
    body = sent.value.request.post_data_json
    assert body["used_suggestion"] == 0
    assert body["edited"] is True
    assert body["final_text"].endswith("See you soon.")
    assert body["sent_at"].endswith("Z")
    assert sent.value.json()["status"] == "accepted"
    expect(card(page, 0).get_by_role("button", name="Sent ✓")).to_be_visible()
    assert len(feedback) == 2
    context.close()


def test_query_parameters_prefill_and_the_profile_is_remembered(
    browser: Browser, templates_app: Served
) -> None:
    context = new_context(browser, DESKTOP)
    page = context.new_page()
    page.goto(templates_app.url + "/")
    fill_profile(page)
    query = {
        "text": "Das Essen war kalt und wir haben zwei Stunden gewartet.",
        "rating": "2",
        "reviewer_name": "Hans Becker",
        "platform": "tripadvisor",
        "language": "de",
        "review_id": "crm-77",
    }
    page.goto(templates_app.url + "/?" + urlencode(query))
    expect(page.locator("#review-text")).to_have_value(query["text"])
    expect(page.locator("#review-rating")).to_have_value("2")
    expect(page.locator("#reviewer-name")).to_have_value("Hans Becker")
    expect(page.locator("#review-platform")).to_have_value("tripadvisor")
    expect(page.locator("#review-language")).to_have_value("de")
    expect(page.locator("#review-id")).to_have_value("crm-77")
    # The profile came back from local storage, folded away.
    expect(page.locator("#business-name")).to_have_value("Bistro Verde")
    expect(page.locator("#profile")).not_to_have_attribute("open", "")
    expect(page.locator("#profile-summary")).to_contain_text("Bistro Verde · Anna Kowalska")

    # Keyboard only: Ctrl+Enter in the form suggests.
    page.locator("#review-text").focus()
    with page.expect_response("**/v1/replies") as answer:
        page.keyboard.press("Control+Enter")
    sent = answer.value.request.post_data_json
    assert sent["review"]["id"] == "crm-77"
    assert sent["business"]["contact"]["website"] == "bistroverde.example"
    assert sent["review"]["language"] == "de"
    assert sent["options"]["platform"] == "tripadvisor"
    expect(card(page, 0).locator(".tag.language")).to_have_text("German (de)")
    assert page.get_by_label("Text of draft 1").input_value().startswith("Guten Tag Hans Becker")
    expect(page.locator("#drafts")).to_be_focused()

    # A CRM link in the fragment (never sent to the server) with suggest=1 drafts at once.
    fragment = urlencode({"text": REVIEW_TEXT, "reviewer_name": "Karen Miller", "suggest": "1"})
    with page.expect_response("**/v1/replies"):
        page.goto(templates_app.url + "/#" + fragment)
    expect(page.locator("#review-text")).to_have_value(REVIEW_TEXT)
    expect_all_green(page, 0)
    context.close()


def test_phone_width(browser: Browser, templates_app: Served) -> None:
    context = new_context(browser, PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.goto(templates_app.url + "/")
    fill_profile(page)  # once: an agent's usual visit has it folded away
    page.goto(templates_app.url + "/?" + urlencode({"text": REVIEW_TEXT, "reviewer_name": "Karen"}))
    expect(page.locator("#profile")).not_to_have_attribute("open", "")
    page.get_by_role("button", name="Suggest reply").click()
    expect(page.locator("article.card")).to_have_count(3)
    expect_all_green(page, 0)
    # Nothing wider than the screen: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for selector in ("#suggest", "article.card >> nth=0", ".card-actions >> nth=0"):
        box = page.locator(selector).bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"]
    screenshot(page, "agent-page-phone.png")
    context.close()


def test_spinner_while_drafting(page: Page, templates_app: Served) -> None:
    held: list[Route] = []
    page.route("**/v1/replies", lambda route: held.append(route))
    page.goto(templates_app.url + "/")
    fill_review(page)
    fill_profile(page)
    page.get_by_role("button", name="Suggest reply").click()
    expect(page.locator("#spinner")).to_be_visible()
    expect(page.locator("#spinner")).to_contain_text("Drafting")
    expect(page.locator("#drafts")).to_have_attribute("aria-busy", "true")
    expect(page.locator("#suggest")).to_be_disabled()
    assert len(held) == 1
    held[0].continue_()
    expect(card(page, 0)).to_be_visible()
    expect(page.locator("#spinner")).to_be_hidden()
    expect(page.locator("#drafts")).to_have_attribute("aria-busy", "false")
    expect(page.locator("#suggest")).to_be_enabled()


def test_unreachable_service_is_said_plainly(page: Page, templates_app: Served) -> None:
    page.goto(templates_app.url + "/")
    fill_review(page)
    fill_profile(page)
    page.route("**/v1/replies", lambda route: route.abort("connectionrefused"))
    page.get_by_role("button", name="Suggest reply").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("cannot be reached")
    expect(page.locator("#spinner")).to_be_hidden()
    expect(page.locator("article.card")).to_have_count(0)


@pytest.mark.parametrize(
    ("bad", "said", "field"),
    [
        ({"phone": "12"}, "a phone number has 6 to 15 digits", "#contact-phone"),
        ({"website": "not a site"}, "a web site is a domain", "#contact-website"),
    ],
    ids=["phone", "website"],
)
def test_a_4xx_names_the_field_and_focuses_it(
    page: Page, templates_app: Served, bad: dict[str, str], said: str, field: str
) -> None:
    page.goto(templates_app.url + "/")
    fill_review(page)
    fill_profile(page, **bad)
    with page.expect_response("**/v1/replies") as answer:
        page.get_by_role("button", name="Suggest reply").click()
    assert answer.value.status == 422
    expect(page.get_by_role("alert")).to_contain_text(said)
    expect(page.locator(field)).to_have_attribute("aria-invalid", "true")
    expect(page.locator(field)).to_be_focused()


def test_missing_profile_is_caught_before_asking(page: Page, templates_app: Served) -> None:
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/v1/" in r.url else None)
    page.goto(templates_app.url + "/")
    fill_review(page)
    page.get_by_role("button", name="Suggest reply").click()
    expect(page.get_by_role("alert")).to_contain_text("business name")
    expect(page.locator("#business-name")).to_be_focused()
    assert asked == []


def test_recheck_error_is_shown(page: Page, templates_app: Served) -> None:
    page.goto(templates_app.url + "/")
    fill_review(page)
    fill_profile(page)
    page.get_by_role("button", name="Suggest reply").click()
    expect_all_green(page, 0)
    page.route(
        "**/v1/checks",
        lambda route: route.fulfill(
            status=401,
            content_type="application/json",
            body=json.dumps(
                {"error": {"code": "unauthorized", "message": "a valid API key is required"}}
            ),
        ),
    )
    page.get_by_label("Text of draft 1").fill("Dear Karen, sorry. Anna")
    expect(page.get_by_role("alert")).to_contain_text("API key")
    expect(card(page, 0).locator(".verdict")).to_have_text("Not re-checked")


def test_llm_drafts_and_the_template_fallback_notice(
    browser: Browser, llm_app: Served, llm: ScriptedLLM
) -> None:
    context = new_context(browser, DESKTOP)
    page = context.new_page()
    page.goto(llm_app.url + "/")
    expect(page.locator("#service")).to_contain_text("scripted-model")
    fill_review(page)
    fill_profile(page)

    llm.script({"text": GOOD_DRAFT})  # the extra drafts would be copies: templates fill in
    page.get_by_role("button", name="Suggest reply").click()
    expect(card(page, 0).locator(".tag.source")).to_have_text("LLM")
    expect_all_green(page, 0)
    assert page.get_by_label("Text of draft 1").input_value() == GOOD_DRAFT
    expect(card(page, 1).locator(".tag.source")).to_have_text("Template")
    expect(page.locator("#notice")).to_be_hidden()
    screenshot(page, "agent-page-desktop-llm.png")

    llm.script({"status": 500})
    page.get_by_role("button", name="Suggest reply").click()
    expect(page.locator("#notice")).to_contain_text("The LLM did not answer")
    expect(card(page, 0).locator(".tag.source")).to_have_text("Template")
    expect_all_green(page, 0)
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_no_accessibility_violations(
    browser: Browser, templates_app: Served, viewport: dict[str, int]
) -> None:
    """axe-core (every rule it runs by default: labels, roles, contrast, ...) finds
    nothing on the empty page, nor with drafts shown, one of them failing a check."""
    context = new_context(browser, viewport)
    page = context.new_page()
    page.goto(templates_app.url + "/")
    empty = Axe().run(page)
    assert empty.violations_count == 0, empty.generate_report()
    fill_review(page)
    fill_profile(page)
    page.get_by_role("button", name="Suggest reply").click()
    expect_all_green(page, 0)
    page.get_by_label("Text of draft 1").fill(f"Dear Karen, {ATTACK} Anna Kowalska")
    no_attack = card(page, 0).locator('li.check[data-check="no_attack"]')
    expect(no_attack).to_have_attribute("data-state", "fail")
    drafted = Axe().run(page)
    assert drafted.violations_count == 0, drafted.generate_report()
    context.close()
