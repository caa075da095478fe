//! The parts of the page that need the models, mounted after the words.
//!
//! At build time the page is rendered natively (`prerender`) into the HTML the server sends: the prose,
//! the formulas, the quizzes, and inside each island the widget in its first state, computed by the same
//! code from the same shipped models. A reader sees all of it before the WebAssembly arrives.
//!
//! In the browser, the app renders the same prose at once, but every island starts empty and takes over
//! the nodes that the server sent for it, so the first frame the app draws is the frame the reader was
//! already looking at. The islands then come alive one per task, nearest the viewport first, each
//! loading what it needs from the models the first time it is asked; until then an island is inert, so
//! nobody presses a button that does nothing yet.

use std::sync::{Arc, Mutex};

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// What marks an island's element, and names it.
pub const ATTRIBUTE: &str = "data-island";

/// Marks a static element (no reactive part) whose node the server sent is kept in place of the app's
/// copy: the reader's browser then never paints it twice, so the largest text on the first screen is
/// painted once, with the first paint.
pub const KEEP: &str = "data-keep";

/// Set on the document's root element once every island is alive.
pub const LIVE: &str = "data-live";

/// The islands of the page, waiting to come alive, in the order of the page.
#[derive(Debug, Clone, Default)]
pub struct Islands(Arc<Mutex<Vec<Island>>>);

/// An island's name, whether it is alive, and the steps to run (one per task) before it renders.
type Island = (&'static str, RwSignal<bool>, Steps);

/// Work an island needs done before it renders, one step per task; each step says how far it got.
pub type Steps = StoredValue<Vec<Box<dyn Fn()>>, LocalStorage>;

impl Islands {
    /// The islands still waiting, by name.
    pub fn waiting(&self) -> Vec<Island> {
        self.0
            .lock()
            .map(|all| all.iter().filter(|(_, live, _)| !live.get_untracked()).copied().collect())
            .unwrap_or_default()
    }
}

/// One island: `render` as the server sends it (natively), or, in the browser, nothing until it is made
/// alive by [`start`] (at once when the app is mounted without it). `prepare` is the work `render` needs
/// (loading a model, recording a run), split so that [`start`] runs it one step per task first; `render`
/// must also work when nothing was prepared. The line in `noscript` says, to a reader without
/// JavaScript, what the figure above it is.
pub fn island(name: &'static str, prepare: Vec<Box<dyn Fn()>>, render: impl Fn() -> AnyView + 'static) -> AnyView {
    let line = view! {
        <noscript>
            <p class="needs-js">"Shown in its first state: this figure responds once JavaScript runs."</p>
        </noscript>
    };
    if cfg!(target_arch = "wasm32") {
        // Mounted without a list of islands (plainly, as a test mounts the app), it is alive at once.
        let islands = use_context::<Islands>();
        let live = RwSignal::new(islands.is_none());
        if let Some(Ok(mut all)) = islands.as_ref().map(|i| i.0.lock()) {
            all.push((name, live, StoredValue::new_local(prepare)));
        }
        let render = StoredValue::new_local(render);
        view! {
            <div class="island" data-island=name inert=move || !live.get()>
                {move || live.get().then(|| render.with_value(|r| r()))}
            </div>
            {line}
        }
        .into_any()
    } else {
        drop(prepare);
        view! {
            <div class="island" data-island=name inert=true>{render()}</div>
            {line}
        }
        .into_any()
    }
}

/// Mounts `app` over the page the server sent, in one task so that no frame shows anything else: the
/// app renders, each of its islands takes over the nodes the server sent for it, the server's copy goes.
/// Then the islands come alive one per task. Does nothing outside a browser.
pub fn start<V: IntoView + 'static>(app: fn() -> V) {
    let Some((document, body)) = crate::browser::document().and_then(|d| Some((d.clone(), d.body()?))) else {
        return;
    };
    let sent = document.query_selector("main").ok().flatten();
    let islands = Islands::default();
    let context = islands.clone();
    crate::perf::measure("mount", || {
        leptos::mount::mount_to(body, move || {
            provide_context(context);
            app()
        })
        .forget();
        if let Some(sent) = sent {
            adopt(&document, &sent);
            graft(&document, &sent);
        }
    });
    wake(islands);
}

/// Moves each island the server sent into the app's island of the same name.
fn adopt(document: &web_sys::Document, sent: &web_sys::Element) {
    for (theirs, ours) in pairs(document, sent, ATTRIBUTE) {
        let _ = theirs.set_attribute("data-sent", "");
        let _ = ours.append_child(&theirs);
    }
}

