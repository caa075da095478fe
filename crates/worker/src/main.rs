//! The model worker, started by the page as a Web Worker (`worker-start.js` loads this module). It
//! fetches the names models' weights beside the page with progress (and the Shakespeare model's when a
//! request first needs it), hands them to [`model::serve::Worker`],
//! which checks them against their cards and loads them, and answers the page's requests one at a time,
//! in the order they came. Nothing here blocks the page: this is another thread.

use std::cell::RefCell;
use std::collections::{HashSet, VecDeque};
use std::rc::Rc;

use js_sys::{Reflect, Uint8Array};
use model::serve::{Worker, expected_total};
use protocol::messages::{FromWorker, Status, ToWorker, Which, decode, encode};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, ReadableStreamDefaultReader, Response};

/// The models, the requests waiting for one still loading, and the models whose files were asked for.
struct State {
    worker: Worker,
    queue: VecDeque<ToWorker>,
    fetching: HashSet<Which>,
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Milliseconds from the worker's start, as the browser measures them.
fn now() -> f64 {
    scope().performance().map_or(0.0, |p| p.now())
}

/// Sends a message to the page. A message that cannot be encoded or posted is written to the console
/// (it never happens for these types).
fn post(message: &FromWorker) {
    match encode(message) {
        Ok(bytes) => {
            if let Err(e) = scope().post_message(&Uint8Array::from(bytes.as_slice())) {
                web_sys::console::error_2(&"the model worker cannot post a message:".into(), &e);
            }
        }
        Err(e) => web_sys::console::error_1(&format!("the model worker cannot encode a message: {e}").into()),
    }
}

/// Answers the queued requests that can run, in order: a request waits while a model it needs is still
/// loading, and so does every later one that shares a model with it; the others go ahead. The first
/// time a request needs a model loaded on demand, its file is fetched.
fn pump(state: &Rc<RefCell<State>>) {
    while let Some(ToWorker { id, request }) = next_ready(state) {
        let reply = state.borrow_mut().worker.handle(request, &now);
        post(&FromWorker::Reply(id, reply));
    }
}

/// Takes the first queued request that can run now, starting the fetch of any model a waiting one needs.
fn next_ready(state: &Rc<RefCell<State>>) -> Option<ToWorker> {
    let mut s = state.borrow_mut();
    let mut blocked: HashSet<Which> = HashSet::new();
    let mut fetch = Vec::new();
    let mut ready = None;
    for (at, message) in s.queue.iter().enumerate() {
        let needs = message.request.needs();
        if s.worker.is_waiting_for(&message.request) {
            fetch.extend(needs.iter().copied().filter(|&w| s.worker.is_waiting(w)));
            blocked.extend(needs);
        } else if !needs.iter().any(|w| blocked.contains(w)) {
            ready = Some(at);
            break;
        }
    }
    for which in fetch {
        if s.fetching.insert(which) {
            wasm_bindgen_futures::spawn_local(load(Rc::clone(state), which));
        }
    }
    s.queue.remove(ready?)
}

/// A JavaScript error as a sentence.
fn describe(error: &JsValue) -> String {
    error
        .as_string()
        .or_else(|| error.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())))
        .unwrap_or_else(|| format!("{error:?}"))
}

/// The bytes of `file`, one of `which`'s, reporting progress to the page as they arrive: `before` bytes
/// of its other files have arrived, of `total` in all.
async fn fetch(which: Which, file: &str, before: u64, total: u64) -> Result<Vec<u8>, String> {
    let response = wasm_bindgen_futures::JsFuture::from(scope().fetch_with_str(file))
        .await
        .map_err(|e| format!("{file} could not be fetched ({})", describe(&e)))?;
    let response: Response = response.dyn_into().map_err(|e| describe(&e))?;
    if !response.ok() {
        return Err(format!("{file} could not be fetched (the server answered {})", response.status()));
    }
    let reader: ReadableStreamDefaultReader = response
        .body()
        .ok_or_else(|| format!("{file} came without a body"))?
        .get_reader()
        .dyn_into()
        .map_err(|e| describe(&e))?;
    let mut bytes = Vec::new();
    post(&FromWorker::Status(which, Status::Loading { received: before, total }));
    loop {
        let chunk = wasm_bindgen_futures::JsFuture::from(reader.read())
            .await
            .map_err(|e| format!("{file} stopped arriving ({})", describe(&e)))?;
        if Reflect::get(&chunk, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true) {
            return Ok(bytes);
        }
        let value = Reflect::get(&chunk, &"value".into()).map_err(|e| describe(&e))?;
        bytes.extend(Uint8Array::new(&value).to_vec());
        let received = before + bytes.len() as u64;
        post(&FromWorker::Status(which, Status::Loading { received, total }));
    }
}

/// Every file of `which` (those beside its weights first, then the weights), with progress.
async fn fetch_all(which: Which) -> Result<Vec<Vec<u8>>, String> {
    let total = expected_total(which).map_err(|e| e.to_string())?;
    let mut files = Vec::new();
    let mut before = 0;
    for file in which.extra_files().iter().copied().chain([which.file()]) {
        let bytes = fetch(which, file, before, total).await?;
        before += bytes.len() as u64;
        files.push(bytes);
    }
    Ok(files)
}

/// Fetches and loads `which`, then answers what waited for it.
async fn load(state: Rc<RefCell<State>>, which: Which) {
    let status = match fetch_all(which).await {
        Ok(files) => {
            let worker = &mut state.borrow_mut().worker;
            match (which, files.as_slice()) {
                (Which::Shakespeare, [tokens, weights]) => worker.load_text(weights, tokens),
                (_, [.., weights]) => worker.load(which, weights),
                (_, []) => worker.fail(which, &format!("{} could not be loaded: no file arrived.", which.name())),
            }
        }
        Err(why) => state.borrow_mut().worker.fail(which, &format!("{} could not be loaded: {why}.", which.name())),
    };
    post(&FromWorker::Status(which, status));
    pump(&state);
}

/// Fetches and loads the models needed from the start, the small one first.
async fn load_at_start(state: Rc<RefCell<State>>) {
    for which in Which::ALL {
        if state.borrow_mut().fetching.insert(which) {
            load(Rc::clone(&state), which).await;
        }
    }
}

fn main() {
    console_error_panic_hook::set_once();
    let state =
        Rc::new(RefCell::new(State { worker: Worker::new(), queue: VecDeque::new(), fetching: HashSet::new() }));
    let receiving = Rc::clone(&state);
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        match decode::<ToWorker>(&Uint8Array::new(&event.data()).to_vec()) {
            Ok(message) => receiving.borrow_mut().queue.push_back(message),
            Err(e) => web_sys::console::error_1(&format!("the model worker received {e}").into()),
        }
        pump(&receiving);
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    wasm_bindgen_futures::spawn_local(load_at_start(state));
}
