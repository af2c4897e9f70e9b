// The kiosk survey runner: asks a survey from its bundle (cached by the service worker), so a
// tablet keeps working when the network drops. Each page's fields are the server's own markup;
// the runner keeps each page's form fields in memory only, checks them with the server when it
// can (the same rules as the ordinary journey), and puts finished responses in the tablet's
// queue with a random key, which the server stores exactly once.
import { initAll } from "./build/govuk-frontend.min.js";
import { beforeReset, enqueue, flush, post, reset, setIdle, t, tHtml } from "./kiosk.js";
import { conditionMet, route } from "./kiosk-routing.js";

const root = document.getElementById("kiosk-runner");
let bundle = null;
let pages = {}; // page id -> [[name, value], ...] as the page's form would post them
let returnToCheck = false;
const parsed = new Map();

const esc = (text) => {
  const div = document.createElement("div");
  div.textContent = text == null ? "" : String(text);
  return div.innerHTML;
};

function uuid() {
  if (window.crypto && crypto.randomUUID) {
    return crypto.randomUUID();
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// --- routing: engage/static/kiosk-routing.js (the same rules as surveys/runner.py) ------

function questionValue(question, pairs) {
  const values = pairs.filter(([name, value]) => name === question.id && value !== "").map(([, value]) => value);
  return question.type === "multiple_choice" ? values : values[0];
}

/** The visible pages in order, and the answers that decide routing, from what is kept. */
function walk() {
  const kept = (page) => {
    if (!pages[page.id]) {
      return null;
    }
    return Object.fromEntries(page.questions.map((question) => [question.id, questionValue(question, pages[page.id])]));
  };
  return route(bundle.pages, kept);
}

const sentPages = (visible) => Object.fromEntries(visible.filter(({ page }) => pages[page.id]).map(({ page }) => [page.id, pages[page.id]]));

// --- showing a page -----------------------------------------------------------------

function summary(errors) {
  const items = errors.map((e) => `<li><a href="${esc(e.href)}">${esc(e.text)}</a></li>`).join("");
  return (
    '<div class="govuk-error-summary" data-module="govuk-error-summary" tabindex="-1" id="runner-errors"><div role="alert">' +
    `<h2 class="govuk-error-summary__title">${tHtml("problem")}</h2>` +
    `<div class="govuk-error-summary__body"><ul class="govuk-list govuk-error-summary__list">${items}</ul></div></div></div>`
  );
}

function restore(container, pairs) {
  for (const [name, value] of pairs) {
    for (const field of container.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
      if (field.type === "radio" || field.type === "checkbox") {
        if (field.value === value) {
          field.checked = true;
        }
      } else {
        field.value = value;
      }
    }
  }
}

function applyVisibility(container, page, before) {
  for (const question of page.questions) {
    const wrapper = container.querySelector(`[data-question="${CSS.escape(question.id)}"]`);
    if (!wrapper) {
      continue;
    }
    const shown = conditionMet(question.show_if, before);
    wrapper.hidden = !shown;
    for (const field of wrapper.querySelectorAll("input, select, textarea")) {
      field.disabled = !shown;
    }
  }
}

function setTitle(text, hasErrors) {
  document.title = `${hasErrors ? `${t("error")} ` : ""}${text} – ${bundle.title}`;
}

function showPage(pageId, { errors = null, html = null } = {}) {
  const visible = walk();
  const index = visible.findIndex(({ page }) => page.id === pageId);
  const { page, before } = visible[index];
  root.innerHTML =
    `<a href="#" class="govuk-back-link" id="runner-back">${tHtml("back")}</a>` +
    (errors ? summary(errors) : "") +
    '<form novalidate id="runner-form">' +
    `<span class="govuk-caption-l">${tHtml("page_of", { title: esc(bundle.title), page: index + 1, pages: visible.length })}</span>` +
    `<h1 class="govuk-heading-l" tabindex="-1">${esc(page.title)}</h1>` +
    '<div id="runner-fields"></div>' +
    `<div class="govuk-button-group"><button type="submit" class="govuk-button" data-module="govuk-button" name="action" value="continue">${tHtml("save_continue")}</button></div>` +
    "</form>";
  const fields = root.querySelector("#runner-fields");
  fields.innerHTML = html || page.html;
  if (!html && pages[page.id]) {
    restore(fields, pages[page.id]);
  }
  applyVisibility(fields, page, before);
  initAll({ scope: root });
  setTitle(page.title, Boolean(errors));
  window.scrollTo(0, 0);
  (root.querySelector("#runner-errors") || root.querySelector("h1")).focus();
  root.querySelector("#runner-back").addEventListener("click", (event) => {
    event.preventDefault();
    if (index === 0) {
      reset();
    } else {
      showPage(visible[index - 1].page.id);
    }
  });
  root.querySelector("#runner-form").addEventListener("submit", (event) => {
    event.preventDefault();
    savePage(page, before, event.target);
  });
}

// Used only when the server cannot be asked: the checks that need nothing but the form. The
// messages are the server's own for an empty answer (the bundle's "empty", by field or question,
// in the resident's language), so offline the resident reads what they would read online.
function offlineErrors(page, before, form) {
  const errors = [];
  for (const question of page.questions) {
    const wrapper = form.querySelector(`[data-question="${CSS.escape(question.id)}"]`);
    if (!question.required || !wrapper || !conditionMet(question.show_if, before)) {
      continue;
    }
    const fields = [...wrapper.querySelectorAll("input, select, textarea")].filter((f) => !f.name.endsWith(".other"));
    const groups = new Map();
    for (const field of fields) {
      const filled = field.type === "radio" || field.type === "checkbox" ? field.checked : field.value.trim() !== "";
      const group = question.type === "multiple_choice" ? question.id : field.name;
      const seen = groups.get(group) || { filled: false, field };
      groups.set(group, { filled: seen.filled || filled, field: seen.field });
    }
    const empty = question.empty || {};
    const shown = new Set();
    for (const [group, { filled, field }] of groups) {
      const message = empty[group] || empty[question.id] || Object.values(empty)[0];
      if (filled || !message || shown.has(message)) {
        continue;
      }
      shown.add(message);
      errors.push({ text: message, href: `#${field.id}` });
    }
  }
  return errors;
}

async function savePage(page, before, form) {
  const pairs = [...new FormData(form)].map(([name, value]) => [name, String(value)]);
  const previous = pages[page.id];
  pages[page.id] = pairs;
  let verdict = null;
  try {
    const response = await post(root.dataset.check, {
      slug: bundle.slug,
      version: bundle.version,
      page: page.id,
      pages: sentPages(walk()),
    });
    if (response.ok) {
      verdict = await response.json();
    }
  } catch {
    verdict = null; // offline: check what can be checked here
  }
  if (verdict && !verdict.ok) {
    if (previous) pages[page.id] = previous;
    else delete pages[page.id];
    showPage(page.id, { errors: verdict.errors, html: verdict.html });
    return;
  }
  if (!verdict) {
    const errors = offlineErrors(page, before, form);
    if (errors.length) {
      delete pages[page.id];
      showPage(page.id, { errors });
      restore(root.querySelector("#runner-fields"), pairs);
      return;
    }
  }
  const visible = walk();
  const index = visible.findIndex((entry) => entry.page.id === page.id);
  const missing = visible.find(({ page: p }) => !pages[p.id]);
  if (returnToCheck) {
    if (missing) showPage(missing.page.id);
    else showCheck();
  } else if (index + 1 < visible.length) {
    showPage(visible[index + 1].page.id);
  } else {
    showCheck();
  }
}

// --- check answers, send, thank you --------------------------------------------------

function template(page) {
  if (!parsed.has(page.id)) {
    const holder = document.createElement("template");
    holder.innerHTML = page.html;
    parsed.set(page.id, holder.content);
  }
  return parsed.get(page.id);
}

function answerText(page, question) {
  const html = template(page);
  const parts = [];
  const own = (page.id in pages ? pages[page.id] : []).filter(
    ([name, value]) =>
      value !== "" && (name === question.id || name.startsWith(`${question.id}.`) || name.startsWith(`${question.id}-`)),
  );
  if (question.type === "date") {
    const get = (part) => (own.find(([name]) => name === `${question.id}-${part}`) || [])[1];
    return own.length ? `${get("day")}/${get("month")}/${get("year")}` : "";
  }
  for (const [name, value] of own) {
    const field = html.querySelector(`[name="${CSS.escape(name)}"]`);
    let text = value;
    if (field && field.tagName === "SELECT") {
      const option = [...field.options].find((o) => o.value === value);
      text = option ? option.text : value;
      const label = html.querySelector(`label[for="${CSS.escape(field.id)}"]`);
      if (name !== question.id && label) text = `${label.textContent.trim()}: ${text}`;
    } else if (field && (field.type === "radio" || field.type === "checkbox")) {
      const input = html.querySelector(`[name="${CSS.escape(name)}"][value="${CSS.escape(value)}"]`);
      const label = input && html.querySelector(`label[for="${CSS.escape(input.id)}"]`);
      text = label ? label.textContent.trim() : value;
      const legend = input && input.closest("fieldset") && input.closest("fieldset").querySelector("legend");
      if (name !== question.id && legend) text = `${legend.textContent.trim()}: ${text}`;
    }
    parts.push(text);
  }
  return parts.join("\n");
}

function showCheck() {
  returnToCheck = true;
  const visible = walk();
  let html = `<span class="govuk-caption-l">${esc(bundle.title)}</span><h1 class="govuk-heading-l" tabindex="-1">${tHtml("check_heading")}</h1>`;
  for (const { page, before } of visible) {
    html += `<h2 class="govuk-heading-m">${esc(page.title)}</h2><dl class="govuk-summary-list govuk-!-margin-bottom-9">`;
    for (const question of page.questions.filter((q) => conditionMet(q.show_if, before))) {
      const text = answerText(page, question);
      html +=
        '<div class="govuk-summary-list__row">' +
        `<dt class="govuk-summary-list__key">${esc(question.text)}</dt>` +
        `<dd class="govuk-summary-list__value engage-pre-line">${esc(text || t("not_answered"))}</dd>` +
        `<dd class="govuk-summary-list__actions"><a class="govuk-link" href="#" data-change="${esc(page.id)}">${tHtml("change")}<span class="govuk-visually-hidden"> ${esc(question.text)}</span></a></dd>` +
        "</div>";
    }
    html += "</dl>";
  }
  if (bundle.handoff) {
    html +=
      `<div class="govuk-inset-text"><p class="govuk-body">${tHtml("not_asked_here")}</p>` +
      `<button type="button" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button" id="runner-handoff">${tHtml("continue_phone")}</button></div>`;
  }
  const privacy = `<a class="govuk-link" href="${esc(root.dataset.privacy)}">${tHtml("privacy_notice")}</a>`;
  html +=
    `<h2 class="govuk-heading-m">${tHtml("send_heading")}</h2>` +
    `<p class="govuk-body">${tHtml("declaration", { council: esc(root.dataset.council), privacy_notice: privacy })}</p>` +
    `<button type="button" class="govuk-button" data-module="govuk-button" id="runner-send">${tHtml("send")}</button>`;
  root.innerHTML = html;
  setTitle(t("check_title"), false);
  window.scrollTo(0, 0);
  root.querySelector("h1").focus();
  for (const link of root.querySelectorAll("[data-change]")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      showPage(link.dataset.change);
    });
  }
  root.querySelector("#runner-send").addEventListener("click", send, { once: true });
  const handoff = root.querySelector("#runner-handoff");
  if (handoff) handoff.addEventListener("click", continueOnPhone);
}

