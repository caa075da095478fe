//! The worked temperature example, live: a slider for τ and the softmax of (2, 1, 0).

use leptos::prelude::*;

use crate::lesson::Progress;
use crate::state::sliders::worked_tau;
use crate::state::temperature::{START_TAU, TemperatureExample as Example, format_prob, format_tau, hidden_by};
use crate::widgets::slider::Slider;

/// Logits (2, 1, 0), a temperature slider, and the probabilities it gives; the probabilities two quizzes
/// ask for stay hidden until those quizzes are answered.
#[component]
pub fn TemperatureExample(
    /// The page's progress, which decides what is hidden.
    progress: Progress,
) -> impl IntoView {
    let example = Example::default();
    let (tau, set_tau) = signal(START_TAU);
    let hidden = move || hidden_by(tau.get(), |quiz| progress.is_answered(quiz)).is_some();
    let rows = Memo::new(move |_| example.rows(tau.get()));

    view! {
        <section class="widget" aria-labelledby="temperature-example-title">
            <h3 id="temperature-example-title">"Temperature, worked"</h3>
            <p>
                "Three tokens with logits 2, 1 and 0. Every logit is divided by τ, then softmax turns "
                "them into probabilities."
            </p>
            <p class="try">
                "Try: drag τ from 2 down to 0.05, then up to 5. Notice: A stays the most likely at every τ; low τ "
                "hands it nearly all the mass, high τ evens the three out. The values at τ = 1 and τ = 0.5 stay "
                "hidden until you have answered the two questions above."
            </p>
            <Slider label="Temperature" symbol="τ" scale=worked_tau() value=tau on_change=move |v| set_tau.set(v) testid="tau" />
            <p class="hidden-note" data-testid="temperature-hidden" aria-live="polite">
                {move || hidden().then(|| format!("The probabilities at τ = {} are hidden until you answer its question above: work them out first.", format_tau(tau.get())))}
            </p>
            <table class="probs" aria-live="polite">
                <thead>
                    <tr>
                        <th scope="col">"token"</th>
                        <th scope="col">"ℓ"</th>
                        <th scope="col">"ℓ / τ"</th>
                        <th scope="col">"probability"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || match rows.get() {
                        Ok(rows) => rows
                            .into_iter()
                            .map(|row| {
                                view! {
                                    <tr>
                                        <th scope="row">{row.label}</th>
                                        <td>{format!("{:.0}", row.logit)}</td>
                                        <td>{format!("{:.2}", row.scaled)}</td>
                                        <td class="prob" data-testid=format!("prob-{}", row.label)>
                                            {if hidden() {
                                                view! { <span class="value">"?"</span> }.into_any()
                                            } else {
                                                view! {
                                                    <svg class="bar" aria-hidden="true"><rect width=row.bar_width() height="100%" rx="3" /></svg>
                                                    <span class="value">{format_prob(row.prob)}</span>
                                                }.into_any()
                                            }}
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()
                            .into_any(),
                        Err(e) => view! { <tr><td colspan="4">{e.to_string()}</td></tr> }.into_any(),
                    }}
                </tbody>
            </table>
        </section>
    }
}
