// Kiosk service worker: keeps the attract screen, the survey runner, each survey's bundle and
// the static assets on the tablet, so residents can keep answering when the network drops.
// It caches nothing a resident typed: finished answers wait in IndexedDB (see kiosk.js).
//
// Pages are kept by address and language: the key is the path plus "?lang=cy" when the address
// asks for a language, so a Welsh page is never served to an English session or the other way
// round. "/kiosk" (no language) is the attract screen in the kiosk's default language, which is
// what a reset shows the next person. The server puts the kiosk's languages in KIOSK_CONFIG.
const CONFIG = self.KIOSK_CONFIG || { languages: ["en"], default: "en" };
const CACHE = "engage-kiosk-v3";
const perLanguage = (path) => CONFIG.languages.map((lang) => `${path}?lang=${lang}`);
const SHELL = [
  "/kiosk",
  ...perLanguage("/kiosk"),
  ...perLanguage("/kiosk/offline"),
  ...perLanguage("/kiosk/messages.json"),
  "/static/build/engage.css",
  "/static/build/govuk-frontend.min.js",
  "/static/engage.js",
  "/static/kiosk.js",
  "/static/kiosk-runner.js",
  "/static/kiosk-routing.js",
  "/static/favicon.svg",
];
// Pages that are the same for every visitor and are worth keeping for offline use.
const KEEP = [
  /^\/kiosk$/,
  /^\/kiosk\/offline$/,
  /^\/kiosk\/messages\.json$/,
  /^\/kiosk\/run\/[^/]+$/,
  /^\/kiosk\/run\/[^/]+\/bundle\.json$/,
];
// The language of the page in use (kiosk.js says), for the offline page of an address that
// does not name one. A reset goes back to the default.
let current = CONFIG.default;

/** A valid language the address asks for, or null. */
function languageOf(url) {
  const lang = url.searchParams.get("lang");
  return lang && CONFIG.languages.includes(lang) ? lang : null;
}

/** The cache key: the path, and the language when the address asks for one. */
function keyOf(url) {
  const lang = languageOf(url);
  return lang ? `${url.pathname}?lang=${lang}` : url.pathname;
}

async function keep(urls) {
  const cache = await caches.open(CACHE);
  await Promise.allSettled(
    urls.map(async (url) => {
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok && !response.redirected) {
        await cache.put(keyOf(new URL(url, self.location.origin)), response);
      }
    }),
  );
}

self.addEventListener("install", (event) => {
  event.waitUntil(keep(SHELL).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "cache" && Array.isArray(event.data.urls)) {
    event.waitUntil(keep(event.data.urls.filter((url) => typeof url === "string")));
  } else if (event.data && event.data.type === "language") {
    current = CONFIG.languages.includes(event.data.lang) ? event.data.lang : CONFIG.default;
  }
});

async function fromCache(path) {
  const cache = await caches.open(CACHE);
  return cache.match(path);
}

async function networkFirst(request, url) {
  const key = keyOf(url);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected && KEEP.some((pattern) => pattern.test(url.pathname))) {
      const cache = await caches.open(CACHE);
      await cache.put(key, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await fromCache(key);
    if (cached) {
      return cached;
    }
    if (request.mode === "navigate") {
      // "This tablet is temporarily unavailable" in the resident's language: the address's,
      // else the page they came from, else the page in use.
      let lang = languageOf(url);
      try {
        lang = lang || (request.referrer ? languageOf(new URL(request.referrer)) : null);
      } catch {
        // no usable referrer
      }
      return (await fromCache(`/kiosk/offline?lang=${lang || current}`)) || Response.error();
    }
    throw error;
  }
}

async function cacheFirst(request, key) {
  const cached = await fromCache(key);
  const fresh = fetch(request)
    .then(async (response) => {
      if (response.ok) {
        const cache = await caches.open(CACHE);
        await cache.put(key, response.clone());
      }
      return response;
    })
    .catch(() => undefined);
  return cached || (await fresh) || Response.error();
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/kiosk/api/")) {
    return; // answers and other writes always go to the network
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request, url.pathname));
  } else if (url.pathname === "/kiosk/timeout") {
    // Offline, clearing the tablet still works: the runner's answers live only in the page, and
    // the next person gets the attract screen in the kiosk's default language.
    current = CONFIG.default;
    event.respondWith(fetch(request).catch(async () => (await fromCache("/kiosk")) || Response.error()));
  } else {
    event.respondWith(networkFirst(request, url));
  }
});
