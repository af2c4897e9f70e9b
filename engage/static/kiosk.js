// Kiosk tablets: the idle timer ("Are you still there?", then clear the tablet), the queue of
// finished responses kept on the tablet while it is offline, and the service worker.
// Without JavaScript a <noscript> meta refresh does the reset instead (see layout.html).
const body = document.body;
const timeoutUrl = body.dataset.kioskTimeout || "/kiosk/timeout";
const resetHooks = [];

// --- messages, in the page's language ----------------------------------------------
// The server translates every message (engage.kiosk.offline_views.kiosk_messages): the attract
// screen and the runner carry them in the page, other pages fetch /kiosk/messages.json, which
// the service worker keeps in each language. No message is written here.

export const language = (document.documentElement.lang || "en").split("-")[0];

async function loadMessages() {
  const embedded = document.getElementById("kiosk-messages");
  if (embedded) {
    try {
      return JSON.parse(embedded.textContent);
    } catch {
      // fall through to the copy the server or the service worker has
    }
  }
  try {
    const response = await fetch(`/kiosk/messages.json?lang=${encodeURIComponent(language)}`, {
      credentials: "same-origin",
    });
    if (response.ok) {
      return await response.json();
    }
  } catch {
    // offline and not kept
  }
  return {};
}

export const messages = await loadMessages();

const escapeHtml = (text) =>
  String(text == null ? "" : text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function fill(message, values, html) {
  const text = html ? escapeHtml(message) : message;
  return text.replace(/%\((\w+)\)[sd]/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** A message as plain text, with %(name)s filled from values. */
export function t(key, values = {}) {
  return fill(messages[key] ?? key, values, false);
}

/** A message as HTML: the message is escaped, the values (already HTML) are not. */
export function tHtml(key, values = {}) {
  return fill(messages[key] ?? key, values, true);
}

/** The form of a counted message for n (Welsh has six), with %(num)d filled. */
export function plural(key, n, values = {}, html = false) {
  const forms = messages[key] || {};
  let category = "other";
  try {
    category = new Intl.PluralRules(messages.lang || language).select(n);
  } catch {
    // an engine without the language's rules: the "other" form
  }
  return fill(forms[category] ?? forms.other ?? key, { num: n, ...values }, html);
}

/** A kiosk API address with the page's language, so its messages are in the resident's. */
export function withLanguage(url) {
  const address = new URL(url, window.location.origin);
  if (!address.searchParams.has("lang")) {
    address.searchParams.set("lang", language);
  }
  return address.pathname + address.search;
}

// --- talking to the server ----------------------------------------------------------

export function post(url, data) {
  return fetch(withLanguage(url), {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-Engage-Kiosk": "1" },
    body: JSON.stringify(data),
  });
}

// --- the queue: finished responses not yet sent, in IndexedDB -----------------------

const DB_NAME = "engage-kiosk";
const STORE = "queue";

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function withStore(mode, action) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = action(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error);
    });
  } finally {
    db.close();
  }
}

export const enqueue = (item) => withStore("readwrite", (store) => store.put(item));
const queued = () => withStore("readonly", (store) => store.getAll());
const forget = (key) => withStore("readwrite", (store) => store.delete(key));

function showQueue(count) {
  const note = document.getElementById("kiosk-queue");
  if (note) {
    note.hidden = count === 0;
    note.textContent = plural("queue", count);
  }
  body.dataset.kioskQueued = String(count);
}

let flushing = null;

async function reason(response) {
  try {
    return await response.json();
  } catch {
    return { status: "refused", error: t("not_kept"), message: t("not_kept") };
  }
}

async function sendQueue() {
  const items = await queued();
  const sent = {};
  const refused = {};
  let remaining = items.length;
  for (const item of items) {
    let response;
    try {
      response = await post("/kiosk/api/responses", { ...item, queued: remaining });
    } catch {
      break; // offline: keep everything and try again later
    }
    if (response.status === 200 || response.status === 201) {
      sent[item.key] = await response.json();
      await forget(item.key);
      remaining -= 1;
    } else if (response.status === 422) {
      // Refused for good (the survey had closed when it was finished, nothing in it passed the
      // survey's checks, or it cannot be read): sending it again would be refused again. The
      // server records why (staff see it on the kiosk page), so the tablet lets it go.
      refused[item.key] = await reason(response);
      await forget(item.key);
      remaining -= 1;
    } else if (response.status === 401 || response.status === 429) {
      break; // revoked or limited: keep the answers; staff can see the count
    }
    // Anything else (the server is down, say): keep it, counted as queued, and try again later.
  }
  try {
    await post("/kiosk/api/status", { queued: remaining });
  } catch {
    // offline
  }
  showQueue(remaining);
  return { sent, refused, remaining };
}

