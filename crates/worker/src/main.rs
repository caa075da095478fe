//! The model worker, started by the page as a Web Worker (`worker-start.js` loads this module). It
//! fetches both models' weights beside the page with progress, hands them to [`model::serve::Worker`],
//! which checks them against their cards and loads them, and answers the page's requests one at a time,
//! in the order they came. Nothing here blocks the page: this is another thread.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::{Reflect, Uint8Array};
use model::serve::{Worker, expected};
use protocol::messages::{FromWorker, Status, ToWorker, Which, decode, encode};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, ReadableStreamDefaultReader, Response};

/// The models, and the requests waiting for one still loading.
struct State {
    worker: Worker,
    queue: VecDeque<ToWorker>,
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

/// Answers the queued requests in order, stopping at the first that waits for a model still loading.
fn pump(state: &Rc<RefCell<State>>) {
    loop {
        let mut s = state.borrow_mut();
        let Some(first) = s.queue.front() else { return };
        if s.worker.is_waiting_for(&first.request) {
            return;
        }
        let Some(ToWorker { id, request }) = s.queue.pop_front() else { return };
        let reply = s.worker.handle(request, &now);
        drop(s);
        post(&FromWorker::Reply(id, reply));
    }
}

/// A JavaScript error as a sentence.
fn describe(error: &JsValue) -> String {
    error
        .as_string()
        .or_else(|| error.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())))
        .unwrap_or_else(|| format!("{error:?}"))
}

/// The bytes of `which`'s weights file, reporting progress to the page as they arrive.
async fn fetch(which: Which) -> Result<Vec<u8>, String> {
    let total = expected(which).map_err(|e| e.to_string())?.0;
    let file = which.file();
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
    let mut bytes = Vec::with_capacity(total as usize);
    post(&FromWorker::Status(which, Status::Loading { received: 0, total }));
    loop {
        let chunk = wasm_bindgen_futures::JsFuture::from(reader.read())
            .await
            .map_err(|e| format!("{file} stopped arriving ({})", describe(&e)))?;
        if Reflect::get(&chunk, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true) {
            return Ok(bytes);
        }
        let value = Reflect::get(&chunk, &"value".into()).map_err(|e| describe(&e))?;
        bytes.extend(Uint8Array::new(&value).to_vec());
        post(&FromWorker::Status(which, Status::Loading { received: bytes.len() as u64, total }));
    }
}

/// Fetches and loads both models, the small one first, then answers what waited for them.
async fn load(state: Rc<RefCell<State>>) {
    for which in Which::ALL {
        let status = match fetch(which).await {
            Ok(bytes) => state.borrow_mut().worker.load(which, &bytes),
            Err(why) => state.borrow_mut().worker.fail(which, &format!("{} could not be loaded: {why}.", which.name())),
        };
        post(&FromWorker::Status(which, status));
        pump(&state);
    }
}

fn main() {
    console_error_panic_hook::set_once();
    let state = Rc::new(RefCell::new(State { worker: Worker::new(), queue: VecDeque::new() }));
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
    wasm_bindgen_futures::spawn_local(load(state));
}
