//! One drag hook for every draggable thing: bars and the p-line alike.
//!
//! Pointer events cover mouse, pen and touch. On `pointerdown` the element captures the pointer, so the
//! drag keeps going when the pointer leaves it; every position is reported in the SVG's own
//! coordinates. The SVGs that hold draggable things carry `touch-action: none` (in the stylesheet; the
//! browser ignores it on shapes inside an SVG), so a finger drags instead of scrolling the page.

use std::rc::Rc;

use leptos::ev::PointerEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::state::projection::client_to_svg;

/// The handlers of one draggable element. Clone it to attach the same drag to several events.
#[derive(Clone)]
pub struct Drag {
    view_box: (f64, f64),
    active: RwSignal<bool>,
    on_point: Rc<dyn Fn(f64, f64)>,
}

impl std::fmt::Debug for Drag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Drag").field("view_box", &self.view_box).finish_non_exhaustive()
    }
}

impl Drag {
    /// A drag inside an SVG whose viewBox is `0 0 width height`; `on_point(x, y)` gets every position.
    pub fn new(view_box: (f64, f64), on_point: impl Fn(f64, f64) + 'static) -> Self {
        Self { view_box, active: RwSignal::new(false), on_point: Rc::new(on_point) }
    }

    /// Whether a pointer is down on the element.
    pub fn is_active(&self) -> Signal<bool> {
        self.active.into()
    }

    fn report(&self, ev: &PointerEvent) {
        let target = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let svg = target.and_then(|t| t.closest("svg").ok().flatten());
        if let Some(svg) = svg {
            let r = svg.get_bounding_client_rect();
            let (x, y) = client_to_svg(
                (f64::from(ev.client_x()), f64::from(ev.client_y())),
                (r.left(), r.top(), r.width(), r.height()),
                self.view_box,
            );
            (self.on_point)(x, y);
        }
    }

    /// For `on:pointerdown`.
    pub fn down(&self) -> impl Fn(PointerEvent) + use<> {
        let drag = self.clone();
        move |ev: PointerEvent| {
            ev.prevent_default();
            if let Some(el) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                let _ = el.set_pointer_capture(ev.pointer_id());
            }
            drag.active.set(true);
            drag.report(&ev);
        }
    }

    /// For `on:pointermove`.
    pub fn moved(&self) -> impl Fn(PointerEvent) + use<> {
        let drag = self.clone();
        move |ev: PointerEvent| {
            if drag.active.get_untracked() {
                drag.report(&ev);
            }
        }
    }

    /// For `on:pointerup` and `on:pointercancel`.
    pub fn up(&self) -> impl Fn(PointerEvent) + use<> {
        let drag = self.clone();
        move |ev: PointerEvent| {
            if let Some(el) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                let _ = el.release_pointer_capture(ev.pointer_id());
            }
            drag.active.set(false);
        }
    }
}

/// What an arrow, page or end key asks of a slider: a step up or down, or one of the ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum KeyMove {
    /// Move by this much.
    By(f64),
    /// Go to the minimum.
    Min,
    /// Go to the maximum.
    Max,
}

/// The standard slider keys (WAI-ARIA): arrows step, Page Up/Down jump, Home/End go to the ends.
pub fn key_move(key: &str, step: f64, page: f64) -> Option<KeyMove> {
    match key {
        "ArrowUp" | "ArrowRight" => Some(KeyMove::By(step)),
        "ArrowDown" | "ArrowLeft" => Some(KeyMove::By(-step)),
        "PageUp" => Some(KeyMove::By(page)),
        "PageDown" => Some(KeyMove::By(-page)),
        "Home" => Some(KeyMove::Min),
        "End" => Some(KeyMove::Max),
        _ => None,
    }
}
