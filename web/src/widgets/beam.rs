//! Beam search on the trained transformer, beside plain sampling.

use std::rc::Rc;

use leptos::prelude::*;
use model::Gpt;

use crate::perf::measure;
use crate::state::beam::{Scored, beam_names, sampled_names, shipped_table};

/// The seed of the sampled names shown beside the beams.
const SEED: u64 = 11;

fn rows(names: &[Scored], testid: &'static str) -> impl IntoView + use<> {
    let items = names
        .iter()
        .map(|s| {
            view! {
                <tr>
                    <td><code>{s.name.clone()}</code></td>
                    <td>{format!("{:.2}", s.log_prob)}</td>
                    <td>{format!("{:.2}", s.per_symbol())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="scores" data-testid=testid>
            <thead><tr><th scope="col">"name"</th><th scope="col">"Σ log p"</th><th scope="col">"per symbol"</th></tr></thead>
            <tbody>{items}</tbody>
        </table>
    }
}

/// Beam search against sampling.
#[component]
pub fn BeamView(
    /// The trained transformer.
    model: Rc<Gpt>,
) -> impl IntoView {
    let width = RwSignal::new(4usize);
    let sampled = sampled_names(model.as_ref(), 5, SEED).map_err(|e| e.to_string());
    let search = move |w: usize| measure("beam-search", || beam_names(model.as_ref(), w)).map_err(|e| e.to_string());
    let beams = RwSignal::new(search(width.get_untracked()));
    let on_change = move |ev| {
        let w = event_target_value(&ev).parse().unwrap_or(4);
        width.set(w);
        beams.set(search(w));
    };
    view! {
        <figure class="widget beam">
            <label class="field slider">
                <span>"Beam width"</span>
                <input type="range" min="1" max="16" step="1" prop:value=move || width.get().to_string()
                    aria-valuetext=move || format!("B = {}", width.get())
                    on:change=on_change />
                <output data-testid="beam-width">{move || width.get()}</output>
            </label>
            <div class="beam-tables">
                <div>
                    <h3>{move || format!("The {} best names beam search finds", width.get())}</h3>
                    {move || match beams.get() {
                        Ok(names) => rows(&names, "beam-rows").into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                    }}
                </div>
                <div>
                    <h3>{format!("Five sampled names (τ = 1, seed {SEED})")}</h3>
                    {match sampled {
                        Ok(names) => rows(&names, "sampled-rows").into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                    }}
                </div>
            </div>
            {match shipped_table() {
                Ok(table) => view! {
                    <div class="table-scroll" tabindex="0">
                    <table class="scores methods" data-testid="decoding-table">
                        <caption>{format!("{} names per method from the same model (seed {}):", table.generations, table.seed)}</caption>
                        <thead><tr>
                            <th scope="col">"method"</th>
                            <th scope="col">"log-likelihood per symbol"</th>
                            <th scope="col">"repeated trigrams"</th>
                            <th scope="col">"distinct names"</th>
                        </tr></thead>
                        <tbody>
                            {table.rows.into_iter().map(|r| view! {
                                <tr>
                                    <th scope="row">{r.method}</th>
                                    <td>{format!("{:.3}", r.log_likelihood)}</td>
                                    <td>{format!("{:.0} %", r.repeated_trigrams * 100.0)}</td>
                                    <td>{r.distinct}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
            }}
            <figcaption>
                "The table repeats the comparison of Holtzman et al. (2020) on this page's model: greedy and beam "
                "search score the highest likelihood and repeat themselves most (one name, a hundred times); "
                "pure sampling scores lowest and varies most; top-k, temperature and the nucleus sit between. "
                "Σ log p is the log-probability the model gives the whole name, its closing · included. Beam "
                "search finds names the model rates far likelier than anything it samples: short, common "
                "pieces. Widening the beam raises the best score a little more. What it never finds is the "
                "variety of the sampled column."
            </figcaption>
        </figure>
    }
}
