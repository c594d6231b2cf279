/* replyguard agent page: suggest, show the checks, edit with live re-checks, copy.
 * Plain JavaScript, no build step, talks only to its own origin. */
(function () {
  "use strict";

  const PROFILE_KEY = "replyguard.profile.v1";
  const RECHECK_MS = 400;
  const PREFILL = ["text", "rating", "reviewer_name", "platform", "language", "review_id"];
  const CHECK_LABELS = {
    length: "Length",
    no_attack: "No attack",
    named_contact: "Named contact",
    offline_channel: "Offline channel",
    no_generic: "Not generic",
    language: "Language",
    no_meta: "No AI talk",
    no_unauthorized_offer: "Allowed offers",
    no_private_data: "No private data",
    not_repeated: "Not repeated",
    no_attack_judge: "No attack (LLM judge)",
  };
  const LANGUAGES = {
    en: "English", de: "German", es: "Spanish", fr: "French", nl: "Dutch",
    pl: "Polish", sl: "Slovenian", bg: "Bulgarian", zh: "Chinese",
  };
  // Fields of a 422 answer, and the inputs they come from.
  const FIELD_INPUTS = {
    "review.text": "review-text",
    "review.rating": "review-rating",
    "review.reviewer_name": "reviewer-name",
    "review.platform": "review-platform",
    "review.language": "review-language",
    "business.name": "business-name",
    "business.contact": "contact-phone",
    "business.contact.name": "contact-name",
    "business.contact.role": "contact-role",
    "business.contact.phone": "contact-phone",
    "business.contact.email": "contact-email",
    "business.contact.website": "contact-website",
    "business.country": "business-country",
    "business.compensation": "compensation",
    "business.not_offered": "not-offered",
    "business.fixed_issues": "fixed-issues",
    "options.max_words": "max-words",
    "options.platform": "review-platform",
  };

  const $ = (id) => document.getElementById(id);
  const form = $("review-form");
  const profile = $("profile");
  const profileInputs = Array.from(document.querySelectorAll("[data-profile]"));
  const suggestButton = $("suggest");
  const drafts = $("drafts");
  const cards = $("cards");

  let current = null; // {id, request, cards: [...]}
  let suggesting = null; // AbortController of the request in flight

  class ApiError extends Error {
    constructor(message, status, field) {
      super(message);
      this.status = status;
      this.field = field || null;
    }
  }

  // -- the business profile, remembered in this browser ------------------------
  function loadProfile() {
    let saved = {};
    try {
      saved = JSON.parse(localStorage.getItem(PROFILE_KEY) || "{}") || {};
    } catch (_) {
      saved = {};
    }
    for (const input of profileInputs) {
      const value = saved[input.dataset.profile];
      if (typeof value === "string") input.value = value;
    }
    profile.open = !profileComplete();
    describeProfile();
  }

  function saveProfile() {
    const values = {};
    for (const input of profileInputs) values[input.dataset.profile] = input.value;
    try {
      localStorage.setItem(PROFILE_KEY, JSON.stringify(values));
    } catch (_) {
      /* private mode or full storage: the profile lasts for this page only */
    }
    describeProfile();
  }

  function profileComplete() {
    return Boolean(
      $("business-name").value.trim() && $("contact-name").value.trim() &&
      ($("contact-phone").value.trim() || $("contact-email").value.trim())
    );
  }

  function describeProfile() {
    const parts = [$("business-name").value.trim(), $("contact-name").value.trim()].filter(Boolean);
    $("profile-summary").textContent = parts.length ? "· " + parts.join(" · ") : "· not set yet";
  }

  // -- query parameters (or the #fragment, which never reaches server logs) ------
  function prefill() {
    const params = new URLSearchParams(location.search);
    const hash = new URLSearchParams(location.hash.replace(/^#/, ""));
    for (const [key, value] of hash) params.set(key, value);
    const targets = {
      text: "review-text", rating: "review-rating", reviewer_name: "reviewer-name",
      platform: "review-platform", language: "review-language", review_id: "review-id",
    };
    let filled = false;
    for (const key of PREFILL) {
      const value = params.get(key);
      if (value === null) continue;
      const input = $(targets[key]);
      input.value = value;
      if (input.tagName === "SELECT" && input.value !== value) input.value = "";
      filled = true;
    }
    const count = params.get("suggestions");
    if (count && ["1", "2", "3"].includes(count)) $("suggestion-count").value = count;
    return filled && params.get("suggest") === "1";
  }

  // -- talking to the service ----------------------------------------------------
  function headers() {
    const result = { "Content-Type": "application/json", Accept: "application/json" };
    const key = $("api-key").value.trim();
    if (key) result["X-API-Key"] = key;
    return result;
  }

  async function api(method, path, body, signal) {
    let response;
    try {
      response = await fetch(path, {
        method,
        headers: headers(),
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        cache: "no-store",
      });
    } catch (error) {
      if (error && error.name === "AbortError") throw error;
      throw new ApiError(
        "The replyguard service cannot be reached. Check that it is running and that " +
        "this computer is online, then try again.", 0
      );
    }
    let data = null;
    try {
      data = await response.json();
    } catch (_) {
      data = null;
    }
    if (response.ok) return data;
    const detail = data && data.error ? data.error : {};
    const said = detail.message || "";
    let message;
    if (response.status === 401 || response.status === 403) {
      message = "The service refused the request: " + (said || "an API key is needed") +
        ". Set the API key under Business profile.";
    } else if (response.status === 429) {
      const wait = response.headers.get("Retry-After");
      message = "Too many requests" + (wait ? "; try again in " + wait + " s." : "; try again shortly.");
    } else if (response.status === 503) {
      message = "The service is busy: " + (said || "try again shortly.");
    } else if (response.status >= 500) {
      message = "The service failed (" + response.status + "). Try again; if it keeps " +
        "failing, tell whoever runs replyguard.";
    } else {
      message = said ? "The service could not use this: " + said
        : "The service answered " + response.status + ".";
    }
    throw new ApiError(message, response.status, detail.field);
  }

  function reviewFromForm() {
    const rating = $("review-rating").value;
    return {
      text: $("review-text").value,
      rating: rating ? Number(rating) : null,
      reviewer_name: $("reviewer-name").value.trim() || null,
      platform: $("review-platform").value.trim() || null,
      language: $("review-language").value || null,
      id: $("review-id").value.trim() || null,
    };
  }

  function lines(id) {
    return $(id).value.split("\n").map((s) => s.trim()).filter(Boolean);
  }

  function businessFromForm() {
    const country = $("business-country").value.trim();
    return {
      name: $("business-name").value.trim(),
      contact: {
        name: $("contact-name").value.trim(),
        role: $("contact-role").value.trim() || null,
        phone: $("contact-phone").value.trim() || null,
        email: $("contact-email").value.trim() || null,
        website: $("contact-website").value.trim() || null,
      },
      compensation: lines("compensation"),
      not_offered: lines("not-offered"),
      fixed_issues: lines("fixed-issues"),
      country: country || null,
    };
  }

  function optionsFromForm() {
    const options = { suggestions: Number($("suggestion-count").value) || 1 };
    const words = $("max-words").value.trim();
    if (words) options.max_words = Number(words);
    const platform = $("review-platform").value.trim().toLowerCase();
    if (platform) options.platform = platform;
    return options;
  }

  // -- messages ------------------------------------------------------------------
  function say(text) {
    $("status-text").textContent = text;
  }

  function showError(text) {
    // The alert region stays in the page (empty when all is well), so that screen
    // readers announce a new message as soon as it is written.
    $("error").textContent = text;
  }

  function markInvalid(id, invalid) {
    const input = $(id);
    if (!input) return;
    if (invalid) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  function focusField(id) {
    const input = $(id);
    if (!input) return;
    if (profile.contains(input)) profile.open = true;
    markInvalid(id, true);
    input.focus();
  }

  function clearInvalid() {
    for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  }

  function missingField() {
    if (!$("review-text").value.trim()) return ["review-text", "Paste the review first."];
    if (!$("business-name").value.trim()) return ["business-name", "Fill in the business name (Business profile)."];
    if (!$("contact-name").value.trim()) return ["contact-name", "Fill in who signs the reply (Business profile)."];
    if (!$("contact-phone").value.trim() && !$("contact-email").value.trim()) {
      return ["contact-phone", "Give a phone or an e-mail for the reply (Business profile)."];
    }
    return null;
  }

  function setBusy(busy) {
    drafts.setAttribute("aria-busy", busy ? "true" : "false");
    suggestButton.disabled = busy;
    suggestButton.textContent = busy ? "Drafting…" : "Suggest reply";
    $("spinner").hidden = !busy;
  }

  // -- suggesting ----------------------------------------------------------------
  async function suggest() {
    clearInvalid();
    showError("");
    const missing = missingField();
    if (missing) {
      showError(missing[1]);
      focusField(missing[0]);
      return;
    }
    if (suggesting) suggesting.abort();
    const controller = new AbortController();
    suggesting = controller;
    const request = { review: reviewFromForm(), business: businessFromForm(), options: optionsFromForm() };
    const started = Date.now();
    const timer = setInterval(() => {
      $("elapsed").textContent = Math.round((Date.now() - started) / 1000) + " s";
    }, 1000);
    $("elapsed").textContent = "";
    say("");
    setBusy(true);
    try {
      const data = await api("POST", "/v1/replies", request, controller.signal);
      show(data, request);
      drafts.focus();
    } catch (error) {
      if (error && error.name === "AbortError") return;
      showError(error.message || String(error));
      say("No drafts.");
      if (error.field) {
        const id = FIELD_INPUTS[error.field] || FIELD_INPUTS[error.field.replace(/\.\d+$/, "")];
        if (id) focusField(id);
      }
    } finally {
      clearInterval(timer);
      if (suggesting === controller) {
        suggesting = null;
        setBusy(false);
      }
    }
  }

  function show(data, request) {
    for (const card of current ? current.cards : []) card.dispose();
    cards.replaceChildren();
    $("empty").hidden = true;
    current = { id: data.id, request, cards: [], sent: new Set() };
    const suggestions = data.suggestions && data.suggestions.length ? data.suggestions : [{
      text: data.reply, source: data.source, language: data.language,
      passed: data.passed, checks: data.checks,
    }];
    suggestions.forEach((suggestion, index) => {
      const card = new DraftCard(suggestion, index, suggestions.length);
      current.cards.push(card);
      cards.append(card.element);
      card.fit();
    });
    const scenario = data.scenario ? data.scenario.replace(/_/g, " ") : "";
    const summary = $("summary");
    summary.textContent = "Scenario: " + scenario + (data.scenario_reason ? " (" + data.scenario_reason + ")" : "") +
      ". Model: " + data.model + ".";
    summary.hidden = false;
    const notice = data.needs_human ? holdNotice(data) : fallbackNotice(data);
    $("notice").textContent = notice;
    $("notice").hidden = !notice;
    const passing = suggestions.filter((s) => s.passed).length;
    say(suggestions.length + (suggestions.length === 1 ? " draft" : " drafts") + " ready; " +
      (passing === suggestions.length ? "every check passed." : passing + " passed every check."));
  }

  function holdNotice(data) {
    if (!data.needs_human) return "";
    const risks = (data.risks || []).join(", ");
    return "This review needs a person" + (risks ? " (" + risks + ")" : "") +
      ": the draft is only a holding reply that takes the matter offline.";
  }

  function fallbackNotice(data) {
    if (data.source !== "template" || data.model === "templates-only") return "";
    const llm = (data.attempts || []).filter((a) => a.source === "llm" && !a.alternative);
    if (!llm.length) return "No LLM draft was made in time, so these drafts come from templates.";
    const errors = llm.filter((a) => a.error);
    if (errors.length === llm.length) {
      const last = errors[errors.length - 1];
      const kind = last.error_kind || "error";
      return "The LLM did not answer (" + kind + "), so these drafts come from templates.";
    }
    return "No LLM draft passed every check (" + llm.length + " tried), so these drafts come from templates.";
  }

  // -- check badges (drafts and "Check my reply") ----------------------------------
  function renderBadges(list, failures, checks) {
    list.replaceChildren();
    failures.replaceChildren();
    for (const check of checks) {
      const item = document.createElement("li");
      item.className = "check " + (check.passed ? "pass" : "fail");
      item.dataset.check = check.name;
      item.dataset.state = check.passed ? "pass" : "fail";
      item.title = check.message;
      const mark = document.createElement("span");
      mark.setAttribute("aria-hidden", "true");
      mark.className = "mark";
      mark.textContent = check.passed ? "✓" : "✗";
      const name = document.createElement("span");
      name.textContent = CHECK_LABELS[check.name] || check.name.replace(/_/g, " ");
      const state = document.createElement("span");
      state.className = "visually-hidden";
      state.textContent = check.passed ? ": passed" : ": failed";
      item.append(mark, name, state);
      list.append(item);
      if (!check.passed) {
        const failure = document.createElement("li");
        failure.dataset.check = check.name;
        const strong = document.createElement("strong");
        strong.textContent = (CHECK_LABELS[check.name] || check.name) + ": ";
        failure.append(strong, document.createTextNode(check.message));
        failures.append(failure);
      }
    }
  }

  // -- one draft -----------------------------------------------------------------
  class DraftCard {
    constructor(suggestion, index, total) {
      this.suggestion = suggestion;
      this.index = index;
      this.original = suggestion.text;
      this.timer = null;
      this.checking = null;
      this.sequence = 0;
      this.element = this.build(total);
      this.render(suggestion.checks, suggestion.passed);
      this.count();
    }

    build(total) {
      const n = this.index + 1;
      const article = document.createElement("article");
      article.className = "card";
      article.dataset.index = String(this.index);
      article.setAttribute("aria-labelledby", "draft-" + n + "-title");

      const head = document.createElement("div");
      head.className = "card-head";
      const title = document.createElement("h3");
      title.id = "draft-" + n + "-title";
      title.textContent = total > 1 ? "Draft " + n + " of " + total : "Draft";
      const source = document.createElement("span");
      source.className = "tag source " + this.suggestion.source;
      source.textContent = this.suggestion.source === "llm" ? "LLM" : "Template";
      source.title = this.suggestion.source === "llm" ? "Written by the language model" : "Filled-in template";
      const language = document.createElement("span");
      language.className = "tag language";
      const code = this.suggestion.language;
      language.textContent = (LANGUAGES[code] || code) + " (" + code + ")";
      language.title = "Language of the reply";
      this.verdict = document.createElement("span");
      this.verdict.className = "verdict";
      head.append(title, source, language, this.verdict);

      const label = document.createElement("label");
      label.className = "visually-hidden";
      label.htmlFor = "draft-" + n;
      label.textContent = "Text of draft " + n;
      this.textarea = document.createElement("textarea");
      this.textarea.id = "draft-" + n;
      this.textarea.className = "draft-text";
      this.textarea.rows = 4;
      this.textarea.value = this.original;
      this.textarea.setAttribute("aria-describedby", "draft-" + n + "-meta draft-" + n + "-failures");
      this.textarea.addEventListener("input", () => this.edited());

      const meta = document.createElement("p");
      meta.className = "card-meta";
      meta.id = "draft-" + n + "-meta";
      this.counter = document.createElement("span");
      this.editedTag = document.createElement("span");
      this.editedTag.className = "edited-tag";
      this.editedTag.textContent = "edited";
      this.editedTag.hidden = true;
      meta.append(this.counter, this.editedTag);

      const checksLabel = document.createElement("h4");
      checksLabel.className = "visually-hidden";
      checksLabel.id = "draft-" + n + "-checks-title";
      checksLabel.textContent = "Checks of draft " + n;
      this.checks = document.createElement("ul");
      this.checks.className = "checks";
      this.checks.setAttribute("aria-labelledby", checksLabel.id);
      this.failures = document.createElement("ul");
      this.failures.className = "failures";
      this.failures.id = "draft-" + n + "-failures";

      const actions = document.createElement("div");
      actions.className = "card-actions";
      this.copyButton = button("Copy", "copy primary", () => this.copy());
      this.sentButton = button("Mark as sent", "sent", () => this.markSent());
      this.resetButton = button("Undo edits", "reset", () => this.reset());
      this.resetButton.hidden = true;
      actions.append(this.copyButton, this.sentButton, this.resetButton);

      article.append(head, label, this.textarea, meta, checksLabel, this.checks, this.failures, actions);
      return article;
    }

    get text() {
      return this.textarea.value;
    }

    get isEdited() {
      return this.text.trim() !== this.original.trim();
    }

    count() {
      const text = this.text.trim();
      const words = text ? text.split(/\s+/).length : 0;
      this.counter.textContent = words + (words === 1 ? " word" : " words") + " · " +
        Array.from(text).length + " characters";
    }

    render(checks, passed) {
      this.passed = passed;
      renderBadges(this.checks, this.failures, checks);
      const failed = checks.filter((c) => !c.passed).length;
      this.element.dataset.passed = passed ? "true" : "false";
      this.verdict.className = "verdict " + (passed ? "pass" : "fail");
      this.verdict.textContent = passed ? "All checks passed"
        : failed + (failed === 1 ? " check failed" : " checks failed");
      this.copyButton.textContent = passed ? "Copy" : "Copy anyway";
      this.checks.removeAttribute("aria-busy");
      this.element.classList.remove("checking");
    }

    fit() {
      // As tall as the text (up to a cap in CSS): the whole draft reads at a glance.
      this.textarea.style.height = "auto";
      this.textarea.style.height = this.textarea.scrollHeight + 2 + "px";
    }

    edited() {
      this.fit();
      this.count();
      this.editedTag.hidden = !this.isEdited;
      this.resetButton.hidden = !this.isEdited;
      this.element.classList.add("checking");
      this.checks.setAttribute("aria-busy", "true");
      this.verdict.className = "verdict checking";
      this.verdict.textContent = "Checking…";
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.recheck(), RECHECK_MS);
    }

    async recheck() {
      if (this.checking) this.checking.abort();
      const text = this.text;
      if (!text.trim()) {
        this.render([], false);
        this.verdict.textContent = "The draft is empty";
        return;
      }
      if (!this.isEdited) {
        this.render(this.suggestion.checks, this.suggestion.passed);
        return;
      }
      const controller = new AbortController();
      this.checking = controller;
      const sequence = ++this.sequence;
      const request = current.request;
      try {
        const data = await api("POST", "/v1/checks", {
          review: request.review, business: request.business, draft: text,
          options: { max_words: request.options.max_words, platform: request.options.platform },
        }, controller.signal);
        if (sequence !== this.sequence) return;
        this.render(data.checks, data.passed);
        const failed = data.checks.filter((c) => !c.passed).map((c) => CHECK_LABELS[c.name] || c.name);
        say("Draft " + (this.index + 1) + " re-checked: " +
          (failed.length ? "failed " + failed.join(", ") + "." : "every check passed."));
      } catch (error) {
        if (error && error.name === "AbortError") return;
        if (sequence !== this.sequence) return;
        this.verdict.className = "verdict unknown";
        this.verdict.textContent = "Not re-checked";
        this.element.classList.remove("checking");
        this.checks.removeAttribute("aria-busy");
        showError("Could not re-check draft " + (this.index + 1) + ": " + error.message);
      } finally {
        if (this.checking === controller) this.checking = null;
      }
    }

    reset() {
      this.textarea.value = this.original;
      this.edited();
      this.textarea.focus();
    }

    async copy() {
      const copied = await copyText(this.textarea);
      if (!copied) {
        showError("Copying is blocked in this browser: select the text and press Ctrl+C.");
        this.textarea.select();
        return;
      }
      showError("");
      say("Draft " + (this.index + 1) + " copied" +
        (this.passed ? "." : "; it fails some checks, read them before posting."));
      this.copyButton.classList.add("done");
      setTimeout(() => this.copyButton.classList.remove("done"), 1500);
      await this.report(null);
    }

    async markSent() {
      const ok = await this.report(new Date().toISOString());
      if (ok) {
        this.sentButton.textContent = "Sent ✓";
        this.element.classList.add("sent");
        say("Draft " + (this.index + 1) + " marked as sent.");
      }
    }

    async report(sentAt) {
      const body = { used_suggestion: this.index, edited: this.isEdited, final_text: this.text.trim() || null };
      if (sentAt) body.sent_at = sentAt;
      const key = JSON.stringify([this.index, body.final_text, Boolean(sentAt)]);
      if (current.sent.has(key)) return true;
      try {
        await api("POST", "/v1/replies/" + encodeURIComponent(current.id) + "/feedback", body);
        current.sent.add(key);
        return true;
      } catch (error) {
        showError("Could not record which draft was used: " + error.message);
        return false;
      }
    }

    dispose() {
      clearTimeout(this.timer);
      if (this.checking) this.checking.abort();
    }
  }

  function button(text, className, onClick) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = className;
    element.textContent = text;
    element.addEventListener("click", onClick);
    return element;
  }

  async function copyText(textarea) {
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(textarea.value);
        return true;
      } catch (_) {
        /* fall back to the selection */
      }
    }
    const { selectionStart, selectionEnd } = textarea;
    textarea.select();
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (_) {
      ok = false;
    }
    textarea.setSelectionRange(selectionStart, selectionEnd);
    return ok;
  }

  async function health() {
    const line = $("service");
    try {
      const data = await api("GET", "/healthz");
      line.textContent = data.model === "templates-only"
        ? "Templates only: no LLM is configured."
        : "Model: " + data.model + " (" + data.provider + ").";
    } catch (error) {
      line.textContent = error.status === 0 ? "The service cannot be reached." : "Service status unknown.";
    }
  }

  // -- wiring ----------------------------------------------------------------------
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    suggest();
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      suggest();
    }
  });
  form.addEventListener("input", (event) => {
    if (event.target.hasAttribute("aria-invalid")) markInvalid(event.target.id, false);
  });
  for (const input of profileInputs) input.addEventListener("input", saveProfile);

  // What check.js ("Check my reply") shares with the drafts.
  window.replyguard = Object.freeze({
    api, reviewFromForm, businessFromForm, optionsFromForm, missingField, focusField,
    clearInvalid, profileComplete, renderBadges, CHECK_LABELS, RECHECK_MS,
  });

  loadProfile();
  const autoSuggest = prefill();
  health();
  if (autoSuggest && profileComplete()) suggest();
  else if (!$("review-text").value) $("review-text").focus();
})();
