//! The autoregressive loop, step by step, on the trained transformer.

use leptos::prelude::*;
use protocol::Vocab;
use protocol::demos::steps::{LoopStep, SEED, STEPS, sampler};
use sampling::Distribution;

use crate::state::bars::symbol;
use crate::state::steps::top;
use crate::state::strip::intervals;
use crate::widgets::strip::DrawStrip;

const STAGES: [&str; 4] =
    ["after temperature", "after top-k", "top-p keeps (before renormalizing)", "final, renormalized"];

/// The loop demonstration.
#[component]
pub fn LoopView(
    /// The recorded steps.
    steps: Vec<LoopStep>,
) -> impl IntoView {
    let steps = StoredValue::new(steps);
    let at = RwSignal::new(0usize);
    let step = move || steps.with_value(|s| s[at.get()].clone());
    let s = sampler();
    view! {
        <figure class="widget loop">
            <p class="try">
                "Try: press Next step until the drawn symbol is ·, then once more. Notice: each step appends "
                "one drawn symbol, and after a · the highlighted part the model reads starts over with the "
                "next name."
            </p>
            <p class="setup">
                {format!(
                    "Sampler τ = {}, top-k = {}, top-p = {}, seed {SEED}; the model reads the current name, cropped to its window.",
                    s.temperature.get(),
                    s.top_k.get().unwrap_or(0),
                    s.top_p.get()
                )}
            </p>
            <div class="controls">
                <button type="button" on:click=move |_| at.update(|i| *i = i.saturating_sub(1)) disabled=move || at.get() == 0>"Previous step"</button>
                <button type="button" on:click=move |_| at.update(|i| *i = (*i + 1).min(STEPS - 1)) disabled=move || at.get() + 1 == STEPS>"Next step"</button>
                <button type="button" on:click=move |_| at.set(STEPS - 1) disabled=move || at.get() + 1 == STEPS>"Run to the end"</button>
                <button type="button" on:click=move |_| at.set(0) disabled=move || at.get() == 0>"Back to the start"</button>
                <span data-testid="loop-step" aria-live="polite">{move || format!("step {} / {STEPS}", at.get() + 1)}</span>
            </div>
            <ol class="loop-steps">
                <li>
                    "Context: "
                    <code data-testid="loop-context">
                        {move || { let st = step(); Vocab.text(&st.context[..st.view_start]) }}
                        <mark class="view">{move || { let st = step(); Vocab.text(&st.context[st.view_start..]) }}</mark>
                    </code>
                    " (highlighted: what the model reads)"
                </li>
                <li>
                    "Last position's logits, largest five: "
                    <span data-testid="loop-logits">
                        {move || top(step().logits.as_slice(), 5).iter().map(|(t, l)| format!("{} {l:.2}", symbol(*t))).collect::<Vec<_>>().join(", ")}
                    </span>
                </li>
                <li>
                    "The sampler:"
                    <div class="stage-lists">
                        {STAGES
                            .iter()
                            .enumerate()
                            .map(|(i, name)| {
                                view! {
                                    <div>
                                        <h3>{*name}" ("{move || step().alive[i]}" alive)"</h3>
                                        <p>{move || top(&step().stages[i], 5).iter().filter(|(_, p)| *p > 0.0).map(|(t, p)| format!("{} {p:.3}", symbol(*t))).collect::<Vec<_>>().join(", ")}</p>
                                    </div>
                                }
                            })
                            .collect_view()}
                    </div>
                </li>
                <li>
                    "Drawn: " <strong data-testid="loop-chosen">{move || symbol(step().chosen)}</strong>
                    <DrawStrip
                        intervals=Signal::derive(move || steps.with_value(|s| {
                            Distribution::from_probs(s[at.get()].stages[3].clone()).map(|d| intervals(&d)).unwrap_or_default()
                        }))
                        draw=Signal::derive(move || steps.with_value(|s| Some((s[at.get()].u, s[at.get()].chosen))))
                        label=symbol testid="loop-strip" />
                </li>
                <li>
                    "Appended: "
                    <code data-testid="loop-appended">{move || { let st = step(); let mut all = st.context.clone(); all.push(st.chosen); Vocab.text(&all) }}</code>
                </li>
            </ol>
        </figure>
    }
}
