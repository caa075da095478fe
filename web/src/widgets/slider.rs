//! The page's one slider: a native range input over a [`Scale`]'s positions, with its label, its value
//! read out, and what a screen reader hears. Keyboard and touch come with the native input.

use std::rc::Rc;

use leptos::prelude::*;

use crate::state::sliders::Scale;

/// When a slider reports a new value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// At every position it passes: for what is cheap to recompute.
    WhileMoving,
    /// Once it is let go (or a key is released): for work too slow to redo at every position.
    OnRelease,
}

/// A labelled slider.
#[component]
pub fn Slider<F>(
    /// The visible label, and the accessible name.
    label: &'static str,
    /// Words added to the accessible name only, to tell this slider from another with the same label.
    #[prop(optional)]
    hidden_label: &'static str,
    /// The symbol a screen reader hears before the value: "τ" reads "τ = 0.50".
    symbol: &'static str,
    /// The values it can take.
    scale: Scale,
    /// The value shown; it may also change from elsewhere.
    #[prop(into)]
    value: Signal<f64>,
    /// Called with every new value.
    on_change: F,
    /// When it reports.
    #[prop(default = Report::WhileMoving)]
    report: Report,
    /// A test id for the value's readout.
    #[prop(optional)]
    testid: &'static str,
) -> impl IntoView
where
    F: Fn(f64) + 'static,
{
    // The view is built once for every slider, whatever its callback: a generic body would be compiled
    // again for each caller's closure.
    slider_view(label, hidden_label, symbol, scale, value, Rc::new(on_change), report, testid)
}

/// The slider's view, for any callback.
#[allow(clippy::too_many_arguments)]
fn slider_view(
    label: &'static str,
    hidden_label: &'static str,
    symbol: &'static str,
    scale: Scale,
    value: Signal<f64>,
    on_change: Rc<dyn Fn(f64)>,
    report: Report,
    testid: &'static str,
) -> impl IntoView {
    let scale = StoredValue::new(scale);
    let changed = move |ev| {
        if let Some(v) = scale.with_value(|s| s.parse(&event_target_value(&ev))) {
            on_change(v);
        }
    };
    let (on_input, on_release) = match report {
        Report::WhileMoving => (Some(changed.clone()), None),
        Report::OnRelease => (None, Some(changed)),
    };
    let shown = move || scale.with_value(|s| s.format(value.get()));
    view! {
        <label class="field slider">
            <span>{label}{(!hidden_label.is_empty()).then(|| view! { <span class="visually-hidden">{format!(" {hidden_label}")}</span> })}</span>
            <input
                type="range"
                min="0"
                max=scale.with_value(Scale::max_index)
                step="1"
                prop:value=move || scale.with_value(|s| s.index_of(value.get())).to_string()
                aria-valuetext=move || format!("{symbol} = {}", shown())
                on:input=move |ev| if let Some(f) = &on_input { f(ev) }
                on:change=move |ev| if let Some(f) = &on_release { f(ev) }
            />
            <output data-testid=(!testid.is_empty()).then_some(testid)>{shown}</output>
        </label>
    }
}