function finished(panelTitle, panelBody, message) {
  root.innerHTML =
    `<div class="govuk-panel govuk-panel--confirmation"><h1 class="govuk-panel__title" tabindex="-1">${esc(panelTitle)}</h1>` +
    (panelBody ? `<div class="govuk-panel__body">${panelBody}</div>` : "") +
    "</div>" +
    message +
    `<button type="button" class="govuk-button" data-module="govuk-button" id="runner-finish">${tHtml("finish")}</button>` +
    `<p class="govuk-body">${tHtml("clears_soon")}</p>`;
  root.querySelector("h1").focus();
  root.querySelector("#runner-finish").addEventListener("click", () => reset());
  setIdle(30);
}

// The server refused the answers for good (say the survey closed while they were being given).
function notRecorded(reason) {
  root.innerHTML =
    `<h1 class="govuk-heading-l" tabindex="-1">${tHtml("not_recorded")}</h1>` +
    `<p class="govuk-body" id="runner-refused">${esc(reason)}.</p>` +
    `<p class="govuk-body">${tHtml("ask_staff")}</p>` +
    `<button type="button" class="govuk-button" data-module="govuk-button" id="runner-finish">${tHtml("finish")}</button>` +
    `<p class="govuk-body">${tHtml("clears_soon")}</p>`;
  root.querySelector("h1").focus();
  root.querySelector("#runner-finish").addEventListener("click", () => reset());
  setIdle(30);
}

