//! The KV cache on the Shakespeare model: a run from the learner's prompt to a full window, stepped through
//! by a slider, with the step's work per part, the cache's bytes, and both paths timed in the worker.

use leptos::prelude::*;
use protocol::demos::kv::KvComparison;
use protocol::messages::{Reply, Request, Which};
use protocol::text::{KV_SEED, TextCard};
use protocol::{Cache, GptConfig};

use crate::models::{Latest, ModelState, Models};
use crate::state::kv::{format_flops, parts};
use crate::state::predict::speedup;
use crate::state::sliders::Scale;
use crate::state::text::kilobytes;
use crate::state::text_kv::{TextKv, marks, measured_line, work_table};
use crate::widgets::predict::PredictView;
use crate::widgets::slider::Slider;
use crate::widgets::text::{FIRST_PROMPT, PromptField};

/// The work of a cached step at one token, half the window and the whole window: computed from the shape.
/// It changes with nothing the learner does, so the page is sent it (the sections place it) and the
/// module does not carry it.
#[component]
pub fn TextKvWork(
    /// The Shakespeare model's shape.
    config: GptConfig,
) -> impl IntoView {
    let [a, b, c] = marks(&config);
    view! {
        <div class="table-scroll" tabindex="0">
            <table class="scores" data-testid="text-kv-work">
                <caption>"The work of one cached step on the Shakespeare model, part by part, counted from its shape"</caption>
                <thead><tr>
                    <th scope="col">"part"</th>
                    <th scope="col">{format!("t = {a}")}</th><th scope="col">{format!("t = {b}")}</th><th scope="col">{format!("t = {c}")}</th>
                </tr></thead>
                <tbody>
                    {work_table(&config).into_iter().map(|(part, [x, y, z])| view! {
                        <tr><th scope="row">{part}</th><td>{x}</td><td>{y}</td><td>{z}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The run stepped through: the slider, the cache switch, the tokens with the rows computed, the readouts.
#[component]
fn TextKvStep(demo: RwSignal<TextKv>) -> impl IntoView {
    let last = demo.with_untracked(TextKv::last) as f64;
    let t = Signal::derive(move || demo.with(TextKv::t) as f64);
    let cache_on = move || demo.with(|d| d.cache() == Cache::On);
    view! {
        <div class="controls">
            <Slider label="Step t on text" symbol="t" scale=Scale::stepped(1.0, last, 1.0, 1.0, |t| format!("{t}"))
                value=t on_change=move |t: f64| demo.update(|d| d.set_t(t as usize)) testid="text-kv-t" />
            <button type="button" aria-pressed=move || cache_on().to_string()
                on:click=move |_| demo.update(|d| d.set_cache(if d.cache() == Cache::On { Cache::Off } else { Cache::On }))>
                "KV cache on text"
            </button>
        </div>
        <ol class="chips kv-chips" aria-label="The tokens so far; the ones whose key and value this step computes are marked" data-testid="text-kv-chips">
            {move || demo.with(|d| d.chips().into_iter().map(|c| {
                let class = c.class();
                view! { <li class=class><span class="piece">{c.shown}</span></li> }
            }).collect_view())}
        </ol>
        <p data-testid="text-kv-step" aria-live="polite">{move || demo.with(TextKv::step_line)}</p>
        <p data-testid="text-kv-memory">{move || demo.with(TextKv::memory_line)}</p>
        <dl class="readouts">
            <div><dt>"this step"</dt><dd data-testid="text-kv-step-work">{move || format_flops(demo.with(|d| d.step().total()))}</dd></div>
            <div><dt>"of it, attention"</dt><dd data-testid="text-kv-share">{move || format!("{:.1} %", 100.0 * demo.with(|d| d.step().attention_share()))}</dd></div>
            <div><dt>"steps 1 to t, cache on"</dt><dd data-testid="text-kv-on">{move || format_flops(demo.with(|d| d.cumulative(Cache::On)))}</dd></div>
            <div><dt>"steps 1 to t, cache off"</dt><dd data-testid="text-kv-off">{move || format_flops(demo.with(|d| d.cumulative(Cache::Off)))}</dd></div>
            <div><dt>"FLOP ratio, off ÷ on"</dt><dd data-testid="text-kv-ratio">{move || format!("{:.1}×", demo.with(TextKv::flop_ratio))}</dd></div>
        </dl>
        <p class="legend">{move || demo.with(|d| parts(&d.step()).iter().map(|(name, n)| format!("{name}: {}", format_flops(*n))).collect::<Vec<_>>().join(" · "))}</p>
    }
}

/// Both paths over the run, timed in the worker, after a prediction.
#[component]
fn TextKvMeasure(models: Models, prompt: RwSignal<String>, config: GptConfig) -> impl IntoView {
    let n = config.context;
    let flop_ratio = config.cumulative_flops(n, Cache::Off) as f64 / config.cumulative_flops(n, Cache::On) as f64;
    let prediction = RwSignal::new(speedup(flop_ratio));
    let measured = RwSignal::new(None::<Result<KvComparison, String>>);
    let asked = Latest::new();
    let measure = move |_| {
        measured.set(None);
        asked.ask(models, Request::TextKvCompare { prompt: prompt.get_untracked() }, move |reply| {
            measured.set(Some(match reply {
                Reply::KvCompared(m) => Ok(m),
                Reply::Failed(why) => Err(why),
                other => Err(format!("An unexpected answer: {other:?}")),
            }));
        });
    };
    view! {
        <div class="measure">
            <PredictView prediction name="text-kv-speedup"
                question=format!("Before you press Measure: counted in FLOPs, the cache saves {flop_ratio:.1}× over a run of {n} tokens on this model. What speedup do you expect to measure in this browser?") />
            <button type="button" on:click=measure>"Measure both paths on text"</button>
            <p class="progress" role="status">{move || asked.is_waiting().then(|| models.awaiting(&[Which::Shakespeare]))}</p>
            <p class="reveal" data-testid="text-kv-reveal" aria-live="polite">{move || match measured.get() {
                Some(Ok(m)) => prediction.with(|p| p.reveal(m.off_ms / m.on_ms.max(1e-9), &format!("{:.1}×", m.off_ms / m.on_ms.max(1e-9)))),
                _ => None,
            }}</p>
            <p data-testid="text-kv-measured" aria-live="polite">{move || match measured.get() {
                Some(Ok(m)) => measured_line(&m, flop_ratio),
                Some(Err(e)) => format!("The measurement failed: {e}"),
                None => String::new(),
            }}</p>
        </div>
    }
}

/// The KV cache on text.
#[component]
pub fn TextKvView(
    /// The models, in the background.
    models: Models,
    /// The Shakespeare model's card.
    card: TextCard,
) -> impl IntoView {
    let prompt = RwSignal::new(FIRST_PROMPT.to_string());
    let demo = RwSignal::new(TextKv::new(card.config.clone()));
    let error = RwSignal::new(None::<String>);
    let asked = Latest::new();
    let record = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        asked.ask(models, Request::TextKvRun { prompt: prompt.get_untracked() }, move |reply| match reply {
            Reply::TextKvRun(run) => {
                error.set(None);
                demo.update(|d| d.take(run));
            }
            Reply::Failed(why) => error.set(Some(why)),
            other => error.set(Some(format!("An unexpected answer: {other:?}"))),
        });
    };
    let size = kilobytes(card.weights_bytes + card.tokenizer_bytes);
    let loaded = move || models.state(Which::Shakespeare) == ModelState::Ready;
    let button = move || {
        if loaded() { "Record a run".to_string() } else { format!("Record a run (fetches the model once: {size} KB)") }
    };
    let has_run = move || demo.with(|d| d.run().is_some());
    let config = card.config.clone();
    view! {
        <figure class="widget kv-text">
            <p class="try">
                "Try: record a run, then slide t from 1 to the end with the cache on, and switch the cache off. "
                "Notice: a cached step's work barely grows with t while attention's share of it does; without "
                "the cache every step recomputes every row."
            </p>
            <form on:submit=record>
                <PromptField label="Prompt for the KV cache on text" prompt />
                <button type="submit">{button}</button>
            </form>
            <p class="status" aria-live="polite">{move || asked.is_waiting().then(|| models.awaiting(&[Which::Shakespeare]))}</p>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="text-kv-error">{e}</p> })}
            {move || has_run().then(|| view! { <TextKvStep demo /> })}
            <TextKvMeasure models prompt config />
            <figcaption>
                {format!("Live: the run is drawn on the Shakespeare model in your browser (τ 0.8, top-k 50, top-p 0.9, seed {KV_SEED}) until its window is full, and Measure times both paths over it there. ")}
                "The work is counted exactly from the model's shape, as above for names; it is a count, not a time."
            </figcaption>
        </figure>
    }
}
