//! Widget 1: the bigram's next-symbol distribution as draggable bars, under temperature and top-k,
//! with live samples converging on the bars.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use protocol::VOCAB_SIZE;
use protocol::control::prompt_context;
use protocol::messages::{Reply, Request, Which};
use sampling::{Logits, Temperature};

use crate::models::{Latest, Models};
use crate::perf::{measure, measure_until_rendered};
use crate::state::axes::{Axis, Spacing};
use crate::state::bars::{BAR_PAGE, BAR_STEP, Bars, COLD_TAU, Model, symbol};
use crate::state::predict::cold_argmax;
use crate::state::projection::{BandLayout, BarChart};
use crate::state::samples::{DISTANCE_MIN, DRAWS_MAX, guide, plot_points};
use crate::state::sliders::{bars_tau, top_k, top_k_from_slider, top_k_label, top_k_to_slider};
use crate::state::strip::intervals;
use crate::widgets::axes::Axes;
use crate::widgets::drag::{Drag, KeyMove, key_move};
use crate::widgets::predict::PredictView;
use crate::widgets::slider::Slider;
use crate::widgets::strip::DrawStrip;

/// The viewBox of the bar chart.
const VIEW: (f64, f64) = (600.0, 296.0);
/// Where the 27 bars stand, on a square-root scale (so that the tail stays visible) from 0 to `top`
/// ([`Bars::scale_top`]).
fn chart(top: f64) -> BarChart {
    BarChart { bands: BANDS, values: Axis { min: 0.0, max: top, start: 248.0, end: 8.0, spacing: Spacing::Sqrt } }
}
/// The chart's slots, which never move.
const BANDS: BandLayout = BandLayout { n: VOCAB_SIZE, left: 80.0, right: 596.0, fill: 0.7 };
/// Draws per animation frame while the stream plays.
const PER_FRAME: u64 = 200;
/// The size of the distance plot, and its axes: draws across, distance up, both logarithmic.
const TV_VIEW: (f64, f64) = (360.0, 210.0);
const TV_DRAWS: Axis = Axis { min: 1.0, max: DRAWS_MAX, start: 62.0, end: 350.0, spacing: Spacing::Log10 };
const TV_DISTANCE: Axis = Axis { min: DISTANCE_MIN, max: 1.0, start: 166.0, end: 8.0, spacing: Spacing::Log10 };

/// Applies a slider key to bar `token`.
fn on_bar_key(state: RwSignal<Bars>, token: usize, ev: &KeyboardEvent) {
    if let Some(m) = key_move(&ev.key(), BAR_STEP, BAR_PAGE) {
        ev.prevent_default();
        measure_until_rendered("drag-update", || {
            state.update(|s| match m {
                KeyMove::By(delta) => s.nudge(token, delta),
                KeyMove::Min => s.set_prob(token, 0.0),
                KeyMove::Max => s.set_prob(token, 1.0),
            });
        });
    }
}

/// One bar: the faint model row, the transformed bar, the sample tick, the label, and its slider role.
#[component]
fn Bar(state: RwSignal<Bars>, token: usize) -> impl IntoView {
    let name = format!("P({})", symbol(token));
    let drag = Drag::new(VIEW, move |_x, y| {
        measure_until_rendered("drag-update", || {
            state.update(|s| s.set_prob(token, chart(s.scale_top()).values.value_at(y)))
        });
    });
    // The scale holds still while this bar is dragged.
    let active = drag.is_active();
    Effect::new(move |was: Option<bool>| {
        let now = active.get();
        if was.is_some_and(|was| was != now) {
            state.update(|s| s.hold_scale(now));
        }
        now
    });
    let base = move || state.with(|s| chart(s.scale_top()).bar(token, s.base().probs()[token]));
    let shown = move || state.with(|s| chart(s.scale_top()).bar(token, s.shown().probs()[token]));
    let tick = move || {
        state.with(|s| {
            (s.samples().total() > 0).then(|| chart(s.scale_top()).tick(token, s.samples().empirical()[token]))
        })
    };
    let value = move || state.with(|s| s.base().probs()[token]);
    let after = move || state.with(|s| s.shown().probs()[token]);
    let column = chart(1.0).column(token);
    let label_x = BANDS.center(token);
    let drawn = move || state.with(|s| (s.samples().total() > 0).then(|| s.samples().empirical()[token]));
    let value_text = {
        let name = name.clone();
        move || match drawn() {
            Some(share) => format!("{name} = {:.3}; after the transforms {:.3}; drawn {share:.3}", value(), after()),
            None => format!("{name} = {:.3}; after the transforms {:.3}", value(), after()),
        }
    };
    view! {
        <g
            class="bar"
            class:argmax=move || state.with(|s| s.argmax() == token)
            class:masked=move || after() == 0.0
            role="slider"
            tabindex="0"
            aria-label=name
            aria-valuemin="0"
            aria-valuemax="1"
            aria-valuenow=move || format!("{:.3}", value())
            aria-valuetext=value_text
            data-token=token
            on:keydown=move |ev| on_bar_key(state, token, &ev)
            on:pointerdown=drag.down()
            on:pointermove=drag.moved()
            on:pointerup=drag.up()
            on:pointercancel=drag.up()
        >
            <rect class="hit" x=column.x y=column.y width=column.width height=column.height />
            <rect class="base" x=move || base().x y=move || base().y width=move || base().width height=move || base().height />
            <rect class="shown" x=move || shown().x y=move || shown().y width=move || shown().width height=move || shown().height />
            {move || tick().map(|(x1, x2, y)| view! { <line class="tick" x1=x1 x2=x2 y1=y y2=y /> })}
            <text class="label" x=label_x y="266" text-anchor="middle">{symbol(token)}</text>
        </g>
    }
}

