/* replyguard agent page, "Check my reply": the agent pastes a reply written elsewhere,
 * sees the same badges as a draft (re-checked live through /v1/checks), and "Fix it"
 * asks /v1/revisions for the smallest edits that pass, shown as a word diff to accept
 * or ignore. Uses what app.js shares on window.replyguard; no build step. */
(function () {
  "use strict";

  const shared = window.replyguard;
  const { wordDiff } = window.replyguardDiff;
  const $ = (id) => document.getElementById(id);

  const modeSuggest = $("mode-suggest");
  const modeCheck = $("mode-check");
  const drafts = $("drafts");
  const own = $("own");
  const text = $("own-text");
  const verdict = $("own-verdict");
  const checksList = $("own-checks");
  const failures = $("own-failures");
  const fixButton = $("fix");
  const revision = $("revision");
  const skip = document.querySelector(".skip-link");

  let timer = null;
  let sequence = 0; // the newest request wins: a check or a fix of older text is dropped
  let checking = null;
  let revised = null; // the revision on show, or null

  // -- the two modes ---------------------------------------------------------------
  function setMode(check) {
    modeSuggest.setAttribute("aria-pressed", check ? "false" : "true");
    modeCheck.setAttribute("aria-pressed", check ? "true" : "false");
    drafts.hidden = check;
    own.hidden = !check;
    // The skip link leads to whichever result the mode shows.
    skip.href = check ? "#own-text" : "#drafts";
    skip.textContent = check ? "Skip to your reply" : "Skip to drafts";
  }

  // -- messages ----------------------------------------------------------------------
  function say(message) {
    $("own-status").textContent = message;
  }

  function showError(message) {
    $("own-error").textContent = message;
  }

  function requestFor(draft) {
    const options = shared.optionsFromForm();
    return {
      review: shared.reviewFromForm(),
      business: shared.businessFromForm(),
      draft,
      options: { max_words: options.max_words, platform: options.platform },
    };
  }

  /* The body for the service, or null after saying what is missing (and, when the
   * agent asked, moving there: a live re-check never pulls focus out of the reply). */
  function ready(focus) {
    shared.clearInvalid();
    showError("");
    if (!text.value.trim()) {
      showError("Paste your reply first.");
      if (focus) text.focus();
      return null;
    }
    const missing = shared.missingField();
    if (missing) {
      showError(missing[1]);
      if (focus) shared.focusField(missing[0]);
      return null;
    }
    return requestFor(text.value);
  }

  function failedNames(checks) {
    return checks.filter((c) => !c.passed).map((c) => shared.CHECK_LABELS[c.name] || c.name);
  }

  function showVerdict(checks, passed) {
    const failed = failedNames(checks);
    verdict.className = "verdict " + (passed ? "pass" : "fail");
    verdict.textContent = passed ? "All checks passed"
      : failed.length + (failed.length === 1 ? " check failed" : " checks failed");
    own.dataset.passed = passed ? "true" : "false";
  }

  // -- live re-check -------------------------------------------------------------------
  function edited() {
    hideRevision();
    clearTimeout(timer);
    sequence += 1;
    if (!text.value.trim()) {
      checksList.replaceChildren();
      failures.replaceChildren();
      verdict.className = "verdict";
      verdict.textContent = "";
      return;
    }
    verdict.className = "verdict checking";
    verdict.textContent = "Checking…";
    checksList.setAttribute("aria-busy", "true");
    timer = setTimeout(recheck, shared.RECHECK_MS);
  }

  async function recheck() {
    clearTimeout(timer);
    const body = ready(false);
    if (!body) {
      verdict.className = "verdict unknown";
      verdict.textContent = "Not checked";
      checksList.removeAttribute("aria-busy");
      return;
    }
    if (checking) checking.abort();
    const controller = new AbortController();
    checking = controller;
    const mine = ++sequence;
    try {
      const data = await shared.api("POST", "/v1/checks", body, controller.signal);
      if (mine !== sequence) return;
      shared.renderBadges(checksList, failures, data.checks);
      showVerdict(data.checks, data.passed);
      const failed = failedNames(data.checks);
      say("Your reply was checked: " + (failed.length ? "failed " + failed.join(", ") + "." : "every check passed."));
    } catch (error) {
      if ((error && error.name === "AbortError") || mine !== sequence) return;
      verdict.className = "verdict unknown";
      verdict.textContent = "Not checked";
      showError("Could not check your reply: " + error.message);
    } finally {
      checksList.removeAttribute("aria-busy");
      if (checking === controller) checking = null;
    }
  }

  // -- Fix it -------------------------------------------------------------------------
  async function fix() {
    const body = ready(true);
    if (!body) return;
    clearTimeout(timer);
    const mine = ++sequence;
    fixButton.disabled = true;
    fixButton.textContent = "Fixing…";
    say("Looking for the smallest edits that pass…");
    try {
      const data = await shared.api("POST", "/v1/revisions", body);
      if (mine !== sequence) return;
      shared.renderBadges(checksList, failures, data.checks_before);
      showVerdict(data.checks_before, data.checks_before.every((c) => c.passed));
      showRevision(body.draft, data);
    } catch (error) {
      if (mine !== sequence) return;
      showError("Could not fix your reply: " + error.message);
      say("");
    } finally {
      fixButton.disabled = false;
      fixButton.textContent = "Fix it";
    }
  }

  function showRevision(draft, data) {
    const unchanged = data.revised === draft;
    revised = data.revised;
    revision.hidden = false;
    revision.dataset.source = data.source;
    revision.dataset.unchanged = unchanged ? "true" : "false";
    $("revision-summary").textContent = summary(data, unchanged);
    $("revision-body").hidden = unchanged;
    $("accept").hidden = unchanged;
    $("keep-editing").textContent = unchanged ? "Back to my reply" : "Keep editing";
    if (!unchanged) {
      renderDiff($("diff"), wordDiff(draft, data.revised));
      shared.renderBadges($("revision-checks"), $("revision-failures"), data.checks);
      renderChanges(data.changes);
      $("kept").textContent = "Kept " + Math.round(data.kept * 100) + " % of your words.";
    }
    say(unchanged ? "Nothing to fix: your reply passes every check."
      : "A revision is ready: " + data.changes.length +
        (data.changes.length === 1 ? " change" : " changes") + ".");
    revision.focus();
  }

  function summary(data, unchanged) {
    if (unchanged && data.passed) return "Nothing to fix: your reply passes every check.";
    const who = data.source === "template"
      ? "Your words could not be made to pass, so a template reply replaces them."
      : data.source === "llm" ? "The language model edited what the rules could not fix."
        : "The smallest edits that make your reply pass.";
    const failed = failedNames(data.checks);
    const risks = (data.risks || []).join(", ");
    return who + (data.passed ? " The revision passes every check."
      : " The revision still fails " + failed.join(", ") + ": edit it by hand.") +
      (data.needs_human ? " This review needs a person" + (risks ? " (" + risks + ")" : "") + "." : "");
  }

  function renderDiff(target, runs) {
    target.replaceChildren();
    for (const run of runs) {
      if (run.kind === "same") {
        target.append(document.createTextNode(run.text));
        continue;
      }
      const element = document.createElement(run.kind === "removed" ? "del" : "ins");
      const sign = document.createElement("span");
      sign.className = "sign";
      sign.setAttribute("aria-hidden", "true");
      sign.textContent = run.kind === "removed" ? "−" : "+";
      // Screen readers seldom announce <del>/<ins>: the words say it.
      const label = document.createElement("span");
      label.className = "visually-hidden";
      label.textContent = run.kind === "removed" ? "[removed: " : "[added: ";
      const end = document.createElement("span");
      end.className = "visually-hidden";
      end.textContent = "] ";
      element.append(sign, label, document.createTextNode(run.text), end);
      target.append(element);
    }
  }

  function renderChanges(changes) {
    const list = $("changes");
    list.replaceChildren();
    for (const change of changes) {
      const item = document.createElement("li");
      item.dataset.check = change.check;
      item.dataset.kind = change.kind;
      const strong = document.createElement("strong");
      strong.textContent = (shared.CHECK_LABELS[change.check] || change.check.replace(/_/g, " ")) + ": ";
      item.append(strong, document.createTextNode(change.kind));
      if (change.before) item.append(document.createTextNode(" “" + change.before + "”"));
      if (change.before && change.after) item.append(document.createTextNode(" →"));
      if (change.after) item.append(document.createTextNode(" “" + change.after + "”"));
      list.append(item);
    }
  }

  function hideRevision() {
    revised = null;
    revision.hidden = true;
  }

  function accept() {
    if (revised === null) return;
    text.value = revised;
    hideRevision();
    say("Revision accepted; checking it again.");
    text.focus();
    edited();
    recheck();
  }

  function keepEditing() {
    hideRevision();
    text.focus();
  }

  // -- wiring ----------------------------------------------------------------------------
  modeSuggest.addEventListener("click", () => setMode(false));
  modeCheck.addEventListener("click", () => {
    setMode(true);
    text.focus();
  });
  // Suggesting (the button or Ctrl+Enter) shows the drafts it makes.
  $("review-form").addEventListener("submit", () => setMode(false));
  $("review-form").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) setMode(false);
  });
  text.addEventListener("input", edited);
  text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      fix();
    }
  });
  fixButton.addEventListener("click", fix);
  $("accept").addEventListener("click", accept);
  $("keep-editing").addEventListener("click", keepEditing);

  // A CRM may open the page on a reply to check: `reply=` in the query or after `#`.
  const params = new URLSearchParams(location.search);
  for (const [key, value] of new URLSearchParams(location.hash.replace(/^#/, ""))) params.set(key, value);
  const pasted = params.get("reply");
  setMode(Boolean(pasted));
  if (pasted) {
    text.value = pasted;
    text.focus();
    if (shared.profileComplete()) recheck();
  }
})();
