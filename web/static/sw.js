// The lesson's service worker: the network first, and this origin's last good copy when it is gone.
const CACHE = "how-distributions-become-text";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

// The page sends the files it loaded: keep exactly those (older bundles' files are dropped), and those
// it fetches only on demand if they are already here.
self.addEventListener("message", (event) => {
  const keep = (event.data && event.data.keep) || [];
  const urls = new Set(keep.map((url) => new URL(url, self.location.href).href));
  const also = new Set(((event.data && event.data.also) || []).map((url) => new URL(url, self.location.href).href));
  event.waitUntil(
    caches.open(CACHE).then(async (cache) => {
      await Promise.all([...urls].map((url) => cache.add(url).catch(() => undefined)));
      for (const request of await cache.keys()) {
        if (!urls.has(request.url) && !also.has(request.url)) await cache.delete(request);
      }
      if (event.source) event.source.postMessage({ kept: urls.size });
    }),
  );
});

// The network first. With a copy at hand, a failed answer, an error status, or no answer within three
// seconds (a network that is gone can also just stay silent) gives the copy instead; a late answer still
// refreshes the copy.
const PATIENCE_MS = 3000;

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  const network = fetch(request).then(async (response) => {
    if (response.ok) {
      const cache = await caches.open(CACHE);
      await cache.put(request, response.clone());
    }
    return response;
  });
  event.waitUntil(network.catch(() => undefined));
  event.respondWith(
    caches.match(request, { ignoreSearch: request.mode === "navigate" }).then((cached) => {
      if (!cached) return network;
      const late = new Promise((resolve) => setTimeout(() => resolve(cached), PATIENCE_MS));
      const answered = network.then((response) => (response.ok ? response : cached)).catch(() => cached);
      return Promise.race([answered, late]);
    }),
  );
});
