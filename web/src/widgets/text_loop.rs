//! The autoregressive loop on text, live: the Shakespeare model reads the prompt as word pieces, the
//! page's sampler draws the next piece, and it is appended, one step per press.

use leptos::prelude::*;
use protocol::messages::{Reply, Which};
use protocol::text::TextCard;

use crate::models::{Latest, ModelState, Models};
use crate::state::kv::group_thousands;
use crate::state::text::kilobytes;
use crate::state::text_loop::{MAX_STEPS, Refused, SHOWN, TextLoop};
use crate::widgets::strip::DrawStrip;
use crate::widgets::text::{FIRST_PROMPT, PromptField};

const STAGES: [&str; 4] =
    ["after temperature", "after top-k", "top-p keeps (before renormalizing)", "final, renormalized"];

/// Asks for the next step, and `more` after it, unless the loop is full or the answer fails.
fn ask_next(
    models: Models,
    asked: Latest,
    lp: RwSignal<TextLoop>,
    typed: String,
    error: RwSignal<Option<String>>,
    more: usize,
) {
    let Some(request) = lp.with_untracked(|l| l.request(&typed)) else { return };
    asked.ask(models, request, move |reply| match reply {
        Reply::TextNext(next) => match lp.try_update(|l| l.take(&next)) {
            Some(Ok(())) => {
                error.set(None);
                if more > 0 {
                    ask_next(models, asked, lp, next.prompt, error, more - 1);
                }
            }
            Some(Err(Refused::Full)) => error.set(Some(format!("The loop stops after {MAX_STEPS} tokens."))),
            Some(Err(why)) => error.set(Some(format!("The model's answer could not be used ({why:?})."))),
            None => {}
        },
        Reply::Failed(why) => error.set(Some(why)),
        other => error.set(Some(format!("An unexpected answer: {other:?}"))),
    });
}

/// The loop on the Shakespeare model.
#[component]
pub fn TextLoopView(
    /// The models, in the background.
    models: Models,
    /// The Shakespeare model's card.
    card: TextCard,
) -> impl IntoView {
    let prompt = RwSignal::new(FIRST_PROMPT.to_string());
    let lp = RwSignal::new(TextLoop::new());
    let error = RwSignal::new(None::<String>);
    let asked = Latest::new();
    let (window, vocab) = (card.config.context, card.config.vocab);
    let step = move |count: usize| {
        let typed = prompt.get_untracked();
        // Steps already taken from this prompt are shown again, not asked for.
        let mut left = count;
        if lp.with_untracked(|l| l.prompt() == typed) {
            while left > 0 && lp.try_update(TextLoop::forward).unwrap_or(false) {
                left -= 1;
            }
        }
        if left > 0 {
            ask_next(models, asked, lp, typed, error, left - 1);
        }
    };
    let started = move || lp.with(|l| !l.is_empty());
    let stale = move || lp.with(|l| !l.is_empty() && l.prompt() != prompt.get());
    let loaded = move || models.state(Which::Shakespeare) == ModelState::Ready;
    let size = StoredValue::new(kilobytes(card.weights_bytes + card.tokenizer_bytes));
    let setup = lp.with_untracked(|l| l.setup_line(window));
    view! {
        <figure class="widget loop text-loop">
            <p class="try">
                "Try: press Next token a few times, then Ten more tokens, and read the sampler's lists. Notice: "
                "each step reads word pieces, keeps a handful of the vocabulary's thousands, draws one and appends "
                "it to what the model reads next."
            </p>
            <p class="setup">{setup}</p>
            <PromptField label="Prompt for the loop" prompt />
            <div class="controls">
                <button type="button" on:click=move |_| lp.update(TextLoop::back)
                    disabled=move || lp.with(|l| l.at() == 0)>"Previous token"</button>
                <button type="button" on:click=move |_| step(1)
                    disabled=move || asked.is_waiting() || lp.with(|l| l.is_full() && l.prompt() == prompt.get())>"Next token"</button>
                <button type="button" on:click=move |_| step(10)
                    disabled=move || asked.is_waiting() || lp.with(|l| l.is_full() && l.prompt() == prompt.get())>"Ten more tokens"</button>
                <button type="button" on:click=move |_| lp.update(TextLoop::rewind)
                    disabled=move || lp.with(|l| l.at() == 0)>"Back to the prompt"</button>
                <span data-testid="text-loop-step" aria-live="polite">
                    {move || lp.with(TextLoop::progress_line)}
                </span>
            </div>
            <p class="status" aria-live="polite" data-testid="text-loop-status">
                {move || asked.is_waiting().then(|| models.awaiting(&[Which::Shakespeare]))}
                {move || stale().then_some("The prompt has changed: the next token starts over from it.")}
            </p>
            <p class="error" role="alert" data-testid="text-loop-error">{move || error.get()}</p>
            <Show when=started fallback=move || view! {
                <p class="empty">{move || if loaded() {
                    "No step yet: press Next token.".to_string()
                } else {
                    format!("No step yet: the first press of Next token fetches the model once ({} KB) and runs it in the background.", size.get_value())
                }}</p>
            }>
                <TextStepView lp window vocab />
            </Show>
            <figcaption>
                "Live: the model runs in the background on each new step, and the sampler and the draw run on this "
                "page, from the seed, so the same prompt draws the same tokens. Steps already taken are shown again "
                "from memory when you step back and forth. Faded chips and text are outside the model's window: "
                "it no longer reads them."
            </figcaption>
        </figure>
    }
}

