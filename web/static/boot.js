// Starts the lesson. It lives in its own file because the page's Content-Security-Policy allows no
// inline script. Trunk writes the hashed names of the bindings and the module into this tag's data.
// It runs once the page is parsed (a module script), so the module never competes with the page's own
// bytes; the bindings and the module are then fetched side by side.
const tag = document.getElementById("boot");
const wasm = fetch(tag.dataset.wasm);
const { default: init } = await import(tag.dataset.js);
await init({ module_or_path: wasm });

// Offline: a service worker keeps a copy of every file this page fetched from its own origin, and
// answers from it when the network is gone.
if ("serviceWorker" in navigator) {
  // The worker answers once it holds the files; the end-to-end tests wait for this mark.
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data && event.data.kept) document.documentElement.dataset.offline = "ready";
  });
  navigator.serviceWorker
    .register("sw.js")
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      const own = (url) => new URL(url, location.href).origin === location.origin;
      // The model worker's files: its start script, its module, and the weights it fetches.
      const worker = ["worker-start.js", "worker.js", "worker_bg.wasm", "bigram.bpk", "gpt.bpk"];
      // Fetched only when the learner asks for them: kept once fetched, never fetched to be kept.
      const onDemand = ["shakespeare-tokenizer.json", "shakespeare.bpk"].map((f) => new URL(f, location.href).href);
      const keep = () => {
        // Everything fetched so far, and what the document names (the icon has no timing entry).
        const named = [...document.querySelectorAll("link[href], script[src]")].map((e) => e.href || e.src);
        const timed = performance.getEntriesByType("resource").map((entry) => entry.name);
        const files = [...new Set([...timed, ...named, ...worker.map((f) => new URL(f, location.href).href)])];
        registration.active.postMessage({ keep: [location.pathname, ...files.filter(own)], also: onDemand });
      };
      // Kept once the worker has fetched its files (or failed to), so that keeping them fetches nothing
      // the page is still waiting for.
      if (document.documentElement.dataset.models === "settled") keep();
      else document.addEventListener("models-settled", keep, { once: true });
    })
    .catch((error) => console.warn("offline copy unavailable:", error));
}