/// Keeps drawing while `playing` holds, one batch per animation frame.
fn stream(state: RwSignal<Bars>, playing: RwSignal<bool>) {
    crate::browser::after_redraw(move || {
        if playing.get_untracked() {
            measure("draw-frame", || state.update(|s| s.draw(PER_FRAME)));
            stream(state, playing);
        }
    });
}

/// The bars widget.
#[component]
pub fn BarsWidget(
    /// The shared state: the model's row, the sampler, the samples.
    state: RwSignal<Bars>,
    /// The models, in the background: the bars can show the transformer's distribution too.
    models: Models,
    /// The transformer's logits after `·` alone, as the page was sent them (so the switch answers at once).
    after_start: Option<Logits>,
) -> impl IntoView {
    let prefix = RwSignal::new(state.with_untracked(|s| s.prefix().to_string()));
    let prefix_error = RwSignal::new(None::<String>);
    let asked = Latest::new();
    let after_start = StoredValue::new(after_start);
    let show_prefix = move |text: String| {
        // A prompt outside a–z is refused here, in the worker's own words, before anything is asked.
        if let Err(e) = prompt_context(&text) {
            asked.cancel();
            return prefix_error.set(Some(e.to_string()));
        }
        prefix_error.set(None);
        if let (true, Some(logits)) = (text.is_empty(), after_start.get_value()) {
            asked.cancel();
            return state.update(|s| s.show_transformer("", logits));
        }
        asked.ask(models, Request::Logits { prompt: text }, move |reply| match reply {
            Reply::Logits { prompt, logits } => match Logits::from_f32(&logits) {
                Ok(logits) => state.update(|s| s.show_transformer(&prompt, logits)),
                Err(e) => prefix_error.set(Some(e.to_string())),
            },
            Reply::Failed(why) => prefix_error.set(Some(why)),
            other => prefix_error.set(Some(format!("An unexpected answer: {other:?}"))),
        });
    };
    let on_prefix = move |ev| {
        let text = event_target_value(&ev);
        prefix.set(text.clone());
        show_prefix(text);
    };
    let pick_transformer = move |_| show_prefix(prefix.get_untracked());
    let on_transformer = move || state.with(|s| s.model() == Model::Transformer);
    let playing = RwSignal::new(false);
    let on_tau = move |tau: f64| {
        if let Ok(tau) = Temperature::new(tau) {
            state.update(|s| s.set_temperature(tau));
        }
    };
    let on_k = move |k: f64| state.update(|s| s.set_top_k(top_k_from_slider(k as usize, VOCAB_SIZE)));
    let on_context = move |ev| {
        let context: usize = event_target_value(&ev).parse().unwrap_or(0);
        state.update(|s| s.set_context(context));
    };
    let draw = move |n: u64| {
        measure(&format!("draw-{n}"), || state.update(|s| s.draw(n)));
    };
    let toggle = move |_| {
        let now = !playing.get_untracked();
        playing.set(now);
        if now {
            stream(state, playing);
        }
    };
    let tau = move || state.with(|s| s.knobs().temperature.get());
    let k = move || state.with(|s| s.knobs().top_k);
    let prediction = RwSignal::new(cold_argmax());
    let reveal = move || {
        state.with(|s| {
            s.is_cold().then(|| prediction.with(|p| p.reveal(s.p_argmax(), &format!("{:.3}", s.p_argmax())))).flatten()
        })
    };

    view! {
            <figure class="widget bars-widget" aria-labelledby="bars-caption">
                <p class="try">
                    "Try: drag the temperature slider down to 0.2, then up to 3, and watch the bars. Notice: the "
                    "highlighted bar never changes; only its lead does. Then slide top-k down and watch the short "
                    "bars vanish."
                </p>
                <PredictView prediction
                    question=format!("Before you drag τ down to {COLD_TAU}: how much of the mass will the highlighted bar hold there?")
                    name="cold-argmax" />
                <p class="reveal" data-testid="bars-reveal" aria-live="polite">
                    {move || match (prediction.with(|p| p.picked()), reveal()) {
                        (_, Some(text)) => text,
                        (Some(_), None) => format!("Now drag τ to {COLD_TAU} and read P(argmax)."),
                        (None, None) => String::new(),
                    }}
                </p>
                <div class="controls">
                    <label class="field" hidden=on_transformer>
                        <span>"Context"</span>
                        <select on:change=on_context prop:value=move || state.with(|s| s.context().to_string())>
                            {(0..VOCAB_SIZE)
                                .map(|id| view! { <option value=id.to_string()>{symbol(id)}</option> })
                                .collect_view()}
                        </select>
                    </label>
                    <div class="model-switch" role="group" aria-label="Model">
                        <button type="button" aria-pressed=move || (!on_transformer()).to_string()
                            on:click=move |_| { asked.cancel(); prefix_error.set(None); state.update(Bars::show_bigram) }>"Bigram"</button>
                        <button type="button" aria-pressed=move || on_transformer().to_string()
                            on:click=pick_transformer>"Transformer"</button>
                    </div>
                    <label class="field" hidden=move || !on_transformer()>
                        <span>"Start of a name"</span>
                        <input type="text" autocomplete="off" spellcheck="false" placeholder="a–z, or empty"
                            prop:value=move || prefix.get() on:input=on_prefix />
                    </label>
                    <Slider label="Temperature" hidden_label="for the bars" symbol="τ" scale=bars_tau() value=Signal::derive(tau) on_change=on_tau />
                    <Slider label="Top-k" symbol="k" scale=top_k(VOCAB_SIZE) on_change=on_k
                        value=Signal::derive(move || top_k_to_slider(k(), VOCAB_SIZE) as f64) />
                    <button type="button" on:click=move |_| state.update(Bars::reset) disabled=move || !state.with(Bars::is_edited)>
                        "Reset row"
                    </button>
                </div>

                <p class="status" aria-live="polite" data-testid="bars-status">
                    {move || asked.is_waiting().then(|| models.awaiting(&[Which::Transformer]))}
                </p>
                <p class="error" role="alert" data-testid="bars-prefix-error">{move || prefix_error.get()}</p>
                <p class="setup" data-testid="bars-source">
                    {move || state.with(|s| match s.model() {
                        Model::Bigram => format!("The bigram's distribution of the symbol after {}.", symbol(s.context())),
                        Model::Transformer => format!("The transformer's distribution of the symbol after ·{}.", s.prefix()),
                    })}
                </p>
                <dl class="readouts" aria-live="polite">
                    <div><dt>"argmax"</dt><dd data-testid="bars-argmax">{move || symbol(state.with(Bars::argmax))}</dd></div>
                    <div><dt>"P(argmax)"</dt><dd data-testid="bars-p-argmax">{move || format!("{:.3}", state.with(Bars::p_argmax))}</dd></div>
                    <div><dt>"T"</dt><dd data-testid="bars-tau">{move || format!("{:.2}", tau())}</dd></div>
                    <div><dt>"k"</dt><dd data-testid="bars-k">{move || top_k_label(k(), VOCAB_SIZE)}</dd></div>
                    <div><dt>"samples"</dt><dd data-testid="bars-samples">{move || state.with(|s| s.samples().total()).to_string()}</dd></div>
                    <div><dt>"TV distance"</dt><dd data-testid="bars-tv">{move || state.with(|s| if s.samples().total() == 0 { "–".to_string() } else { format!("{:.4}", s.samples().tv_distance()) })}</dd></div>
                </dl>

                <svg class="chart bars" viewBox=format!("0 0 {} {}", VIEW.0, VIEW.1) role="group" aria-label="Next-symbol probabilities">
                    <Axes x=Axis { min: 0.0, max: 1.0, start: BANDS.left, end: BANDS.right, spacing: Spacing::Linear }
                        y=Signal::derive(move || chart(state.with(Bars::scale_top)).values) x_title="next symbol" y_title="probability" x_ticks=0 y_ticks=6 x_title_gap=42.0 />
                    {(0..VOCAB_SIZE).map(|token| view! { <Bar state token /> }).collect_view()}
                </svg>

                <DrawStrip intervals=Signal::derive(move || state.with(|s| intervals(s.shown())))
                    draw=Signal::derive(move || state.with(|s| s.samples().last())) label=symbol testid="bars-strip" />
                <div class="samplers">
                    <button type="button" on:click=move |_| draw(1)>"Draw 1"</button>
                    <button type="button" on:click=move |_| draw(100)>"Draw 100"</button>
                    <button type="button" on:click=move |_| draw(10_000)>"Draw 10,000"</button>
                    <button type="button" aria-pressed=move || playing.get().to_string() on:click=toggle>
                        {move || if playing.get() { "Pause samples" } else { "Play samples" }}
                    </button>
                    <button type="button" on:click=move |_| state.update(Bars::clear_samples)>"Clear samples"</button>
    </div>
                <div class="tv-figure">
                    <svg class="tv-plot chart" viewBox=format!("0 0 {} {}", TV_VIEW.0, TV_VIEW.1) role="img"
                        aria-label="Total-variation distance between the draws and the bars against the number of draws, both axes logarithmic, beside the distance expected at each count">
                        <Axes x=TV_DRAWS y=TV_DISTANCE x_title="draws (n)" y_title="distance (TV)" />
                        <polyline class="guide" points=move || state.with(|s| plot_points(guide(s.samples().expected_distance_coefficient(), &TV_DRAWS, &TV_DISTANCE), &TV_DRAWS, &TV_DISTANCE)) />
                        <polyline class="tv" points=move || state.with(|s| plot_points(s.samples().history().iter().map(|&(n, d)| (n as f64, d)), &TV_DRAWS, &TV_DISTANCE)) />
                        <Show when=move || state.with(|s| s.samples().total() == 0)>
                            <text class="empty" x=(TV_DRAWS.start + TV_DRAWS.end) / 2.0 y=(TV_DISTANCE.start + TV_DISTANCE.end) / 2.0 text-anchor="middle">"Draw to see the distance fall"</text>
                        </Show>
                    </svg>
                    <p class="legend"><span class="key tv"></span>" measured distance "<span class="key guide"></span>" expected for many draws, c/√n"</p>
                </div>

                <figcaption id="bars-caption">
                    "With the bigram, the bars are its row after the chosen context symbol; with the transformer, "
                    "its distribution of the next symbol after · and the letters typed. The bigram's rows and the "
                    "transformer's after · alone came with the page (computed when it was built); after typed "
                    "letters the transformer runs live, in the background; the transforms and the draws run live "
                    "on this page. Drag a bar (or focus it and use the arrow keys) to set its probability before the "
                    "transforms; the others rescale so the row still sums to 1. The faint bars are the row before "
                    "temperature and top-k, the solid bars after; the highlighted bar is the argmax, which no "
                    "temperature moves. The probability axis fits the row on a square-root scale, so that small "
                    "bars stay visible; it holds still while you drag, and a bar dragged to the top and let go "
                    "makes room above it. Coral ticks mark how often each symbol has been drawn: with enough "
                    "samples they settle on the bar tops. The plot below the buttons measures how far the draws "
                    "are from the bars (the total-variation distance), both axes logarithmic; with many draws it "
                    "runs along the dashed line c/√n, the distance the bars themselves predict, falling tenfold "
                    "for every hundredfold more draws. The strip under the bars lays the distribution end to end "
                    "from 0 to 1, in symbol order: each draw picks a uniform number u, and the symbol whose stretch "
                    "holds u is drawn (the generator is seeded, so a reload shows the same marks)."
                </figcaption>
            </figure>
        }
}
