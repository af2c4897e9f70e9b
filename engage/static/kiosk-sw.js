// Kiosk service worker: keeps the attract screen, the survey runner, each survey's bundle and
// the static assets on the tablet, so residents can keep answering when the network drops.
// It caches nothing a resident typed: finished answers wait in IndexedDB (see kiosk.js).
const CACHE = "engage-kiosk-v2";
const SHELL = [
  "/kiosk",
  "/kiosk/offline",
  "/static/build/engage.css",
  "/static/build/govuk-frontend.min.js",
  "/static/engage.js",
  "/static/kiosk.js",
  "/static/kiosk-runner.js",
  "/static/kiosk-routing.js",
  "/static/favicon.svg",
];
// Pages that are the same for every visitor and are worth keeping for offline use.
const KEEP = [/^\/kiosk$/, /^\/kiosk\/offline$/, /^\/kiosk\/run\/[^/]+$/, /^\/kiosk\/run\/[^/]+\/bundle\.json$/];

async function keep(urls) {
  const cache = await caches.open(CACHE);
  await Promise.allSettled(
    urls.map(async (url) => {
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok && !response.redirected) {
        await cache.put(new URL(url, self.location.origin).pathname, response);
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
  }
});

async function fromCache(path) {
  const cache = await caches.open(CACHE);
  return cache.match(path);
}

async function networkFirst(request, key) {
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected && KEEP.some((pattern) => pattern.test(key))) {
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
      return (await fromCache("/kiosk/offline")) || Response.error();
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
    // Offline, clearing the tablet still works: the runner's answers live only in the page.
    event.respondWith(fetch(request).catch(async () => (await fromCache("/kiosk")) || Response.error()));
  } else {
    event.respondWith(networkFirst(request, url.pathname));
  }
});
