//! Greedy decoding on text: the Shakespeare model, fetched the first time the learner runs it, continues
//! a typed prompt greedily until its window is full; the page shows the tokens as chips with their ids and
//! marks the stretch the run falls into.

use leptos::prelude::*;
use protocol::messages::{Reply, Request, Which};
use protocol::text::{TextCard, TextRun};

use crate::models::{Latest, ModelState, Models};
use crate::state::text::{chips, kilobytes, measured_summary, model_line, repeated_summary, run_summary, text_parts};

/// The prompt the widget starts with: a line of Macbeth, one of the plays the model never saw.
pub const FIRST_PROMPT: &str = "Is this a dagger which I see before me,\n";

/// A prompt for the Shakespeare model: a labelled text area.
#[component]
pub fn PromptField(
    /// Its label, and accessible name.
    label: &'static str,
    /// The text typed.
    prompt: RwSignal<String>,
) -> impl IntoView {
    view! {
        <label class="field prompt-field">
            <span>{label}</span>
            <textarea rows="2" spellcheck="false" autocomplete="off"
                prop:value=move || prompt.get() on:input=move |ev| prompt.set(event_target_value(&ev))></textarea>
        </label>
    }
}

/// The Shakespeare model's greedy run from the learner's prompt.
#[component]
pub fn TextGreedyView(
    /// The models, in the background.
    models: Models,
    /// The Shakespeare model's card.
    card: TextCard,
) -> impl IntoView {
    let prompt = RwSignal::new(FIRST_PROMPT.to_string());
    let result = RwSignal::new(None::<Result<TextRun, String>>);
    let asked = Latest::new();
    let run = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = Request::TextGreedy { prompt: prompt.get_untracked() };
        asked.ask(models, request, move |reply| {
            result.set(Some(match reply {
                Reply::TextRun(run) => Ok(run),
                Reply::Failed(why) => Err(why),
                other => Err(format!("An unexpected answer: {other:?}")),
            }));
        });
    };
    let loaded = move || models.state(Which::Shakespeare) == ModelState::Ready;
    // What the first run fetches: the weights and the tokens' file.
    let size = kilobytes(card.weights_bytes + card.tokenizer_bytes);
    let button = move || {
        if loaded() { "Run greedy".to_string() } else { format!("Run greedy (fetches the model once: {size} KB)") }
    };
    let status = move || asked.is_waiting().then(|| models.awaiting(&[Which::Shakespeare]));
    let (model, measured) = (model_line(&card), measured_summary(&card));
    view! {
        <figure class="widget greedy text-greedy">
            <p class="try">
                "Try: run the line from Macbeth, then type a line of your own. Notice: the chips are what the model "
                "reads, word pieces with their ids, and greedy soon brings its own phrases back."
            </p>
            <form on:submit=run>
                <PromptField label="Prompt for the Shakespeare model" prompt />
                <button type="submit">{button}</button>
            </form>
            <p class="status" aria-live="polite" data-testid="text-greedy-status">{status}</p>
            {move || match result.get() {
                None => view! { <p class="empty">"Nothing run yet: the model is fetched and run in the background when you press the button."</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert" data-testid="text-greedy-error">{e}</p> }.into_any(),
                Some(Ok(run)) => {
                    let [typed, written, lap, again] = text_parts(&run);
                    view! {
                        <ol class="chips" aria-label="The run's tokens, with their ids" data-testid="text-greedy-chips">
                            {chips(&run).into_iter().map(|c| view! {
                                <li class=c.kind.class()><span class="piece">{c.shown}</span><span class="id">{c.id}</span></li>
                            }).collect_view()}
                        </ol>
                        <p><code class="run text" data-testid="text-greedy-run">
                            <span class="typed">{typed}</span>{written}<mark class="cycle">{lap}</mark><mark class="again">{again}</mark>
                        </code></p>
                        <p data-testid="text-greedy-summary">{run_summary(&run)}</p>
                        <p data-testid="text-greedy-repeats">{repeated_summary(&run)}</p>
                    }.into_any()
                }
            }}
            <figcaption>
                <span data-testid="text-model">{model}</span>" "
                <span data-testid="text-greedy-measured">{measured}</span>" "
                "Your run is computed live in your browser; the measurement was computed by the training task. "
                "Highlighted, when a run ends in an exact loop: its first lap, then the laps after it."
            </figcaption>
        </figure>
    }
}
