//! The axes every plot draws: a line along each, ticks with their values, gridlines across, and a title
//! for each axis. The positions come from [`crate::state::axes::Axis`].

use leptos::prelude::*;

use crate::state::axes::Axis;

/// How far below the x axis its tick labels sit.
const X_LABEL_GAP: f64 = 14.0;
/// How far left of the y axis its tick labels end; its title is drawn rotated at x = `Y_TITLE_X`.
const Y_LABEL_GAP: f64 = 5.0;
const Y_TITLE_X: f64 = 14.0;

/// Both axes of a plot, for the caller to draw its data over. The caller leaves room: `x_title_gap`
/// below the x axis and about 50 units left of the y axis. `y` changes when the caller's scale does. A
/// bar chart labels its own slots: it asks for no x ticks (`x_ticks = 0`).
#[component]
pub fn Axes(
    x: Axis,
    #[prop(into)] y: Signal<Axis>,
    #[prop(into)] x_title: String,
    #[prop(into)] y_title: String,
    #[prop(default = 7)] x_ticks: usize,
    #[prop(default = 5)] y_ticks: usize,
    #[prop(default = 30.0)] x_title_gap: f64,
) -> impl IntoView {
    let base = move || y.get().start;
    let y_middle = move || (y.get().start + y.get().end) / 2.0;
    view! {
        <g class="axes" aria-hidden="true">
            {move || {
                y.get()
                    .ticks(y_ticks)
                    .into_iter()
                    .map(|t| {
                        view! {
                            <line class="grid" x1=x.start x2=x.end y1=t.at y2=t.at />
                            <text class="tick-label" x=x.start - Y_LABEL_GAP y=t.at + 3.5 text-anchor="end">{t.label}</text>
                        }
                    })
                    .collect_view()
            }}
            {move || {
                let ticks = if x_ticks > 0 { x.ticks(x_ticks) } else { Vec::new() };
                ticks
                    .into_iter()
                    .map(|t| {
                        view! {
                            <line class="tick-mark" x1=t.at x2=t.at y1=base() y2=base() + 4.0 />
                            <text class="tick-label" x=t.at y=base() + X_LABEL_GAP text-anchor="middle">{t.label}</text>
                        }
                    })
                    .collect_view()
            }}
            <line class="axis-line" x1=x.start x2=x.end y1=base y2=base />
            <line class="axis-line" x1=x.start x2=x.start y1=base y2=move || y.get().end />
            <text class="axis-title" x=(x.start + x.end) / 2.0 y=move || base() + x_title_gap text-anchor="middle">{x_title}</text>
            <text class="axis-title" text-anchor="middle"
                transform=move || format!("translate({Y_TITLE_X} {:.1}) rotate(-90)", y_middle())>{y_title}</text>
        </g>
    }
}
