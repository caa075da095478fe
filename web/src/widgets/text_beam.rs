//! Beam search on the Shakespeare model, to the end of the line, beside sampled lines: how likely each
//! line is per token under the model, and how much of it repeats.

use leptos::prelude::*;
use protocol::messages::{Reply, Request, Which};
use protocol::text::{NGRAM, TextBeams, TextCard};

use crate::models::{Latest, ModelState, Models};
use crate::state::sliders::{beam_width, length_penalty};
use crate::state::text::kilobytes;
use crate::state::text_beam::{LineRow, beams_heading, rows, summary};
use crate::widgets::slider::{Report, Slider};
use crate::widgets::text::{FIRST_PROMPT, PromptField};

fn table(lines: Vec<LineRow>, first: &'static str, testid: &'static str) -> impl IntoView {
    view! {
        <div class="table-scroll" tabindex="0">
            <table class="scores lines" data-testid=testid>
                <thead><tr>
                    <th scope="col">{first}</th><th scope="col">"line"</th><th scope="col">"tokens"</th>
                    <th scope="col">"Σ log p"</th><th scope="col">"per token"</th>
                    <th scope="col">{format!("repeated {NGRAM}-token stretches")}</th>
                </tr></thead>
                <tbody>
                    {lines.into_iter().map(|r| view! {
                        <tr>
                            <th scope="row">{r.label}</th><td><code>{r.text}</code></td><td>{r.tokens}</td>
                            <td>{r.log_prob}</td><td>{r.per_token}</td><td>{r.repeated}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The answer, or why there is none.
fn shown(result: Option<Result<TextBeams, String>>, validation_loss: f64) -> AnyView {
    match result {
        None => view! { <p class="empty">"Nothing searched yet: the model is fetched and run in the background when you press the button."</p> }.into_any(),
        Some(Err(e)) => view! { <p class="error" role="alert" data-testid="text-beam-error">{e}</p> }.into_any(),
        Some(Ok(found)) => {
            let (heading, said) = (beams_heading(&found), summary(&found, validation_loss));
            let (beams, sampled) = rows(&found);
            view! {
                <h3>{heading}</h3>
                {table(beams, "beam", "text-beam-rows")}
                <h3>"Lines sampled from the same prompt (τ 0.8, top-k 50, top-p 0.9), scored the same way"</h3>
                {table(sampled, "seed", "text-sampled-rows")}
                <p data-testid="text-beam-summary">{said}</p>
            }
            .into_any()
        }
    }
}

/// Beam search on text against sampling.
#[component]
pub fn TextBeamView(
    /// The models, in the background.
    models: Models,
    /// The Shakespeare model's card.
    card: TextCard,
) -> impl IntoView {
    let prompt = RwSignal::new(FIRST_PROMPT.to_string());
    let width = RwSignal::new(16.0);
    let alpha = RwSignal::new(length_penalty().default());
    let result = RwSignal::new(None::<Result<TextBeams, String>>);
    let asked = Latest::new();
    let search = move || {
        let request = Request::TextBeam {
            prompt: prompt.get_untracked(),
            width: width.get_untracked() as usize,
            alpha: alpha.get_untracked(),
        };
        asked.ask(models, request, move |reply| {
            result.set(Some(match reply {
                Reply::TextBeams(found) => Ok(found),
                Reply::Failed(why) => Err(why),
                other => Err(format!("An unexpected answer: {other:?}")),
            }));
        });
    };
    // Once a search has been shown, letting go of a slider searches again.
    let again = move || {
        if result.with_untracked(|r| r.is_some()) {
            search();
        }
    };
    let on_width = move |w: f64| {
        width.set(w);
        again();
    };
    let on_alpha = move |a: f64| {
        alpha.set(a);
        again();
    };
    let loaded = move || models.state(Which::Shakespeare) == ModelState::Ready;
    let size = kilobytes(card.weights_bytes + card.tokenizer_bytes);
    let button =
        move || if loaded() { "Search".to_string() } else { format!("Search (fetches the model once: {size} KB)") };
    let status = move || asked.is_waiting().then(|| models.awaiting(&[Which::Shakespeare]));
    let validation_loss = card.validation_loss;
    view! {
        <figure class="widget beam text-beam">
            <p class="try">
                "Try: search with 16 beams at α = 0, then at α = 1. Notice: at α = 0 a short line wins; at α = 1 "
                "the line grows and can say one phrase over and over, and it still scores far above Shakespeare's "
                "own text per token."
            </p>
            <form on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); search(); }>
                <PromptField label="Prompt for beam search on text" prompt />
                <div class="controls">
                    <Slider label="Beam width on text" symbol="B" scale=beam_width() value=width on_change=on_width
                        report=Report::OnRelease testid="text-beam-width" />
                    <Slider label="Length penalty α on text" symbol="α" scale=length_penalty() value=alpha
                        on_change=on_alpha report=Report::OnRelease testid="text-beam-alpha" />
                </div>
                <button type="submit">{button}</button>
            </form>
            <p class="status" aria-live="polite" data-testid="text-beam-status">{status}</p>
            {move || shown(result.get(), validation_loss)}
            <figcaption>
                "Live: the search and the draws run on the Shakespeare model in your browser, in the background. "
                "A line ends at a line break, as a name ends at ·, or stops after 32 tokens (marked …), so lines "
                "of different lengths compete and α matters. Σ log p is what the model's own distribution "
                "(τ = 1, nothing cut) gives the line's tokens after the prompt, the line break included; the "
                "sampled lines are drawn with τ, top-k and top-p but scored by that same distribution."
            </figcaption>
        </figure>
    }
}