/// The shown step: the context as chips, the logits, the sampler's stages, the draw and the append.
#[component]
fn TextStepView(
    /// The loop.
    lp: RwSignal<TextLoop>,
    /// The model's window, in tokens.
    window: usize,
    /// Its vocabulary's size.
    vocab: usize,
) -> impl IntoView {
    let current = move || lp.with(|l| l.current().cloned());
    let label = move |t| lp.with_untracked(|l| l.piece(t));
    view! {
        <ol class="loop-steps">
            <li>
                "Context, as the model's tokens: "
                <ol class="chips" aria-label="The context's tokens, with their ids" data-testid="text-loop-chips">
                    {move || lp.with(|l| l.chips()).into_iter().map(|c| view! {
                        <li class="chip" class:prompt=c.typed class:written=!c.typed class:outside=!c.read>
                            <span class="piece">{c.shown}</span><span class="id">{c.id}</span>
                        </li>
                    }).collect_view()}
                </ol>
                <span data-testid="text-loop-window">{move || lp.with(|l| l.window_line(window))}</span>
            </li>
            <li>
                {format!("Last position's logits, largest {SHOWN} of {}: ", group_thousands(vocab as u64))}
                <span data-testid="text-loop-logits">{move || current().map(|s| lp.with(|l| l.listed(&s.logits, 2)))}</span>
            </li>
            <li>
                "The sampler (largest five after each stage):"
                <div class="stage-lists">
                    {STAGES.iter().enumerate().map(|(i, name)| view! {
                        <div>
                            <h3>{*name}" ("{move || current().map(|s| group_thousands(s.alive[i] as u64))}" alive)"</h3>
                            <p data-testid=format!("text-loop-stage-{i}")>{move || current().map(|s| lp.with(|l| l.listed(&s.stages[i], 3)))}</p>
                        </div>
                    }).collect_view()}
                </div>
            </li>
            <li>
                "Drawn: " <strong data-testid="text-loop-chosen">{move || current().map(|s| label(s.chosen))}</strong>
                <DrawStrip
                    intervals=Signal::derive(move || current().map(|s| s.strip).unwrap_or_default())
                    draw=Signal::derive(move || current().map(|s| (s.u, s.chosen)))
                    label testid="text-loop-strip" />
            </li>
            <li>
                "Appended: "
                <code class="run text" data-testid="text-loop-appended">
                    {move || { let [out, read, drawn] = lp.with(TextLoop::appended_text); view! {
                        <span class="outside">{out}</span><mark class="view">{read}</mark><strong>{drawn}</strong>
                    } }}
                </code>
            </li>
        </ol>
    }
}
