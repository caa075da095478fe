//! The page's two models, which live in the model worker: the page asks, the worker answers, and the
//! page shows how each model is coming along. No model runs on the page's thread.
//!
//! The worker starts when the page's widgets are all alive, or at the first request before that. It
//! answers requests in the order they were sent; a widget that asks again before an answer arrives keeps
//! only the newest answer ([`Latest`]) or shows every one in order (speculative rounds, the control
//! surface's runs). If the worker cannot start, or stops, every request waiting and every later one is
//! answered with the reason, and the widgets that need a model say so; the rest of the page keeps working.

use std::collections::HashMap;

use leptos::prelude::*;
use protocol::messages::{FromWorker, Reply, Request, Status, ToWorker, Which};

/// The script that starts the worker (beside the page): it loads the worker's module and reports a
/// failure to start as a message.
pub const WORKER_SCRIPT: &str = "worker-start.js";

/// The mark on the document's root once neither model is still on its way.
pub const SETTLED: (&str, &str) = ("data-models", "settled");

/// How one model is coming along, as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelState {
    /// The worker has not said anything about it yet (it is starting, or not started).
    Waiting,
    /// Its weights are arriving.
    Loading {
        /// Bytes received.
        received: u64,
        /// Bytes in all.
        total: u64,
    },
    /// Loaded: requests run.
    Ready,
    /// It will not load, for this reason (a sentence).
    Unavailable(String),
}

impl From<Status> for ModelState {
    fn from(status: Status) -> Self {
        match status {
            Status::Loading { received, total } => Self::Loading { received, total },
            Status::Ready => Self::Ready,
            Status::Unavailable(why) => Self::Unavailable(why),
        }
    }
}

/// Kilobytes as the page shows them: "41".
fn kb(bytes: u64) -> String {
    format!("{}", (bytes as f64 / 1000.0).round() as u64)
}

impl ModelState {
    /// The one line a widget shows while an answer from `which` is awaited: it loads (with its
    /// progress), or it runs.
    pub fn awaiting(&self, which: Which) -> String {
        let name = which.name();
        match self {
            Self::Waiting => format!("{name} is starting in the background; your request runs once it has loaded."),
            Self::Loading { received, total } => {
                format!("{name} is loading: {} of {} KB; your request runs once it has.", kb(*received), kb(*total))
            }
            Self::Ready => format!("{name} is running…"),
            Self::Unavailable(why) => why.clone(),
        }
    }
}

/// Where the page talks to the worker.
#[derive(Default)]
struct Link {
    /// The worker, once started.
    worker: Option<web_sys::Worker>,
    /// Whether it was started (or could not be).
    started: bool,
    /// Set when the worker failed: every request is answered with it.
    failed: Option<String>,
    /// The id of the next request.
    next: u64,
    /// What to do with each answer still awaited, by request id.
    pending: HashMap<u64, Box<dyn FnOnce(Reply)>>,
    /// Requests made before the worker could take them.
    queued: Vec<ToWorker>,
}

/// The models, as the page reaches them: their states, and the requests in flight.
#[derive(Debug, Clone, Copy)]
pub struct Models {
    bigram: RwSignal<ModelState>,
    transformer: RwSignal<ModelState>,
    shakespeare: RwSignal<ModelState>,
    link: StoredValue<Link, LocalStorage>,
}

impl std::fmt::Debug for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Link").field("started", &self.started).field("pending", &self.pending.len()).finish()
    }
}

impl Default for Models {
    fn default() -> Self {
        Self::new()
    }
}

impl Models {
    /// Neither model loaded, the worker not started.
    pub fn new() -> Self {
        Self {
            bigram: RwSignal::new(ModelState::Waiting),
            transformer: RwSignal::new(ModelState::Waiting),
            shakespeare: RwSignal::new(ModelState::Waiting),
            link: StoredValue::new_local(Link::default()),
        }
    }

