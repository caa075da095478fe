//! The worked temperature example, live: a slider for τ and the softmax of (2, 1, 0).

use leptos::prelude::*;

use crate::state::temperature::{MAX_TAU, MIN_TAU, TAU_STEP, TemperatureExample as Example, format_prob, format_tau};

/// Logits (2, 1, 0), a temperature slider, and the probabilities it gives.
#[component]
pub fn TemperatureExample() -> impl IntoView {
    let example = Example::default();
    let (tau, set_tau) = signal(1.0_f64);
    let (error, set_error) = signal(None::<String>);
    let rows = Memo::new(move |_| example.rows(tau.get()));

    let on_input = move |ev| match Example::parse_tau(&event_target_value(&ev)) {
        Ok(value) => {
            set_error.set(None);
            set_tau.set(value);
        }
        Err(e) => set_error.set(Some(e.to_string())),
    };

    view! {
        <section class="widget" aria-labelledby="temperature-example-title">
            <h3 id="temperature-example-title">"Temperature, worked"</h3>
            <p>
                "Three tokens with logits 2, 1 and 0. Every logit is divided by τ, then softmax turns "
                "them into probabilities."
            </p>
            <div class="control">
                <label for="worked-temperature">"Temperature"</label>
                <input
                    id="worked-temperature"
                    type="range"
                    min=MIN_TAU
                    max=MAX_TAU
                    step=TAU_STEP
                    prop:value=move || tau.get().to_string()
                    aria-valuetext=move || format!("τ = {}", format_tau(tau.get()))
                    on:input=on_input
                />
                <output for="worked-temperature" data-testid="tau">{move || format_tau(tau.get())}</output>
            </div>
            <p class="error" role="alert">{move || error.get()}</p>
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
                                            <span class="bar" style:width=row.bar_width()></span>
                                            <span class="value">{format_prob(row.prob)}</span>
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
