//! The stage view: the bars widget's row after each step of the pipeline, side by side.

use leptos::prelude::*;
use protocol::VOCAB_SIZE;
use sampling::{Engine, Knobs, MinP, Penalties, StageKind, TopNSigma, TopP, Typical};

use crate::state::axes::{Axis, Spacing};
use crate::state::bars::{Bars, LESSON_ORDER, Move, symbol};
use crate::state::projection::{BandLayout, BarChart};
use crate::state::sliders;
use crate::widgets::axes::Axes;
use crate::widgets::slider::Slider;

const VIEW: (f64, f64) = (300.0, 138.0);
/// The same square-root scale from 0 to 1 in every stage, so bars compare by height across stages.
const CHART: BarChart = BarChart {
    bands: BandLayout { n: VOCAB_SIZE, left: 52.0, right: 296.0, fill: 0.75 },
    values: Axis { min: 0.0, max: 1.0, start: 104.0, end: 6.0, spacing: Spacing::Sqrt },
};

/// One small chart: a title, 27 bars, and which of them are masked.
#[component]
fn StageChart(
    /// What the stage is.
    title: String,
    /// The probabilities to draw and which tokens are still alive, in token order.
    data: Memo<(Vec<f64>, Vec<bool>)>,
    /// A test id for the number of live tokens.
    testid: String,
) -> impl IntoView {
    let label = title.clone();
    view! {
        <div class="stage">
            <h3>{title}" "<span class="kept" data-testid=testid>{move || data.with(|(_, alive)| alive.iter().filter(|a| **a).count())}</span>" kept"</h3>
            <svg class="chart mini" viewBox=format!("0 0 {} {}", VIEW.0, VIEW.1) role="img"
                aria-label=move || format!("{label}: {}", data.with(|(p, _)| describe(p)))>
                <Axes x=Axis { min: 0.0, max: 1.0, start: CHART.bands.left, end: CHART.bands.right, spacing: Spacing::Linear }
                    y=CHART.values x_title="symbol" y_title="probability" x_ticks=0 y_ticks=4 x_title_gap=30.0 />
                {(0..VOCAB_SIZE)
                    .map(|i| {
                        let bar = move || data.with(|(p, _)| CHART.bar(i, p[i]));
                        view! {
                            <rect class="shown" class:masked=move || data.with(|(_, alive)| !alive[i])
                                x=move || bar().x y=move || bar().y width=move || bar().width height=move || bar().height />
                            <text class="label" x=CHART.bands.center(i) y="117" text-anchor="middle">{symbol(i)}</text>
                        }
                    })
                    .collect_view()}
            </svg>
        </div>
    }
}

/// The three most likely symbols, for a screen reader.
fn describe(probs: &[f64]) -> String {
    let mut order: Vec<usize> = (0..probs.len()).collect();
    order.sort_by(|&a, &b| probs[b].total_cmp(&probs[a]).then(a.cmp(&b)));
    order.iter().take(3).map(|&i| format!("{} {:.3}", symbol(i), probs[i])).collect::<Vec<_>>().join(", ")
}

/// The name of a kind in a test id: "top-n-sigma" for top-n-σ.
fn slug(kind: StageKind) -> String {
    kind.name().replace('σ', "sigma")
}

/// The settings of the stages not set in the bars widget, each shown while its stage is in the order.
#[component]
fn Knob<F>(
    /// The bars' state.
    state: RwSignal<Bars>,
    /// The stage the knob belongs to.
    kind: StageKind,
    /// The slider's label.
    label: &'static str,
    /// What a screen reader hears before the value.
    symbol: &'static str,
    /// How the slider's position maps to the setting (linear or logarithmic).
    scale: sliders::Scale,
    /// The value, read from the knobs.
    read: fn(&Knobs) -> f64,
    /// Applies a new value.
    write: F,
) -> impl IntoView
where
    F: Fn(f64) + Clone + 'static,
{
    let testid = if kind == StageKind::TopP { "stages-p" } else { "" };
    view! {
        <div class="knob" hidden=move || state.with(|s| !s.order().contains(&kind))>
            <Slider label symbol scale value=Signal::derive(move || state.with(|s| read(&s.knobs()))) on_change=write testid />
        </div>
    }
}