    fn signal(&self, which: Which) -> RwSignal<ModelState> {
        match which {
            Which::Bigram => self.bigram,
            Which::Transformer => self.transformer,
            Which::Shakespeare => self.shakespeare,
        }
    }

    /// How `which` is coming along (tracked).
    pub fn state(&self, which: Which) -> ModelState {
        self.signal(which).get()
    }

    /// The line a widget shows while it awaits an answer to `request`: the first model it needs that is
    /// not ready, or the one it runs on (tracked).
    pub fn awaiting(&self, request_needs: &[Which]) -> String {
        let states: Vec<(Which, ModelState)> = request_needs.iter().map(|&w| (w, self.state(w))).collect();
        states
            .iter()
            .find(|(_, s)| *s != ModelState::Ready)
            .or(states.last())
            .map(|(w, s)| s.awaiting(*w))
            .unwrap_or_default()
    }

    /// Sends `request` to the worker (starting it if need be); `answer` gets its reply, exactly once.
    /// Returns the request's id.
    pub fn ask(&self, request: Request, answer: impl FnOnce(Reply) + 'static) -> u64 {
        let mut answer = Some(Box::new(answer) as Box<dyn FnOnce(Reply)>);
        let (id, failed) = self
            .link
            .try_update_value(|link| {
                let id = link.next;
                link.next += 1;
                if let Some(why) = &link.failed {
                    return (id, Some(why.clone()));
                }
                if let Some(a) = answer.take() {
                    link.pending.insert(id, a);
                    link.queued.push(ToWorker { id, request });
                }
                (id, None)
            })
            .unwrap_or((0, None));
        // After a failure, answered at once (outside the borrow of the link).
        if let (Some(why), Some(answer)) = (failed, answer) {
            answer(Reply::Failed(why));
        }
        self.start();
        self.flush();
        id
    }

    /// Starts the worker, once; in the browser only.
    pub fn start(&self) {
        let first = self.link.try_update_value(|link| !std::mem::replace(&mut link.started, true)).unwrap_or(false);
        if first
            && cfg!(target_arch = "wasm32")
            && let Err(why) = self.spawn()
        {
            self.fail(&format!("The models could not be started in the background: {why}."));
        }
    }

    /// Sends the queued requests, once the worker exists.
    fn flush(&self) {
        self.link.update_value(|link| {
            let Some(worker) = &link.worker else { return };
            for message in link.queued.drain(..) {
                if let Ok(bytes) = protocol::messages::encode(&message) {
                    let _ = worker.post_message(&js_sys::Uint8Array::from(bytes.as_slice()));
                }
            }
        });
    }

