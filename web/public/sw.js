// chatnext service worker: the app shell works offline; /api never is cached,
// because answers, access checks and configuration must be live.
const CACHE = "chatnext-shell-v2";
const SHELL = ["/", "/manifest.webmanifest", "/icon-192.png", "/icon-512.png"];

// The page's script and style names carry a content hash: read them from the
// HTML so the shell is complete offline from the first visit.
async function shellUrls() {
  const res = await fetch("/", { cache: "no-cache" });
  const html = await res.clone().text();
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
  // The app's own lazily loaded chunks, listed by the build.
  const chunks = await fetch("/shell.json", { cache: "no-cache" })
    .then((r) => (r.ok ? r.json() : []))
    .catch(() => []);
  return { index: res, urls: [...new Set([...SHELL.slice(1), ...assets, ...chunks])] };
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const { index, urls } = await shellUrls();
      await cache.put("/", index);
      // One missing file must not keep the whole shell from working offline.
      await Promise.allSettled(urls.map((url) => cache.add(url)));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin || url.pathname.startsWith("/api/")) return;
  if (event.request.mode === "navigate") {
    // The page: fresh when online (and remembered), the cached shell when not.
    event.respondWith(
      fetch(event.request)
        .then((res) => {
          if (res.ok) caches.open(CACHE).then((c) => c.put("/", res.clone()));
          return res;
        })
        .catch(() => caches.match("/")),
    );
    return;
  }
  if (url.pathname.startsWith("/assets/")) {
    // Hashed names never change content: cache first, fill on first use.
    event.respondWith(
      caches.match(event.request).then(
        (hit) =>
          hit ||
          fetch(event.request).then((res) => {
            if (res.ok) {
              const copy = res.clone();
              caches.open(CACHE).then((c) => c.put(event.request, copy));
            }
            return res;
          }),
      ),
    );
    return;
  }
  event.respondWith(fetch(event.request).catch(() => caches.match(event.request)));
});