/// Puts the keyboard focus on the element `selector` finds, once the page has redrawn: moving or removing
/// a stage redraws the cards, and focus must not fall back to the top of the page.
fn focus_after_redraw(selector: String) {
    crate::browser::after_redraw(move || {
        let found = crate::browser::document()
            .and_then(|d| d.query_selector(&selector).ok().flatten())
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
        if let Some(element) = found {
            let _ = element.focus();
        }
    });
}

/// Moves the stage at `index` and keeps the focus on the button that moved it (or, at an end, on its
/// other move button).
fn move_and_focus(state: RwSignal<Bars>, index: usize, kind: StageKind, way: Move) {
    state.update(|s| s.move_stage(index, way));
    let (ahead, back) = match way {
        Move::Earlier => ("earlier", "later"),
        Move::Later => ("later", "earlier"),
    };
    let name = kind.name();
    focus_after_redraw(format!(
        "button[aria-label='Move {name} {ahead}']:not([disabled]), button[aria-label='Move {name} {back}']"
    ));
}

/// One stage of the order: its chart, its kept count, and buttons to move or remove it.
#[component]
fn StageCard(
    /// The bars' state.
    state: RwSignal<Bars>,
    /// Its place in the order.
    index: usize,
    /// What it is.
    kind: StageKind,
) -> impl IntoView {
    let alive = |l: &sampling::Logits| (0..l.len()).map(|i| l.is_kept(i)).collect::<Vec<_>>();
    let data = Memo::new(move |_| {
        state.with(|s| {
            s.stages().get(index).map_or_else(
                || (vec![0.0; VOCAB_SIZE], vec![false; VOCAB_SIZE]),
                |t| (t.probs().probs().to_vec(), alive(&t.logits)),
            )
        })
    });
    let last = move || state.with(|s| index + 1 == s.order().len());
    let name = kind.name();
    view! {
        <div class="stage-card">
            <StageChart title=format!("{}. {name}", index + 1) data testid=format!("stage-{}", slug(kind)) />
            <div class="stage-buttons">
                <button type="button" disabled=index == 0 aria-label=format!("Move {name} earlier")
                    on:click=move |_| move_and_focus(state, index, kind, Move::Earlier)>"↑ earlier"</button>
                <button type="button" disabled=last aria-label=format!("Move {name} later")
                    on:click=move |_| move_and_focus(state, index, kind, Move::Later)>"↓ later"</button>
                <button type="button" aria-label=format!("Remove {name}")
                    on:click=move |_| {
                        state.update(|s| s.remove_stage(index));
                        focus_after_redraw("#stage-to-add".to_string());
                    }>"remove"</button>
            </div>
        </div>
    }
}

