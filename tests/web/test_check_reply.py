"""The agent page's "Check my reply" mode in headless Chromium: paste a reply, read its
badges, "Fix it" for a word diff of the revision, accept it or keep editing."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect
from tests.support import GOOD_DRAFT, REVIEW_TEXT
from tests.web.served import DESKTOP, PHONE, Served, new_context, screenshot
from tests.web.test_page import CHECKS, fill_profile, fill_review

# Real Chromium: CI runs these, `make test-fast` does not.
pytestmark = pytest.mark.slow

#: Attacks the reviewer and is signed by no one: fails `no_attack` and `named_contact`.
ATTACKING = (
    "Dear Karen, thank you for telling us about your Saturday evening. Two hours is far too "
    "long to wait for a table, and the soup should never have reached you cold. We find it "
    "hard to believe that the waiter ignored you; none of our other guests complained. "
    "Please call us on 020 7946 0958."
)

#: The first check of a fresh app loads the checks' models: seconds on a busy machine.
COLD_MS = 40_000


def open_check_mode(page: Page, served: Served) -> None:
    page.goto(served.url + "/")
    fill_review(page)
    fill_profile(page)
    page.get_by_role("button", name="Check my reply").click()
    expect(page.locator("#own")).to_be_visible()
    expect(page.locator("#drafts")).to_be_hidden()


def state(page: Page, scope: str, check: str) -> str | None:
    return page.locator(f'{scope} li.check[data-check="{check}"]').get_attribute("data-state")


def test_fix_a_failing_reply_see_the_diff_and_accept_it(page: Page, templates_app: Served) -> None:
    open_check_mode(page, templates_app)
    reply = page.get_by_label("Your reply", exact=True)
    reply.fill(ATTACKING)

    badges = page.locator("#own-checks li.check")
    expect(badges).to_have_count(CHECKS, timeout=COLD_MS)
    expect(page.locator('#own-checks li.check[data-state="fail"]')).to_have_count(2)
    assert state(page, "#own-checks", "no_attack") == "fail"
    assert state(page, "#own-checks", "named_contact") == "fail"
    expect(page.locator("#own-verdict")).to_have_text("2 checks failed")
    expect(page.locator("#own-failures")).to_contain_text("No attack:")

    with page.expect_response("**/v1/revisions") as answer:
        page.get_by_role("button", name="Fix it").click()
    data = answer.value.json()
    sent = answer.value.request.post_data_json
    assert sent is not None
    assert sent["draft"] == ATTACKING
    assert data["passed"]
    assert data["source"] == "rules"

    revision = page.locator("#revision")
    expect(revision).to_be_visible()
    expect(revision).to_be_focused()
    removed = page.locator("#diff del")
    added = page.locator("#diff ins")
    expect(removed).to_have_count(1)
    expect(removed).to_contain_text("hard to believe that the waiter ignored you")
    expect(added).to_contain_text("Anna Kowalska, Restaurant Manager")
    # Without colour: a sign the eye sees, and words a screen reader says.
    expect(removed.locator(".sign")).to_have_text("−")
    expect(added.locator(".sign")).to_have_text("+")
    expect(removed.locator(".visually-hidden").first).to_have_text("[removed: ")
    expect(added.locator(".visually-hidden").first).to_have_text("[added: ")
    # The words both share are plain text, not marked.
    expect(page.locator("#diff")).to_contain_text("the soup should never have reached you cold.")
    expect(page.locator("#revision-checks li.check")).to_have_count(CHECKS)
    expect(page.locator('#revision-checks li.check[data-state="fail"]')).to_have_count(0)
    changes = page.locator("#changes li")
    expect(changes).to_have_count(len(data["changes"]))
    removal = page.locator('#changes li[data-check="no_attack"][data-kind="removed"]')
    expect(removal).to_contain_text("No attack: removed")
    addition = page.locator('#changes li[data-check="named_contact"][data-kind="added"]')
    expect(addition).to_contain_text("Named contact: added “Anna Kowalska")
    expect(page.locator("#kept")).to_have_text(f"Kept {round(data['kept'] * 100)} % of your words.")
    screenshot(page, "agent-page-check-my-reply.png")

    page.get_by_role("button", name="Accept revision").click()
    expect(revision).to_be_hidden()
    assert reply.input_value() == data["revised"]
    expect(reply).to_be_focused()
    expect(page.locator("#own-verdict")).to_have_text("All checks passed")
    expect(page.locator('#own-checks li.check[data-state="fail"]')).to_have_count(0)


def test_keep_editing_rechecks_live(page: Page, templates_app: Served) -> None:
    open_check_mode(page, templates_app)
    reply = page.get_by_label("Your reply", exact=True)
    reply.fill(ATTACKING)
    expect(page.locator("#own-verdict")).to_have_text("2 checks failed", timeout=COLD_MS)
    page.get_by_role("button", name="Fix it").click()
    expect(page.locator("#revision")).to_be_visible()

    page.get_by_role("button", name="Keep editing").click()
    expect(page.locator("#revision")).to_be_hidden()
    expect(reply).to_be_focused()
    assert reply.input_value() == ATTACKING
    # Sign it by hand: named_contact turns green, no_attack stays red.
    reply.press("End")
    reply.type(" Anna Kowalska")
    expect(page.locator("#own-verdict")).to_have_text("1 check failed")
    assert state(page, "#own-checks", "named_contact") == "pass"
    assert state(page, "#own-checks", "no_attack") == "fail"


def test_a_reply_that_passes_has_nothing_to_fix(page: Page, templates_app: Served) -> None:
    open_check_mode(page, templates_app)
    reply = page.get_by_label("Your reply", exact=True)
    reply.fill(GOOD_DRAFT)
    expect(page.locator("#own-verdict")).to_have_text("All checks passed", timeout=COLD_MS)

    with page.expect_response("**/v1/revisions") as answer:
        page.get_by_role("button", name="Fix it").click()
    assert answer.value.json()["revised"] == GOOD_DRAFT
    expect(page.locator("#revision-summary")).to_have_text(
        "Nothing to fix: your reply passes every check."
    )
    expect(page.locator("#revision")).to_have_attribute("data-unchanged", "true")
    expect(page.get_by_role("button", name="Accept revision")).to_be_hidden()
    expect(page.locator("#diff del, #diff ins")).to_have_count(0)
    assert reply.input_value() == GOOD_DRAFT


def test_check_my_reply_by_keyboard(page: Page, templates_app: Served) -> None:
    page.goto(templates_app.url + "/")
    fill_review(page)
    fill_profile(page)
    page.locator("#mode-check").focus()
    page.keyboard.press("Enter")
    reply = page.get_by_label("Your reply", exact=True)
    expect(reply).to_be_focused()
    expect(page.locator("#mode-check")).to_have_attribute("aria-pressed", "true")
    page.keyboard.insert_text(ATTACKING)
    expect(page.locator("#own-verdict")).to_have_text("2 checks failed", timeout=COLD_MS)

    page.keyboard.press("Control+Enter")  # Fix it
    expect(page.locator("#revision")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Accept revision")).to_be_focused()
    page.keyboard.press("Enter")
    expect(reply).to_be_focused()
    expect(page.locator("#own-verdict")).to_have_text("All checks passed")
    assert "Anna Kowalska" in reply.input_value()

    # Back to the drafts: the switch is a pair of toggle buttons.
    page.locator("#mode-suggest").focus()
    page.keyboard.press("Space")
    expect(page.locator("#drafts")).to_be_visible()
    expect(page.locator("#own")).to_be_hidden()


def test_fix_it_says_what_is_missing(page: Page, templates_app: Served) -> None:
    page.goto(templates_app.url + "/")
    page.get_by_role("button", name="Check my reply").click()
    page.get_by_role("button", name="Fix it").click()
    expect(page.locator("#own-error")).to_have_text("Paste your reply first.")
    expect(page.get_by_label("Your reply", exact=True)).to_be_focused()
    page.get_by_label("Your reply", exact=True).fill(ATTACKING)
    page.get_by_role("button", name="Fix it").click()
    expect(page.locator("#own-error")).to_have_text("Paste the review first.")
    expect(page.locator("#review-text")).to_be_focused()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_check_mode_has_no_accessibility_violations(
    browser: Browser, templates_app: Served, viewport: dict[str, int]
) -> None:
    context = new_context(browser, viewport)
    page = context.new_page()
    open_check_mode(page, templates_app)
    page.get_by_label("Your reply", exact=True).fill(ATTACKING)
    expect(page.locator("#own-verdict")).to_have_text("2 checks failed", timeout=COLD_MS)
    checked = Axe().run(page)
    assert checked.violations_count == 0, checked.generate_report()
    page.get_by_role("button", name="Fix it").click()
    expect(page.locator("#diff del")).to_have_count(1)
    fixed = Axe().run(page)
    assert fixed.violations_count == 0, fixed.generate_report()
    context.close()


def test_a_crm_opens_the_page_on_a_reply_to_check(page: Page, templates_app: Served) -> None:
    page.goto(templates_app.url + "/")
    fill_profile(page)  # remembered in this browser
    query = urlencode(
        {"text": REVIEW_TEXT, "rating": "1", "reviewer_name": "Karen Miller", "reply": ATTACKING}
    )
    page.goto(f"{templates_app.url}/?{query}")
    expect(page.locator("#mode-check")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#drafts")).to_be_hidden()
    reply = page.get_by_label("Your reply", exact=True)
    expect(reply).to_be_focused()
    assert reply.input_value() == ATTACKING
    expect(page.locator("#own-verdict")).to_have_text("2 checks failed", timeout=COLD_MS)
    expect(page.locator(".skip-link")).to_have_attribute("href", "#own-text")


def test_the_word_diff_in_the_page(page: Page, templates_app: Served) -> None:
    """diff.js as the browser runs it: whole words in Latin scripts, characters in
    Chinese, and no words glued together where a change meets plain text."""
    page.goto(templates_app.url + "/")

    def diff(before: str, after: str) -> list[list[str]]:
        runs = page.evaluate(
            "([a, b]) => window.replyguardDiff.wordDiff(a, b).map((r) => [r.kind, r.text])",
            [before, after],
        )
        return [list(run) for run in runs]

    assert diff("Dear Karen, we are sorry.", "Dear Karen, we are sorry.") == [
        ["same", "Dear Karen, we are sorry."]
    ]
    assert diff("Dear Karen, you lie. Call us.\nBye", "Dear Karen, call us.\nBye Anna") == [
        ["same", "Dear Karen, "],
        ["removed", "you lie. Call "],
        ["added", "call "],
        ["same", "us.\nBye "],
        ["added", "Anna"],
    ]
    assert diff("A B C", "A B") == [["same", "A B"], ["removed", " C"]]
    assert diff("我们很抱歉汤是冷的。", "我们非常抱歉汤是冷的。") == [
        ["same", "我们"],
        ["removed", "很"],
        ["added", "非常"],
        ["same", "抱歉汤是冷的。"],
    ]
