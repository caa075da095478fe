//! Beam search on the trained transformer, beside plain sampling.

use leptos::prelude::*;
use protocol::DecodingTable;
use protocol::demos::beam::{BEAM_SEED as SEED, SAMPLED_NAMES, Scored, mean_symbols};
use protocol::messages::{Reply, Request};

use crate::models::{Latest, Models};
use crate::state::sliders::{beam_width, length_penalty};
use crate::widgets::slider::{Report, Slider};

fn rows(names: &[Scored], testid: &'static str) -> impl IntoView + use<> {
    let items = names
        .iter()
        .map(|s| {
            view! {
                <tr>
                    <td><code>{s.name.clone()}</code></td>
                    <td>{s.symbols}</td>
                    <td>{format!("{:.2}", s.log_prob)}</td>
                    <td>{format!("{:.2}", s.per_symbol())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="scores" data-testid=testid>
            <thead><tr><th scope="col">"name"</th><th scope="col">"symbols"</th><th scope="col">"Σ log p"</th><th scope="col">"per symbol"</th></tr></thead>
            <tbody>{items}</tbody>
        </table>
    }
}

/// Beam search against sampling.
#[component]
pub fn BeamView(
    /// The models, in the background.
    models: Models,
    /// The names beam search finds at the sliders' first settings (computed when the page was built).
    beams: Vec<Scored>,
    /// The sampled names shown beside them.
    sampled: Vec<Scored>,
    /// The decoding methods compared on this model (precomputed).
    table: DecodingTable,
) -> impl IntoView {
    let width = RwSignal::new(beam_width().default());
    let alpha = RwSignal::new(length_penalty().default());
    // The names shown, with the settings that found them (the sliders may already stand elsewhere).
    let found = RwSignal::new(Ok::<_, String>((width.get_untracked(), alpha.get_untracked(), beams)));
    let asked = Latest::new();
    let search = move || {
        let (w, a) = (width.get_untracked(), alpha.get_untracked());
        asked.ask(models, Request::Beam { width: w as usize, alpha: a }, move |reply| {
            found.set(match reply {
                Reply::Beams(names) => Ok((w, a, names)),
                Reply::Failed(why) => Err(why),
                other => Err(format!("An unexpected answer: {other:?}")),
            });
        });
    };
    let on_width = move |w: f64| {
        width.set(w);
        search();
    };
    let on_alpha = move |a: f64| {
        alpha.set(a);
        search();
    };
    view! {
        <figure class="widget beam">
            <p class="try">
                "Try: slide the length penalty α from 0 to 1. Notice: at α = 0 shorter names rank first, "
                "because every symbol multiplies in another probability below 1; dividing by the length lets "
                "longer names rise, and neither setting brings the sampled column's variety."
            </p>
            <div class="controls">
                <Slider label="Beam width" symbol="B" scale=beam_width() value=width on_change=on_width
                    report=Report::OnRelease testid="beam-width" />
                <Slider label="Length penalty α" symbol="α" scale=length_penalty() value=alpha on_change=on_alpha
                    report=Report::OnRelease testid="beam-alpha" />
            </div>
            <p class="status" aria-live="polite" data-testid="beam-status">
                {move || asked.is_waiting().then(|| models.awaiting(Request::Beam { width: 1, alpha: 0.0 }.needs()))}
            </p>
            <p data-testid="beam-length" aria-live="polite">
                {move || match found.get() {
                    Ok((_, a, names)) => format!(
                        "Ranked by Σ log p ÷ length^{a:.1}: the names found average {:.1} symbols, the closing · included.",
                        mean_symbols(&names)
                    ),
                    Err(_) => String::new(),
                }}
            </p>
            <div class="beam-tables">
                <div>
                    <h3>{move || found.with(|f| match f {
                        Ok((w, _, _)) => format!("The {w} best names beam search finds"),
                        Err(_) => "The best names beam search finds".to_string(),
                    })}</h3>
                    {move || match found.get() {
                        Ok((_, _, names)) => rows(&names, "beam-rows").into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                    }}
                </div>
                <div>
                    <h3>{format!("{} sampled names (τ = 1, seed {SEED})", SAMPLED_NAMES)}</h3>
                    {rows(&sampled, "sampled-rows")}
                </div>
            </div>
            {
                    view! {
                    <div class="table-scroll" tabindex="0">
                    <table class="scores methods" data-testid="decoding-table">
                        <caption>{format!(
                            "Decoding methods on this model, precomputed by a task (cargo xtask decoding-table) and checked by a test: {} names per method (seed {}), and continuous runs of {} symbols",
                            table.generations, table.seed, table.run_length
                        )}</caption>
                        <thead><tr>
                            <th scope="col">"method"</th>
                            <th scope="col">"log-likelihood per symbol"</th>
                            <th scope="col">"repeated trigrams within one run"</th>
                            <th scope="col">{format!("distinct names of {}", table.generations)}</th>
                            <th scope="col">"distinct-2 across names"</th>
                        </tr></thead>
                        <tbody>
                            {table.rows.into_iter().map(|r| view! {
                                <tr>
                                    <th scope="row">{r.method}</th>
                                    <td>{format!("{:.3}", r.log_likelihood)}</td>
                                    <td>{format!("{:.0} %", r.repeated_trigrams * 100.0)}</td>
                                    <td>{r.distinct}</td>
                                    <td>{format!("{:.2}", r.distinct_2)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }
            }
            <figcaption>
                "Above, live: beam search runs on the trained transformer in your browser, in the background, "
                "whenever a slider is let go (its first names and the sampled ones were computed when the page "
                "was built, by the same code). Σ log p "
                "is the log-probability the model gives a whole name, its closing · included. The table "
                "repeats the comparison of Holtzman et al. (2020) on this model. It is precomputed, not run "
                "here. Its columns measure different things: repetition within one long output (a continuous "
                "run across the ends of names, as in the greedy section), and diversity across many outputs "
                "(how many different names, and how many of their two-symbol pieces differ). Greedy and beam "
                "search write one name a hundred times and repeat themselves most within a run; sampling "
                "methods write different names and repeat least; top-k, temperature and the nucleus trade "
                "likelihood for variety in between."
            </figcaption>
        </figure>
    }
}