/// The pipeline on the bars widget's row, one chart per stage in the order they run: a builder that
/// adds, removes and reorders stages, with the engines' orders as presets.
#[component]
pub fn StageView(
    /// The bars widget's state; the order and the settings set here apply to it too.
    state: RwSignal<Bars>,
) -> impl IntoView {
    let order = Memo::new(move |_| state.with(|s| s.order().to_vec()));
    let adding = RwSignal::new(None::<StageKind>);
    let add = move |_| {
        let kind = adding.get_untracked().or_else(|| state.with_untracked(|s| s.addable().first().copied()));
        if let Some(kind) = kind {
            state.update(|s| s.add_stage(kind));
            adding.set(None);
        }
    };
    let kept = move || state.with(|s| s.shown().probs().iter().filter(|p| **p > 0.0).count());
    let on_engine = move |engine: Option<Engine>| {
        state.update(|s| match engine {
            Some(e) => s.set_engine(e),
            None => s.set_lesson_order(),
        })
    };
    let is_engine =
        move |engine: Option<Engine>| state.with(|s| s.order() == engine.map_or(&LESSON_ORDER[..], Engine::order));
    view! {
        <figure class="widget stages" aria-labelledby="stages-caption">
            <p class="try">
                "Try: set top-p to 0.5 here and τ to 0.5 in the bars above, then press llama.cpp's order, which "
                "moves temperature last. Notice: each chart greys out what its stage cut, a token cut by an "
                "earlier stage never comes back, and with temperature last top-p cuts before τ sharpens, so at "
                "least as many bars survive."
            </p>
            <div class="presets" role="group" aria-label="Order of the stages">
                {[None, Some(Engine::HuggingFace), Some(Engine::LlamaCpp), Some(Engine::Vllm)]
                    .into_iter()
                    .map(|engine| view! {
                        <button type="button" aria-pressed=move || is_engine(engine).to_string()
                            on:click=move |_| on_engine(engine)>
                            {engine.map_or("this lesson's order", Engine::name)}
                        </button>
                    })
                    .collect_view()}
            </div>
            <div class="knobs">
                <Knob state kind=StageKind::TopP label="Top-p" symbol="p" scale=sliders::top_p()
                    read=|k| k.top_p.get() write=move |v| if let Ok(p) = TopP::new(v) { state.update(|s| s.set_top_p(p)) } />
                <Knob state kind=StageKind::MinP label="Min-p" symbol="min-p" scale=sliders::min_p()
                    read=|k| k.min_p.get() write=move |v| if let Ok(m) = MinP::new(v) { state.update(|s| s.set_min_p(m)) } />
                <Knob state kind=StageKind::Typical label="Typical mass" symbol="mass" scale=sliders::typical()
                    read=|k| k.typical.get() write=move |v| if let Ok(t) = Typical::new(v) { state.update(|s| s.set_typical(t)) } />
                <Knob state kind=StageKind::TopNSigma label="Top-n-σ" symbol="n" scale=sliders::top_n_sigma()
                    read=|k| k.top_n_sigma.get().unwrap_or(f64::INFINITY)
                    write=move |v| state.update(|s| s.set_top_n_sigma(TopNSigma::new(v).unwrap_or(TopNSigma::OFF))) />
                <Knob state kind=StageKind::Penalties label="Repetition penalty θ" symbol="θ" scale=sliders::repetition()
                    read=|k| k.penalties.get().0
                    write=move |v| state.update(|s| {
                        let (_, presence, frequency) = s.knobs().penalties.get();
                        if let Ok(p) = Penalties::new(v, presence, frequency) { s.set_penalties(p) }
                    }) />
            </div>
            <div class="stage-grid">
                {move || order.get().into_iter().enumerate().map(|(index, kind)| view! { <StageCard state index kind /> }).collect_view()}
            </div>
            <p class="final">
                "Final: one softmax over the "<span data-testid="stage-final">{kept}</span>" tokens left, and one draw."
            </p>
            <div class="controls">
                <label class="field">
                    <span>"Stage to add"</span>
                    <select id="stage-to-add" on:change=move |ev| adding.set(StageKind::ALL.iter().copied().find(|k| k.name() == event_target_value(&ev)))
                        prop:value=move || {
                            let first = state.with(|s| s.addable().first().copied());
                            adding.get().or(first).map_or_else(String::new, |k| k.name().to_string())
                        }>
                        {move || state.with(|s| s.addable()).into_iter().map(|k| view! { <option value=k.name()>{k.name()}</option> }).collect_view()}
                    </select>
                </label>
                <button type="button" on:click=add disabled=move || state.with(|s| s.addable().is_empty())>"Add the stage"</button>
            </div>
            <figcaption id="stages-caption">
                "The same row as the bars above, one stage at a time, in the order they run; each chart is "
                "what is left after its stage, renormalized, with the cut bars greyed. Move a stage earlier or "
                "later, remove it, or add another; the engines' buttons load their default orders (the stages "
                "this page has: llama.cpp's DRY and XTC are left out). The order and the settings here apply to "
                "the bars above as well."
            </figcaption>
        </figure>
    }
}
