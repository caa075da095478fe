//! The KV cache, step by step: a real generation from the trained transformer, the key and value rows
//! it caches, and the work of each step with the cache on and off.

use std::time::Duration;

use leptos::prelude::*;
use protocol::demos::kv::{KvComparison, Row, SEED, STEPS, comparison_length, sampler};
use protocol::messages::{Reply, Request};
use protocol::{Cache, START};

use crate::models::{Latest, Models};
use crate::state::bars::symbol;
use crate::state::kv::{KvDemo, cell_color, format_flops, parts, work_axes, work_plot};
use crate::state::predict::speedup;
use crate::widgets::axes::Axes;
use crate::widgets::predict::PredictView;

/// Time between steps while playing.
const PLAY_STEP: Duration = Duration::from_millis(700);
/// The size of the work plot.
const PLOT: (f64, f64) = (360.0, 200.0);

/// A cache grid: one row per cached token, one cell per head.
#[component]
fn Grid(
    demo: RwSignal<KvDemo>,
    name: &'static str,
    pick: fn(&Row) -> &Vec<f32>,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <table class="kv-grid" aria-label=format!("{name}-cache, one row per token")>
            <caption>
                {format!("{name}-cache")}
                <span class="empty">{move || demo.with(|d| d.rows().is_empty().then_some(": empty until the first step"))}</span>
            </caption>
            <tbody data-testid=testid>
                // Re-rendered at every step, so the rows computed at this step flash again.
                {move || {
                    demo.with(|d| {
                        let max = d.max_abs();
                        d.rows()
                            .iter()
                            .enumerate()
                            .map(|(i, row)| {
                                let computed = d.is_computed_now(i);
                                view! {
                                    <tr class:computed=computed data-computed=computed.to_string()>
                                        <th scope="row">{format!("{}{} {}", name.to_lowercase(), i + 1, symbol(row.token))}</th>
                                        {pick(row)
                                            .iter()
                                            .map(|&v| {
                                                // A filled shape, not an inline style: the page's security policy forbids those.
                                                view! {
                                                    <td title=format!("{v:.3}")>
                                                        <svg class="cell" aria-hidden="true"><rect width="100%" height="100%" rx="3" fill=cell_color(v, max) /></svg>
                                                    </td>
                                                }
                                            })
                                            .collect_view()}
                                    </tr>
                                }
                            })
                            .collect_view()
                    })
                }}
            </tbody>
        </table>
    }
}

/// How many times faster the cached path ran.
fn measured_speedup(m: &KvComparison) -> f64 {
    m.off_ms / m.on_ms.max(1e-9)
}

