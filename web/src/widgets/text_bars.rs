//! The bars on text: the Shakespeare model's next-token distribution after a typed prompt, its most
//! likely tokens as draggable bars and the rest of the vocabulary as one, under temperature, top-k and
//! top-p over the whole vocabulary.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use protocol::messages::{Reply, Request, Which};
use protocol::text::TextCard;
use sampling::{Temperature, TopP};

use crate::models::{Latest, ModelState, Models};
use crate::perf::{measure, measure_until_rendered};
use crate::state::axes::{Axis, Spacing};
use crate::state::bars::{BAR_PAGE, BAR_STEP};
use crate::state::sliders::{bars_tau, text_top_k, text_top_k_from_slider, top_p};
use crate::state::text::kilobytes;
use crate::state::text_bars::{Slot, TOP_BARS, TextBars};
use crate::widgets::drag::{Drag, KeyMove, key_move};
use crate::widgets::slider::Slider;
use crate::widgets::text::PromptField;

/// The prompt the bars start from: the start of a line from Macbeth, mid-sentence.
pub const FIRST_PROMPT: &str = "Is this a dagger which I see before";

/// The viewBox of one bar's track.
const TRACK: (f64, f64) = (400.0, 40.0);

/// Where a probability stands along a track, on a square-root scale (so that small bars stay visible)
/// from 0 to `top`.
fn along(top: f64) -> Axis {
    Axis { min: 0.0, max: top, start: 0.0, end: TRACK.0, spacing: Spacing::Sqrt }
}

/// One bar: its label, its track with the bar before and after the transforms and the draws' tick,
/// and its slider role.
#[component]
fn TextBar(state: RwSignal<Option<TextBars>>, row: Slot) -> impl IntoView {
    let slot = row;
    let read = move |f: &dyn Fn(&TextBars) -> f64| state.with(|s| s.as_ref().map_or(0.0, f));
    let name = move || state.with(|s| s.as_ref().map(|s| format!("P({})", s.label(slot))).unwrap_or_default());
    let set = move |p: f64| {
        measure_until_rendered("text-bars-update", || {
            state.update(|s| {
                if let Some(s) = s {
                    s.set_prob(slot, p)
                }
            })
        });
    };
    let drag = Drag::new(TRACK, move |x, _y| set(along(read(&TextBars::scale_top)).value_at(x)));
    let active = drag.is_active();
    Effect::new(move |was: Option<bool>| {
        let now = active.get();
        if was.is_some_and(|was| was != now) {
            state.update(|s| {
                if let Some(s) = s {
                    s.hold_scale(now)
                }
            });
        }
        now
    });
    let on_key = move |ev: KeyboardEvent| {
        if let Some(m) = key_move(&ev.key(), BAR_STEP, BAR_PAGE) {
            ev.prevent_default();
            measure_until_rendered("text-bars-update", || {
                state.update(|s| {
                    if let Some(s) = s {
                        match m {
                            KeyMove::By(delta) => s.nudge(slot, delta),
                            KeyMove::Min => s.set_prob(slot, 0.0),
                            KeyMove::Max => s.set_prob(slot, 1.0),
                        }
                    }
                })
            });
        }
    };
    let before = move || read(&|s| s.before(slot));
    let after = move || read(&|s| s.after(slot));
    let drawn = move || state.with(|s| s.as_ref().and_then(|s| s.drawn(slot)));
    let x = move |p: f64| along(read(&TextBars::scale_top)).at(p);
    let value_text = move || match drawn() {
        Some(share) => format!("{} = {:.3}; after the transforms {:.3}; drawn {share:.3}", name(), before(), after()),
        None => format!("{} = {:.3}; after the transforms {:.3}", name(), before(), after()),
    };
    let is_argmax = move || state.with(|s| s.as_ref().is_some_and(|s| Slot::Token(s.argmax()) == slot));
    view! {
        <li class="text-bar" class:rest=slot == Slot::Rest class:argmax=is_argmax class:masked=move || after() == 0.0>
            <span class="piece">{move || state.with(|s| s.as_ref().map(|s| s.label(slot)).unwrap_or_default())}</span>
            <svg class="track" viewBox=format!("0 0 {} {}", TRACK.0, TRACK.1) preserveAspectRatio="none">
                <g role="slider" tabindex="0" aria-label=name aria-valuemin="0" aria-valuemax="1"
                    aria-valuenow=move || format!("{:.3}", before()) aria-valuetext=value_text
                    on:keydown=on_key on:pointerdown=drag.down() on:pointermove=drag.moved()
                    on:pointerup=drag.up() on:pointercancel=drag.up()>
                    <rect class="hit" x="0" y="0" width=TRACK.0 height=TRACK.1 />
                    <rect class="base" x="0" y="4" width=move || x(before()) height="32" />
                    <rect class="shown" x="0" y="10" width=move || x(after()) height="20" />
                    {move || drawn().map(|share| view! { <line class="tick" x1=x(share) x2=x(share) y1="2" y2="38" /> })}
                </g>
            </svg>
            <span class="value">{move || format!("{:.3} → {:.3}", before(), after())}</span>
        </li>
    }
}

