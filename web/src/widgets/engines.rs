//! The order lab: the worked example, then the transformer, through each engine's default order.

use leptos::prelude::*;
use protocol::VOCAB_SIZE;
use protocol::control::prompt_context;
use protocol::messages::{Reply, Request, Which};
use sampling::{Engine, Knobs, Logits, MinP, Temperature, TopP};

use crate::lesson::Progress;
use crate::models::{Latest, Models};
use crate::state::bars::symbol;
use crate::state::engines::{compare, letter, worked_logits};
use crate::state::quiz::ids;
use crate::state::sliders;
use crate::widgets::slider::Slider;

/// The prompt the lab opens on.
const PROMPT: &str = "ma";

/// The worked example's settings: τ = 0.5 and top-p 0.8.
fn lesson_knobs() -> Knobs {
    Knobs {
        temperature: Temperature::new(0.5).unwrap_or(Temperature::ONE),
        top_p: TopP::new(0.8).unwrap_or(TopP::OFF),
        ..Knobs::default()
    }
}

/// The lab.
#[component]
pub fn OrderLab(
    /// The models, in the background.
    models: Models,
    /// The transformer's logits after `·ma`, as the page was sent them.
    after_ma: Logits,
    /// The page's progress: llama.cpp's row of the worked example waits for its question.
    progress: Progress,
) -> impl IntoView {
    let worked = compare(&worked_logits(), &[], &lesson_knobs());
    let hidden = move |engine: Engine| engine == Engine::LlamaCpp && !progress.is_answered(ids::ENGINES);
    let knobs = RwSignal::new(lesson_knobs());
    let prefix = RwSignal::new(PROMPT.to_string());
    // The transformer's row: the prompt it follows, its logits and context (or why there is none).
    let row =
        RwSignal::new(prompt_context(PROMPT).map(|c| (PROMPT.to_string(), after_ma, c)).map_err(|e| e.to_string()));
    let asked = Latest::new();
    let on_prefix = move |ev| {
        let text = event_target_value(&ev);
        prefix.set(text.clone());
        let context = match prompt_context(&text) {
            Ok(context) => context,
            Err(e) => {
                asked.cancel();
                return row.set(Err(e.to_string()));
            }
        };
        asked.ask(models, Request::Logits { prompt: text }, move |reply| {
            row.set(match reply {
                Reply::Logits { prompt, logits } => {
                    Logits::from_f32(&logits).map(|l| (prompt, l, context)).map_err(|e| e.to_string())
                }
                Reply::Failed(why) => Err(why),
                other => Err(format!("An unexpected answer: {other:?}")),
            });
        });
    };
    let compared = Memo::new(move |_| {
        row.with(|r| {
            r.as_ref()
                .map(|(prompt, logits, context)| (prompt.clone(), compare(logits, context, &knobs.get())))
                .map_err(Clone::clone)
        })
    });
    view! {
        <figure class="widget order-lab" aria-labelledby="order-lab-caption">
            <p class="try">
                "Try: answer the question above, then type the start of a name below and move τ and top-p. "
                "Notice: with τ below 1, the engines that apply temperature first never keep more symbols than "
                "llama.cpp, which applies it last."
            </p>
            <div class="table-scroll" tabindex="0">
                <table class="scores" data-testid="engines-worked">
                    <caption>"Logits (2, 1, 0) as A, B, C; τ = 0.5, top-p 0.8"</caption>
                    <thead><tr><th scope="col">"engine"</th><th scope="col">"order"</th><th scope="col">"kept"</th><th scope="col">"drawn from"</th></tr></thead>
                    <tbody>
                        {worked.into_iter().map(|row| {
                            let engine = row.engine;
                            let (kept, text) = (row.kept().len().to_string(), row.describe(3, letter));
                            view! {
                                <tr>
                                    <th scope="row">{engine.name()}</th>
                                    <td>{row.order.clone()}</td>
                                    <td data-testid=format!("worked-kept-{}", engine.name())>{move || if hidden(engine) { "?".to_string() } else { kept.clone() }}</td>
                                    <td>{move || if hidden(engine) { "answer the question first".to_string() } else { text.clone() }}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <div class="controls">
                <label class="field">
                    <span>"Start of a name for the engines"</span>
                    <input type="text" autocomplete="off" spellcheck="false" prop:value=move || prefix.get()
                        on:input=on_prefix />
                </label>
                <Slider label="Temperature" hidden_label="for the engines" symbol="τ" scale=sliders::bars_tau()
                    value=Signal::derive(move || knobs.with(|k| k.temperature.get()))
                    on_change=move |v| if let Ok(t) = Temperature::new(v) { knobs.update(|k| k.temperature = t) } />
                <Slider label="Top-p" hidden_label="for the engines" symbol="p" scale=sliders::top_p()
                    value=Signal::derive(move || knobs.with(|k| k.top_p.get()))
                    on_change=move |v| if let Ok(p) = TopP::new(v) { knobs.update(|k| k.top_p = p) } />
                <Slider label="Min-p" hidden_label="for the engines" symbol="min-p" scale=sliders::min_p()
                    value=Signal::derive(move || knobs.with(|k| k.min_p.get()))
                    on_change=move |v| if let Ok(m) = MinP::new(v) { knobs.update(|k| k.min_p = m) } />
            </div>
            <p class="status" aria-live="polite" data-testid="engines-status">
                {move || asked.is_waiting().then(|| models.awaiting(&[Which::Transformer]))}
            </p>
            {move || match compared.get() {
                Err(e) => view! { <p class="error" role="alert" data-testid="engines-error">{e}</p> }.into_any(),
                Ok((prompt, rows)) => view! {
                    <div class="table-scroll" tabindex="0">
                        <table class="scores" data-testid="engines-model">
                            <caption>{format!("The transformer after ·{prompt}: each engine's kept symbols (of {VOCAB_SIZE}) and their probabilities")}</caption>
                            <thead><tr><th scope="col">"engine"</th><th scope="col">"kept"</th><th scope="col">"drawn from (most likely first)"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|row| view! {
                                    <tr>
                                        <th scope="row">{row.engine.name()}</th>
                                        <td data-testid=format!("model-kept-{}", row.engine.name())>{row.kept().len()}</td>
                                        <td>{row.describe(6, symbol)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
            <figcaption id="order-lab-caption">
                "Computed live by this page's core, with each engine's default order of the stages this page "
                "has (the penalties are off here). The settings are the same for all three; only the order "
                "differs. The transformer's distribution after ·ma came with the page; after other letters it "
                "is computed in the background."
            </figcaption>
        </figure>
    }
}
