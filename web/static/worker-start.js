// Starts the model worker: loads its module (wasm-bindgen's no-modules build, which defines
// `wasm_bindgen`) and tells the page, as text, when it cannot; the page then says so wherever a model is
// needed, and the rest of the page keeps working.
try {
  importScripts("./worker.js");
  wasm_bindgen({ module_or_path: "./worker_bg.wasm" }).catch((error) => postMessage(`its module did not load (${error})`));
} catch (error) {
  postMessage(`its script did not load (${error})`);
}