/// The bars on the Shakespeare model.
#[component]
pub fn TextBarsView(
    /// The models, in the background.
    models: Models,
    /// The Shakespeare model's card.
    card: TextCard,
) -> impl IntoView {
    let prompt = RwSignal::new(FIRST_PROMPT.to_string());
    let state = RwSignal::new(None::<TextBars>);
    let error = RwSignal::new(None::<String>);
    let asked = Latest::new();
    let show = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = Request::TextNext { prompt: prompt.get_untracked(), appended: vec![] };
        asked.ask(models, request, move |reply| match reply {
            Reply::TextNext(next) => match TextBars::new(&next) {
                Some(mut bars) => {
                    // The settings carry over to the new prompt.
                    if let Some(old) = state.get_untracked() {
                        bars.set_knobs(old.knobs());
                    }
                    error.set(None);
                    state.set(Some(bars));
                }
                None => error.set(Some("The model's answer is not a distribution over its vocabulary.".into())),
            },
            Reply::Failed(why) => error.set(Some(why)),
            other => error.set(Some(format!("An unexpected answer: {other:?}"))),
        });
    };
    let loaded = move || models.state(Which::Shakespeare) == ModelState::Ready;
    let size = StoredValue::new(kilobytes(card.weights_bytes + card.tokenizer_bytes));
    view! {
        <figure class="widget text-bars">
            <p class="try">
                "Try: show the distribution, slide top-k to 50 and then top-p to 0.9, then drag the last bar up. "
                "Notice: the last bar is thousands of tokens together, and its summed mass is what top-k and top-p "
                "cut away."
            </p>
            <form on:submit=show>
                <PromptField label="Prompt for the bars on text" prompt />
                <button type="submit">"Show the next token's distribution"</button>
            </form>
            <p class="status" aria-live="polite" data-testid="text-bars-status">
                {move || asked.is_waiting().then(|| models.awaiting(&[Which::Shakespeare]))}
            </p>
            <p class="error" role="alert" data-testid="text-bars-error">{move || error.get()}</p>
            <Show when=move || state.with(Option::is_some) fallback=move || view! {
                <p class="empty">{move || if loaded() {
                    "Nothing shown yet: press the button.".to_string()
                } else {
                    format!("Nothing shown yet: the button fetches the model once ({} KB) and runs it in the background.", size.get_value())
                }}</p>
            }>
                <TextBarsPanel state />
            </Show>
            <figcaption>
                "Each row is one token's probability before the transforms (faint) and after them (solid), on a "
                "square-root scale so that small values stay visible; the last row is every other token of the "
                "vocabulary together. Drag a bar (or focus it and use the arrow keys) to set its probability before "
                "the transforms; the others keep their ratios. The model runs live, in the background, when you "
                "press the button; the transforms and the draws run live on this page, over every token of the "
                "vocabulary, and coral ticks mark how often each row has been drawn."
            </figcaption>
        </figure>
    }
}