    /// Creates the worker and listens to it.
    fn spawn(&self) -> Result<(), String> {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::prelude::Closure;
        let worker = web_sys::Worker::new(WORKER_SCRIPT).map_err(|e| describe(&e))?;
        let models = *self;
        let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let data = event.data();
            // The start script reports a failure to load the worker's module as text.
            if let Some(text) = data.as_string() {
                return models.fail(&format!("The models could not be started in the background: {text}."));
            }
            match protocol::messages::decode::<FromWorker>(&js_sys::Uint8Array::new(&data).to_vec()) {
                Ok(message) => models.receive(message),
                Err(e) => models.fail(&format!("The models in the background sent what the page cannot read ({e})")),
            }
        });
        let on_error = Closure::<dyn Fn(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
            event.prevent_default();
            let what = event.message();
            let what = if what.is_empty() { "its script did not load".to_string() } else { what };
            models.fail(&format!("The models in the background stopped: {what}."));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_message.forget();
        on_error.forget();
        self.link.update_value(|link| link.worker = Some(worker));
        Ok(())
    }

    /// Takes one message from the worker.
    fn receive(&self, message: FromWorker) {
        match message {
            FromWorker::Status(which, status) => {
                self.signal(which).set(status.into());
                self.settle();
            }
            FromWorker::Reply(id, reply) => {
                if let Some(answer) = self.link.try_update_value(|link| link.pending.remove(&id)).flatten() {
                    answer(reply);
                }
            }
        }
    }

    /// The worker failed (`why`, a sentence): every model is unavailable, every request waiting is
    /// answered with the reason, and so is every later one.
    fn fail(&self, why: &str) {
        for which in Which::EVERY {
            self.signal(which).set(ModelState::Unavailable(why.to_string()));
        }
        self.settle();
        let waiting = self
            .link
            .try_update_value(|link| {
                link.failed = Some(why.to_string());
                link.queued.clear();
                if let Some(worker) = link.worker.take() {
                    worker.terminate();
                }
                link.pending.drain().collect::<Vec<_>>()
            })
            .unwrap_or_default();
        for (_, answer) in waiting {
            answer(Reply::Failed(why.to_string()));
        }
    }

    /// Once neither model is still on its way, marks the document (`data-models="settled"`) and tells the
    /// page's start script, which then asks the service worker to keep the worker's files for offline use.
    fn settle(&self) {
        let settled = Which::ALL
            .iter()
            .all(|&w| matches!(self.signal(w).get_untracked(), ModelState::Ready | ModelState::Unavailable(_)));
        let Some(document) = crate::browser::document().filter(|_| settled) else { return };
        let Some(root) = document.document_element() else { return };
        if root.get_attribute(SETTLED.0).as_deref() != Some(SETTLED.1) {
            let _ = root.set_attribute(SETTLED.0, SETTLED.1);
            // When the models were ready (or known not to be), for the load benchmark.
            if let Some(performance) = crate::browser::window().and_then(|w| w.performance()) {
                let _ = performance.mark("models-settled");
            }
            if let Ok(event) = web_sys::Event::new("models-settled") {
                let _ = document.dispatch_event(&event);
            }
        }
    }

    /// Hands `message` to the page as the worker would (for tests of the widgets, without a worker).
    #[doc(hidden)]
    pub fn receive_for_test(&self, message: FromWorker) {
        self.receive(message);
    }
}

/// A JavaScript error as text.
fn describe(error: &wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    error
        .as_string()
        .or_else(|| error.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())))
        .unwrap_or_else(|| "an unknown error".to_string())
}

/// A widget's requests where only the newest matters (a typed prompt, a moved slider): an answer to an
/// older request that arrives after a newer one was sent is dropped, never shown as current.
#[derive(Debug, Clone, Copy)]
pub struct Latest {
    /// How many requests were sent, and the number of the last one answered.
    sent: RwSignal<u64>,
    answered: RwSignal<u64>,
}

impl Default for Latest {
    fn default() -> Self {
        Self::new()
    }
}

impl Latest {
    /// Nothing asked yet.
    pub fn new() -> Self {
        Self { sent: RwSignal::new(0), answered: RwSignal::new(0) }
    }

    /// Asks `models`; `answer` runs only if no newer request was made through this one meanwhile.
    pub fn ask(&self, models: Models, request: Request, answer: impl FnOnce(Reply) + 'static) {
        let (sent, answered) = (self.sent, self.answered);
        let mine = sent.get_untracked() + 1;
        sent.set(mine);
        models.ask(request, move |reply| {
            if sent.get_untracked() == mine {
                answered.set(mine);
                answer(reply);
            }
        });
    }

    /// Drops every answer still awaited: the widget has moved on.
    pub fn cancel(&self) {
        let sent = self.sent.get_untracked() + 1;
        self.sent.set(sent);
        self.answered.set(sent);
    }

