//! The draw made visible: the final distribution end to end on [0, 1), and the mark of u.

use std::rc::Rc;

use leptos::prelude::*;
use sampling::TokenId;

use crate::state::strip::{Interval, landing};

/// The size of the strip.
const VIEW: (f64, f64) = (600.0, 46.0);

/// The final distribution as stretches of [0, 1) in token order, with the last draw's u marked.
#[component]
pub fn DrawStrip<L>(
    /// The stretches.
    #[prop(into)]
    intervals: Signal<Vec<Interval>>,
    /// The last draw's u and token, if there is one.
    #[prop(into)]
    draw: Signal<Option<(f64, TokenId)>>,
    /// How a token is labelled.
    label: L,
    /// A test id for the strip.
    testid: &'static str,
) -> impl IntoView
where
    L: Fn(TokenId) -> String + 'static,
{
    // Built once for every strip, whatever its labels (see the slider's view).
    strip_view(intervals, draw, Rc::new(label), testid)
}

/// The strip's view, for any labels.
fn strip_view(
    intervals: Signal<Vec<Interval>>,
    draw: Signal<Option<(f64, TokenId)>>,
    label: Rc<dyn Fn(TokenId) -> String>,
    testid: &'static str,
) -> impl IntoView {
    let label = StoredValue::new_local(label);
    let label = move |t: TokenId| label.with_value(|f| f(t));
    let (w, h) = VIEW;
    let explained = move || match draw.get() {
        None => "Draw once to see where u lands.".to_string(),
        Some((u, token)) => intervals.with(|all| match landing(all, u) {
            Some(i) => format!(
                "u = {u:.4} lands in the stretch of {} (from {:.3} to {:.3}): {} is drawn.",
                label(i.token),
                i.start,
                i.end,
                label(token)
            ),
            None => format!("u = {u:.4}: {} is drawn.", label(token)),
        }),
    };
    view! {
        <div class="draw-strip" data-testid=testid>
            <svg viewBox=format!("0 0 {w} {h}") role="img"
                aria-label=move || format!("The final distribution laid end to end from 0 to 1. {}", explained())>
                {move || intervals.get().into_iter().enumerate().map(|(n, i)| {
                    let (x, width) = (i.start * w, (i.end - i.start) * w);
                    view! {
                        <rect class="stretch" class:odd=n % 2 == 1 x=x y="4" width=width height="24"
                            data-token=i.token.to_string() data-start=i.start.to_string() data-end=i.end.to_string() />
                        {(width >= 14.0).then(|| view! {
                            <text class="label" x=x + width / 2.0 y="21" text-anchor="middle">{label(i.token)}</text>
                        })}
                    }
                }).collect_view()}
                // The axis of u: its two ends, kept clear of the label of u.
                <text class="u-end" x="1" y="43" text-anchor="start">"0"</text>
                <text class="u-end" x=w - 1.0 y="43" text-anchor="end">"1"</text>
                {move || draw.get().map(|(u, _)| view! {
                    <line class="u-mark" x1=u * w x2=u * w y1="0" y2="32" data-u=u.to_string() />
                    <text class="u-label" x=(u * w).clamp(45.0, w - 45.0) y="43" text-anchor="middle">{format!("u = {u:.3}")}</text>
                })}
            </svg>
            <p class="strip-text" aria-live="polite">{explained}</p>
        </div>
    }
}