/// The bars once shown: the sliders, the readouts, the rows, the tail's sentence and the draws.
#[component]
fn TextBarsPanel(
    /// The bars' state.
    state: RwSignal<Option<TextBars>>,
) -> impl IntoView {
    let edit = move |f: &dyn Fn(&mut TextBars)| {
        state.update(|s| {
            if let Some(s) = s {
                f(s)
            }
        })
    };
    let knob = move |f: fn(sampling::Knobs) -> f64, off: f64| {
        Signal::derive(move || state.with(|s| s.as_ref().map_or(off, |s| f(s.knobs()))))
    };
    let on_tau = move |tau: f64| {
        if let Ok(tau) = Temperature::new(tau) {
            edit(&|s| s.set_temperature(tau));
        }
    };
    let on_k = move |k: f64| edit(&|s| s.set_top_k(text_top_k_from_slider(k)));
    let on_p = move |p: f64| {
        if let Ok(p) = TopP::new(p) {
            edit(&|s| s.set_top_p(p));
        }
    };
    let draw = move |n: u64| measure(&format!("text-draw-{n}"), || edit(&|s| s.draw(n)));
    // The rows are rebuilt only when the tokens with a bar change, never while one is dragged.
    let slots = Memo::new(move |_| state.with(|s| s.as_ref().map(TextBars::slots).unwrap_or_default()));
    let readout = move |f: fn(&TextBars) -> String| move || state.with(|s| s.as_ref().map(f).unwrap_or_default());
    view! {
        <div class="controls">
            <Slider label="Temperature" hidden_label="for the bars on text" symbol="τ" scale=bars_tau()
                value=knob(|k| k.temperature.get(), 1.0) on_change=on_tau />
            <Slider label="Top-k" hidden_label="for the bars on text" symbol="k" scale=text_top_k()
                value=knob(|k| k.top_k.get().map_or(f64::INFINITY, |k| k as f64), f64::INFINITY) on_change=on_k />
            <Slider label="Top-p" hidden_label="for the bars on text" symbol="p" scale=top_p()
                value=knob(|k| k.top_p.get(), 1.0) on_change=on_p />
            <button type="button" on:click=move |_| edit(&TextBars::reset)
                disabled=move || state.with(|s| !s.as_ref().is_some_and(TextBars::is_edited))>"Reset the distribution"</button>
        </div>
        <p class="setup" data-testid="text-bars-source">
            {readout(TextBars::source_line)}
        </p>
        <dl class="readouts" aria-live="polite">
            <div><dt>"argmax"</dt><dd data-testid="text-bars-argmax">{readout(|s| s.piece(s.argmax()))}</dd></div>
            <div><dt>"P(argmax)"</dt><dd data-testid="text-bars-p-argmax">{readout(|s| format!("{:.3}", s.p_argmax()))}</dd></div>
            <div><dt>"tokens possible"</dt><dd data-testid="text-bars-alive">{readout(TextBars::alive_line)}</dd></div>
            <div><dt>"draws"</dt><dd data-testid="text-bars-draws">{readout(|s| s.draws().to_string())}</dd></div>
        </dl>
        <ol class="text-bars-chart" aria-label=format!("Next-token probabilities: the {TOP_BARS} most likely tokens, then the rest of the vocabulary")>
            {move || slots.get().into_iter().map(|row| view! { <TextBar state row /> }).collect_view()}
        </ol>
        <p data-testid="text-bars-tail">{readout(TextBars::tail_line)}</p>
        <div class="samplers">
            <button type="button" on:click=move |_| draw(100)>"Draw 100 tokens"</button>
            <button type="button" on:click=move |_| draw(10_000)>"Draw 10,000 tokens"</button>
            <button type="button" on:click=move |_| edit(&TextBars::clear_samples)>"Clear the draws"</button>
        </div>
    }
}