/// Replaces the page the server sent with the app's, except the elements marked [`KEEP`]: those stay,
/// with their ancestors, and the app's nodes move in around them. A browser paints a node again when it
/// is moved, so only nodes never detached keep their first paint. The kept elements share one parent.
fn graft(document: &web_sys::Document, sent: &web_sys::Element) {
    use web_sys::{Element, Node};
    let mains = document.query_selector_all("main").ok();
    let ours = mains
        .and_then(|all| (0..all.length()).filter_map(|i| all.item(i)?.dyn_into::<Element>().ok()).find(|m| m != sent));
    let Some(ours) = ours else { return };
    let kept = pairs(document, sent, KEEP);
    // From each main down to the kept elements' parent: the sent chain and the app's.
    let chain = |from: Option<&Element>, top: &Element| {
        let mut chain = Vec::new();
        let mut at = from.and_then(|e| e.parent_element());
        while let Some(e) = at {
            chain.push(e.clone());
            if e == *top {
                break;
            }
            at = e.parent_element();
        }
        chain.reverse();
        chain
    };
    let theirs_chain = chain(kept.first().map(|(t, _)| t), sent);
    let ours_chain = chain(kept.first().map(|(_, o)| o), &ours);
    if kept.is_empty() || theirs_chain.len() != ours_chain.len() || theirs_chain.first() != Some(sent) {
        let _ = sent.replace_with_with_node_1(&ours);
        return;
    }
    let nodes = |e: &Element| {
        let list = e.child_nodes();
        (0..list.length()).filter_map(|i| list.item(i)).collect::<Vec<Node>>()
    };
    for (level, (theirs, ours)) in theirs_chain.iter().zip(&ours_chain).enumerate() {
        // What stays of the sent level: the next sent ancestor, or at the bottom the kept elements.
        let stays = |n: &Node| match theirs_chain.get(level + 1) {
            Some(next) => n.is_same_node(Some(next)),
            None => kept.iter().any(|(t, _)| n.is_same_node(Some(t))),
        };
        let instead = |n: &Node| -> Option<Node> {
            match (theirs_chain.get(level + 1), ours_chain.get(level + 1)) {
                (Some(t), Some(o)) => n.is_same_node(Some(o)).then(|| t.clone().into()),
                _ => kept.iter().find(|(_, o)| n.is_same_node(Some(o))).map(|(t, _)| t.clone().into()),
            }
        };
        for n in nodes(theirs).iter().filter(|n| !stays(n)) {
            let _ = theirs.remove_child(n);
        }
        // The app's nodes go in, in order, around the sent nodes that stay (never moved themselves).
        let mut before: Option<Node> = theirs.first_child();
        for n in nodes(ours) {
            match instead(&n) {
                Some(stays) => before = stays.next_sibling(),
                None => drop(theirs.insert_before(&n, before.as_ref())),
            }
        }
    }
    ours.remove();
}

/// The elements with `attribute` that the server sent (inside `sent`), each with the app's element of
/// the same value.
fn pairs(
    document: &web_sys::Document,
    sent: &web_sys::Element,
    attribute: &str,
) -> Vec<(web_sys::Element, web_sys::Element)> {
    let Ok(all) = document.query_selector_all(&format!("[{attribute}]")) else { return Vec::new() };
    let elements: Vec<web_sys::Element> =
        (0..all.length()).filter_map(|i| all.item(i)?.dyn_into::<web_sys::Element>().ok()).collect();
    let (theirs, ours): (Vec<_>, Vec<_>) = elements.into_iter().partition(|e| sent.contains(Some(e)));
    ours.into_iter()
        .filter_map(|o| {
            let name = o.get_attribute(attribute)?;
            let t = theirs.iter().find(|t| t.get_attribute(attribute).as_deref() == Some(name.as_str()))?;
            Some((t.clone(), o))
        })
        .collect()
}

/// Brings the waiting island nearest the viewport to life, then, in a later task, the next; marks the
/// document once none is left.
fn wake(islands: Islands) {
    set_timeout(
        move || {
            let Some(document) = crate::browser::document() else { return };
            let height =
                crate::browser::window().and_then(|w| w.inner_height().ok()).and_then(|h| h.as_f64()).unwrap_or(0.0);
            let element = |name: &str| document.query_selector(&format!("[{ATTRIBUTE}=\"{name}\"]")).ok().flatten();
            let distance = |name: &str| {
                element(name).map_or(f64::INFINITY, |e| {
                    let rect = e.get_bounding_client_rect();
                    (rect.top() - height).max(-rect.bottom()).max(0.0)
                })
            };
            let waiting = islands.waiting();
            let nearest = waiting.iter().min_by(|a, b| distance(a.0).total_cmp(&distance(b.0)));
            let Some(&(name, live, steps)) = nearest else {
                if let Some(root) = document.document_element() {
                    let _ = root.set_attribute(LIVE, "all");
                }
                return;
            };
            // One preparation step per task, then the island itself.
            let step = steps.try_update_value(|s| (!s.is_empty()).then(|| s.remove(0))).flatten();
            if let Some(step) = step {
                crate::perf::measure(&format!("prepare:{name}"), step);
            } else {
                if let Some(sent) = element(name).and_then(|e| e.query_selector(":scope > [data-sent]").ok().flatten())
                {
                    sent.remove();
                }
                crate::perf::measure_until_rendered(format!("island:{name}"), move || live.set(true));
            }
            wake(islands);
        },
        std::time::Duration::ZERO,
    );
}