async function send() {
  const item = {
    key: uuid(),
    slug: bundle.slug,
    version: bundle.version,
    pages: sentPages(walk()),
    complete: true,
    finished_at: new Date().toISOString(),
    lang: bundle.lang,
  };
  await enqueue(item);
  pages = {}; // the answers now live only in the queue, until the server has them
  const { sent, refused } = await flush();
  const outcome = sent[item.key];
  const refusal = refused && refused[item.key];
  setTitle(refusal ? t("not_recorded") : t("thank_you"), false);
  if (refusal) {
    notRecorded(refusal.message || refusal.error);
  } else if (outcome && outcome.reference) {
    finished(
      t("answers_sent"),
      `${tHtml("your_reference")}<br><strong id="reference">${esc(outcome.reference)}</strong>`,
      `<p class="govuk-body">${tHtml("taking_part", { title: esc(bundle.title) })}</p>`,
    );
  } else {
    finished(t("answers_saved"), "", `<p class="govuk-body" id="runner-queued">${tHtml("kept_here")}</p>`);
  }
}

async function continueOnPhone() {
  let result = null;
  try {
    const response = await post(root.dataset.handoff, { slug: bundle.slug, version: bundle.version, pages: sentPages(walk()) });
    if (response.ok) result = await response.json();
  } catch {
    result = null;
  }
  if (!result) {
    const note = document.createElement("p");
    note.className = "govuk-error-message";
    note.textContent = t("cannot_reach");
    root.querySelector("#runner-handoff").replaceWith(note);
    return;
  }
  pages = {};
  root.innerHTML =
    `<h1 class="govuk-heading-l" tabindex="-1">${tHtml("phone_title")}</h1>` +
    `<p class="govuk-body-l">${tHtml("phone_scan")}</p>` +
    `<div class="engage-qr-box">${result.svg}</div>` +
    `<p class="govuk-body">${tHtml("phone_kept")}</p>` +
    `<button type="button" class="govuk-button" data-module="govuk-button" id="runner-finish">${tHtml("phone_done")}</button>`;
  root.querySelector("h1").focus();
  root.querySelector("#runner-finish").addEventListener("click", () => reset());
  setIdle(60);
}

// Unfinished answers: the survey decides whether they are kept (sent as incomplete) or dropped.
beforeReset(async () => {
  if (bundle && bundle.keep_unfinished && Object.keys(pages).length) {
    await enqueue({
      key: uuid(),
      slug: bundle.slug,
      version: bundle.version,
      pages: sentPages(walk()),
      complete: false,
      finished_at: new Date().toISOString(),
      lang: bundle.lang,
    });
  }
  pages = {};
});

// Never show a previous visitor's page from the back-forward cache.
window.addEventListener("pageshow", (event) => {
  if (event.persisted) window.location.replace(root.dataset.attract);
});

async function load() {
  const response = await fetch(root.dataset.bundle, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`bundle ${response.status}`);
  bundle = await response.json();
  showPage(walk()[0].page.id);
}

load().catch(() => {
  root.innerHTML =
    `<h1 class="govuk-heading-l">${tHtml("unavailable")}</h1>` +
    `<p class="govuk-body"><a class="govuk-link" href="${esc(root.dataset.attract)}">${tHtml("go_back")}</a></p>`;
});