/// The KV-cache widget.
#[component]
pub fn KvCacheWidget(
    /// The models, in the background: they time both paths.
    models: Models,
    /// The recorded demonstration.
    demo: RwSignal<KvDemo>,
) -> impl IntoView {
    let playing = RwSignal::new(false);
    let measured = RwSignal::new(None::<Result<KvComparison, String>>);
    let axes = demo.with_untracked(|d| work_axes(d.config(), PLOT.0, PLOT.1));
    let (plot_on, plot_off) = demo.with_untracked(|d| work_plot(d.config(), axes));
    let (tokens, flop_ratio) = demo.with_untracked(|d| {
        let n = comparison_length(d.config());
        (n, d.config().cumulative_flops(n, Cache::Off) as f64 / d.config().cumulative_flops(n, Cache::On) as f64)
    });
    let prediction = RwSignal::new(speedup(flop_ratio));
    let window = demo.with_untracked(|d| d.config().context);

    fn tick(demo: RwSignal<KvDemo>, playing: RwSignal<bool>) {
        set_timeout(
            move || {
                if playing.get_untracked() {
                    demo.update(KvDemo::forward);
                    if demo.with_untracked(KvDemo::is_done) {
                        playing.set(false);
                    } else {
                        tick(demo, playing);
                    }
                }
            },
            PLAY_STEP,
        );
    }
    let toggle_play = move |_| {
        if playing.get_untracked() {
            playing.set(false);
        } else {
            if demo.with_untracked(KvDemo::is_done) {
                demo.update(KvDemo::reset);
            }
            playing.set(true);
            demo.update(KvDemo::forward);
            tick(demo, playing);
        }
    };
    let cache_on = move || demo.with(|d| d.cache() == Cache::On);
    let asked = Latest::new();
    let run_comparison = move |_| {
        if asked.is_waiting() {
            return;
        }
        measured.set(None);
        asked.ask(models, Request::KvCompare, move |reply| {
            measured.set(Some(match reply {
                Reply::KvCompared(m) => Ok(m),
                Reply::Failed(why) => Err(why),
                other => Err(format!("An unexpected answer: {other:?}")),
            }));
        });
    };
    let working = move || asked.is_waiting().then(|| models.awaiting(Request::KvCompare.needs()));

    view! {
        <figure class="widget kv-widget" aria-labelledby="kv-caption">
            <p class="try">
                "Try: press Step forward a few times with the cache on, then switch the cache off. Notice: with "
                "the cache one new row is computed per step and its work stays nearly flat; without it every "
                "row is computed again, and the work readouts pull apart."
            </p>
            <p class="setup">
                "Prompt " <code>{symbol(START)}</code>
                {format!(", sampler τ = {}, top-p = {}, seed {SEED}: ", sampler().temperature.get(), sampler().top_p.get())}
                <strong data-testid="kv-text">{move || demo.with(|d| if d.step() == 0 { "(nothing yet)".to_string() } else { d.text() })}</strong>
            </p>
            <div class="controls">
                <button type="button" on:click=move |_| demo.update(KvDemo::back) disabled=move || demo.with(|d| d.step() == 0)>"Step back"</button>
                <button type="button" on:click=move |_| demo.update(KvDemo::forward) disabled=move || demo.with(KvDemo::is_done)>"Step forward"</button>
                <button type="button" aria-pressed=move || playing.get().to_string() on:click=toggle_play>
                    {move || if playing.get() { "Pause steps" } else { "Play steps" }}
                </button>
                <button type="button" on:click=move |_| { playing.set(false); demo.update(KvDemo::reset) }>"Reset"</button>
                <button type="button" aria-pressed=move || cache_on().to_string()
                    on:click=move |_| demo.update(|d| d.set_cache(if d.cache() == Cache::On { Cache::Off } else { Cache::On }))>
                    "KV cache"
                </button>
            </div>
            <dl class="readouts" aria-live="polite">
                <div><dt>"step"</dt><dd data-testid="kv-step">{move || format!("{} / {STEPS}", demo.with(KvDemo::step))}</dd></div>
                <div><dt>"cache"</dt><dd data-testid="kv-cache">{move || if cache_on() { "on" } else { "off" }}</dd></div>
                <div><dt>"work so far, as set"</dt><dd data-testid="kv-work">{move || format_flops(demo.with(|d| d.cumulative(d.cache())))}</dd></div>
                <div><dt>"cumulative work, cache on"</dt><dd data-testid="kv-work-on">{move || format_flops(demo.with(|d| d.cumulative(Cache::On)))}</dd></div>
                <div><dt>"cumulative work, cache off"</dt><dd data-testid="kv-work-off">{move || format_flops(demo.with(|d| d.cumulative(Cache::Off)))}</dd></div>
                <div><dt>"FLOP ratio, off ÷ on"</dt><dd data-testid="kv-ratio">{move || format!("{:.2}×", demo.with(KvDemo::flop_ratio))}</dd></div>
            </dl>
            <table class="scores kv-breakdown" data-testid="kv-breakdown">
                <caption>{move || demo.with(|d| match d.breakdown() {
                    Some(_) => format!("This step's work, part by part (t = {}, cache {})", d.step(), if d.cache() == Cache::On { "on" } else { "off" }),
                    None => "This step's work, part by part: step forward to see it".to_string(),
                })}</caption>
                <thead><tr><th scope="col">"part"</th><th scope="col">"work"</th><th scope="col">"share"</th></tr></thead>
                <tbody>
                    {move || demo.with(|d| d.breakdown().map(|step| {
                        let total = step.total().max(1) as f64;
                        parts(&step)
                            .into_iter()
                            .map(|(name, n)| view! {
                                <tr><th scope="row">{name}</th><td data-flops=n.to_string()>{format_flops(n)}</td><td>{format!("{:.1} %", n as f64 / total * 100.0)}</td></tr>
                            })
                            .collect_view()
                    }))}
                </tbody>
                <tfoot><tr><th scope="row">"this step"</th><td data-testid="kv-step-total" data-flops=move || demo.with(|d| d.breakdown().map_or(0, |s| s.total())).to_string()>
                    {move || demo.with(|d| d.breakdown().map_or_else(|| "–".to_string(), |s| format_flops(s.total())))}</td><td></td></tr></tfoot>
            </table>
            <div class="kv-grids">
                <Grid demo name="K" pick=|r| &r.keys testid="k-rows" />
                <Grid demo name="V" pick=|r| &r.values testid="v-rows" />
            </div>
            <div class="kv-plot">
                <svg viewBox=format!("0 0 {} {}", PLOT.0, PLOT.1) role="img"
                    aria-label=format!("Cumulative work against the number of tokens, up to the window of {window}: it grows in a straight-ish line with the cache and as a parabola without")>
                    <Axes x=axes.0 y=axes.1 x_title="tokens generated (T)" y_title="cumulative work (flops)" x_ticks=8 />
                    <polyline class="off" points=plot_off />
                    <polyline class="on" points=plot_on />
                </svg>
                <p class="legend"><span class="key off"></span>" cache off "<span class="key on"></span>" cache on, cumulative work for T = 1 to "{window}</p>
            </div>
            <div class="measure">
                <PredictView prediction
                    question=format!("Before you press Measure: counted in FLOPs, the cache saves {flop_ratio:.2}× over these {tokens} tokens. What speedup do you expect to measure in this browser?")
                    name="kv-speedup" />
                <button type="button" on:click=run_comparison aria-disabled=move || asked.is_waiting().to_string()>"Measure both paths"</button>
                <p class="progress" role="status" data-testid="kv-progress">{working}</p>
                <p class="reveal" data-testid="kv-reveal" aria-live="polite">
                    {move || match measured.get() {
                        Some(Ok(m)) => prediction.with(|p| p.reveal(measured_speedup(&m), &format!("{:.2}×", measured_speedup(&m)))).map(|text| format!(
                            "{text} Time is not a FLOP count: every tensor operation also pays a fixed cost, whatever its size, and a cached step is many small operations; past the window the cache is rebuilt as well."
                        )),
                        _ => None,
                    }}
                </p>
                <p data-testid="kv-measured" aria-live="polite">
                    {move || match measured.get() {
                        None if asked.is_waiting() => String::new(),
                        None => "Generates two windows' worth of tokens both ways in this browser, in the background, and times it: past the window the cache must be rebuilt, because every kept token moves one position.".to_string(),
                        Some(Ok(m)) => format!(
                            "{} tokens: cache on {:.2} ms per token, cache off {:.2} ms per token: measured speedup {:.1}× (FLOP ratio {:.1}×). Largest difference between the two paths' logits: {:.1e}.",
                            m.tokens, m.on_ms, m.off_ms, measured_speedup(&m), flop_ratio, m.difference
                        ),
                        Some(Err(e)) => format!("The measurement failed: {e}"),
                    }}
                </p>
            </div>
            <figcaption id="kv-caption">
                {format!("A real generation of {STEPS} symbols from the trained transformer, computed once with the cache when the page was built. ")}
                "Each step feeds one symbol. Each row of the grids is one cached token; each cell is one "
                "attention head of the first layer, coloured by the mean of that head's key (or value) "
                "entries: teal above 0, coral below. With the cache on, only the newest row is computed (it "
                "flashes) and every earlier row is reused. Switching the cache off replays the same tokens and "
                "highlights what that path would compute, every row at every step; it does not rerun the "
                "model (both paths give the same logits: \"Measure both paths\" runs them and checks). The work "
                "readouts count the floating-point operations of the model's matrix products exactly, from "
                "its shape; the FLOP ratio is a count, not a time."
            </figcaption>
        </figure>
    }
}