export function flush() {
  if (!flushing) {
    flushing = sendQueue().finally(() => {
      flushing = null;
    });
  }
  return flushing;
}

// --- resetting the tablet for the next person ---------------------------------------

export function beforeReset(hook) {
  resetHooks.push(hook);
}

export async function reset() {
  const limit = new Promise((resolve) => window.setTimeout(resolve, 2000));
  await Promise.race([Promise.allSettled(resetHooks.map((hook) => hook())), limit]);
  window.location.replace(timeoutUrl);
}

// "Start again" in the header: the same reset, which also works offline.
for (const form of document.querySelectorAll("form[data-kiosk-reset]")) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    reset();
  });
}

// --- the idle timer -----------------------------------------------------------------

let idleSeconds = Number(body.dataset.kioskIdle || 0);
let idleTimer = 0;
let countdownTimer = 0;
let remainingSeconds = 0;
const warnFor = () => Math.max(20, Math.min(30, Math.floor(idleSeconds / 2)));

const dialog = document.createElement("div");
dialog.className = "engage-kiosk-warning";
dialog.setAttribute("role", "alertdialog");
dialog.setAttribute("aria-modal", "true");
dialog.setAttribute("aria-labelledby", "kiosk-warning-title");
dialog.setAttribute("aria-describedby", "kiosk-warning-text");
dialog.hidden = true;
dialog.innerHTML =
  '<div class="engage-kiosk-warning__box">' +
  `<h2 class="govuk-heading-l" id="kiosk-warning-title">${tHtml("still_there")}</h2>` +
  '<p class="govuk-body-l" id="kiosk-warning-text"></p>' +
  `<button type="button" class="govuk-button engage-kiosk-button" data-module="govuk-button" id="kiosk-continue">${tHtml("still_here")}</button>` +
  "</div>";
body.appendChild(dialog);
const warningText = dialog.querySelector("#kiosk-warning-text");
const keepGoing = dialog.querySelector("#kiosk-continue");

function showCountdown() {
  const count = `<strong id="kiosk-countdown">${remainingSeconds}</strong>`;
  warningText.innerHTML = plural("countdown", remainingSeconds, { num: count }, true);
}

const tick = () => {
  remainingSeconds -= 1;
  showCountdown();
  if (remainingSeconds <= 0) {
    reset();
  } else {
    countdownTimer = window.setTimeout(tick, 1000);
  }
};

const warn = () => {
  remainingSeconds = warnFor();
  showCountdown();
  dialog.hidden = false;
  keepGoing.focus();
  countdownTimer = window.setTimeout(tick, 1000);
};

const restart = () => {
  window.clearTimeout(idleTimer);
  if (!dialog.hidden || idleSeconds <= 0) {
    return; // only the button dismisses the warning, so a stray touch does not hide it
  }
  idleTimer = window.setTimeout(warn, (idleSeconds - warnFor()) * 1000);
};

/** The runner's thank-you screen clears itself sooner than a question page. */
export function setIdle(seconds) {
  idleSeconds = seconds;
  restart();
}

keepGoing.addEventListener("click", () => {
  window.clearTimeout(countdownTimer);
  dialog.hidden = true;
  restart();
});
for (const type of ["pointerdown", "keydown", "input", "scroll", "touchstart"]) {
  window.addEventListener(type, restart, { passive: true, capture: true });
}
restart();

// --- offline support ----------------------------------------------------------------

const runnerLinks = [...document.querySelectorAll("a[data-kiosk-runner]")];
for (const link of runnerLinks) {
  link.href = link.dataset.kioskRunner; // with JavaScript, answer in the offline-capable runner
}

if ("serviceWorker" in navigator && body.dataset.kioskWorker) {
  navigator.serviceWorker
    .register(body.dataset.kioskWorker, { scope: "/" })
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      let everyLanguage = [];
      const holder = document.querySelector("[data-kiosk-cache]");
      try {
        everyLanguage = holder ? JSON.parse(holder.dataset.kioskCache) : [];
      } catch {
        everyLanguage = [];
      }
      const urls = [
        ...runnerLinks.flatMap((link) => [link.dataset.kioskRunner, link.dataset.kioskBundle]),
        ...everyLanguage,
      ];
      if (registration.active) {
        // The language in use, for the offline page of a page the worker does not keep.
        registration.active.postMessage({ type: "language", lang: language });
        if (urls.length) {
          registration.active.postMessage({ type: "cache", urls });
        }
      }
    })
    .catch(() => {
      // Without the worker the kiosk still works while online.
    });
}

if ("indexedDB" in window) {
  window.addEventListener("online", () => flush());
  window.setInterval(() => flush(), 15000);
  flush().catch(() => {});
}