    /// Whether the newest request's answer is still awaited (tracked).
    pub fn is_waiting(&self) -> bool {
        self.sent.get() != self.answered.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::messages::Status;
    use std::cell::RefCell;
    use std::rc::Rc;

    fn logits(prompt: &str) -> Reply {
        Reply::Logits { prompt: prompt.into(), logits: vec![0.0; 27] }
    }

    /// The ids the page sent, in order (natively no worker starts: the requests stay queued).
    fn queued(models: &Models) -> Vec<u64> {
        models.link.with_value(|l| l.queued.iter().map(|m| m.id).collect())
    }

    #[test]
    fn each_answer_goes_to_its_request_exactly_once() {
        let models = Models::new();
        let seen = Rc::new(RefCell::new(Vec::new()));
        for prompt in ["a", "b"] {
            let seen = Rc::clone(&seen);
            models.ask(Request::Logits { prompt: prompt.into() }, move |r| seen.borrow_mut().push(r));
        }
        assert_eq!(queued(&models), [0, 1]);
        models.receive(FromWorker::Reply(1, logits("b")));
        models.receive(FromWorker::Reply(0, logits("a")));
        models.receive(FromWorker::Reply(0, logits("again")));
        assert_eq!(*seen.borrow(), [logits("b"), logits("a")], "by id, once each");
    }

    #[test]
    fn a_newer_request_supersedes_an_older_one_whatever_order_the_answers_come_in() {
        let models = Models::new();
        let latest = Latest::new();
        let shown = Rc::new(RefCell::new(Vec::new()));
        for prompt in ["m", "ma", "mar"] {
            let shown = Rc::clone(&shown);
            latest.ask(models, Request::Logits { prompt: prompt.into() }, move |r| shown.borrow_mut().push(r));
        }
        assert!(latest.is_waiting());
        models.receive(FromWorker::Reply(0, logits("m")));
        models.receive(FromWorker::Reply(2, logits("mar")));
        models.receive(FromWorker::Reply(1, logits("ma")));
        assert_eq!(*shown.borrow(), [logits("mar")], "only the newest is shown");
        assert!(!latest.is_waiting());
        // Cancelled: a late answer to a request before it is dropped too.
        let shown2 = Rc::clone(&shown);
        latest.ask(models, Request::Greedy, move |r| shown2.borrow_mut().push(r));
        latest.cancel();
        assert!(!latest.is_waiting());
        models.receive(FromWorker::Reply(3, Reply::Failed("late".into())));
        assert_eq!(shown.borrow().len(), 1);
    }

    #[test]
    fn a_failed_worker_answers_what_waits_and_what_comes_later_with_its_reason() {
        let models = Models::new();
        let seen = Rc::new(RefCell::new(Vec::new()));
        let s = Rc::clone(&seen);
        models.ask(Request::Greedy, move |r| s.borrow_mut().push(r));
        models.fail("The models could not be started in the background: no module.");
        let s = Rc::clone(&seen);
        models.ask(Request::Greedy, move |r| s.borrow_mut().push(r));
        let why = Reply::Failed("The models could not be started in the background: no module.".into());
        assert_eq!(*seen.borrow(), [why.clone(), why]);
        assert!(matches!(models.state(Which::Bigram), ModelState::Unavailable(_)));
        assert_eq!(
            models.awaiting(&[Which::Transformer]),
            "The models could not be started in the background: no module."
        );
    }

    #[test]
    fn the_awaiting_line_follows_the_first_model_not_ready() {
        let models = Models::new();
        assert!(models.awaiting(&Which::ALL).starts_with("The bigram is starting"));
        models.receive(FromWorker::Status(Which::Bigram, Status::Ready));
        models.receive(FromWorker::Status(Which::Transformer, Status::Loading { received: 41_000, total: 70_431 }));
        assert_eq!(
            models.awaiting(&Which::ALL),
            "The transformer is loading: 41 of 70 KB; your request runs once it has."
        );
        models.receive(FromWorker::Status(Which::Transformer, Status::Ready));
        assert_eq!(models.awaiting(&Which::ALL), "The transformer is running…");
        models
            .receive(FromWorker::Status(Which::Bigram, Status::Unavailable("The bigram could not be loaded.".into())));
        assert_eq!(models.awaiting(&Which::ALL), "The bigram could not be loaded.");
    }
}
