//! Speculative sampling, round by round, on the page's two models: the bigram's guesses with both
//! models' probabilities, the accept-or-reject of each, the residual when one is rejected, the totals,
//! ten thousand first symbols against both distributions, and a measurement in this browser.

use std::rc::Rc;

use leptos::prelude::*;
use model::{Gpt, MAX_NAME, START};

use crate::perf::measure;
use crate::state::axes::{Axis, Spacing};
use crate::state::bars::symbol;
use crate::state::projection::BarChart;
use crate::state::sliders::Scale;
use crate::state::speculative::{
    CHART_VIEW, DRAWS, Draws, Fate, GAMMA_MAX, GAMMA_START, SEED, SpecDemo, chart, measure_names,
};
use crate::widgets::axes::Axes;
use crate::widgets::slider::Slider;

/// Draws per animation frame in the draw mode.
const PER_FRAME: usize = 500;
/// Names generated each way by the measurement.
const MEASURED_NAMES: u64 = 20;

/// The slider of γ: 1 to 8 drafts a round.
fn gamma_scale() -> Scale {
    Scale::stepped(1.0, GAMMA_MAX as f64, 1.0, GAMMA_START as f64, |g| format!("{g}"))
}

/// Three series over the 27 symbols: the target's bars, the draft's outlines, and a third series of
/// ticks (the residual, or the draws' frequencies).
#[component]
fn ThreeSeries(
    /// p, q and the third series.
    series: Signal<Option<[Vec<f64>; 3]>>,
    /// The third series' name, in the legend.
    third: &'static str,
    /// The chart's accessible name.
    label: &'static str,
    /// A test id for the chart.
    testid: &'static str,
) -> impl IntoView {
    let made = move || series.get().map(|s| (chart([&s[0], &s[1], &s[2]]), s));
    let x =
        |c: &BarChart| Axis { min: 0.0, max: 1.0, start: c.bands.left, end: c.bands.right, spacing: Spacing::Linear };
    let empty = chart([&[1.0; 27]; 3]);
    view! {
        <svg class="chart spec-chart" viewBox=format!("0 0 {} {}", CHART_VIEW.0, CHART_VIEW.1) role="img" aria-label=label data-testid=testid>
            <Axes x=x(&empty) y=Signal::derive(move || made().map_or(empty.values, |(c, _)| c.values))
                x_title="next symbol" y_title="probability" x_ticks=0 y_ticks=5 x_title_gap=42.0 />
            {move || made().map(|(c, [p, q, third])| {
                (0..p.len())
                    .map(|i| {
                        let (target, draft) = (c.bar(i, p[i]), c.bar(i, q[i]));
                        let (x1, x2, y) = c.tick(i, third[i]);
                        view! {
                            <rect class="target" x=target.x y=target.y width=target.width height=target.height />
                            <rect class="draft" x=draft.x y=draft.y width=draft.width height=draft.height />
                            <line class="third" x1=x1 x2=x2 y1=y y2=y />
                            <text class="label" x=c.bands.center(i) y="258" text-anchor="middle">{symbol(i)}</text>
                        }
                    })
                    .collect_view()
            })}
        </svg>
        <p class="legend">
            <span class="key target"></span>" the transformer's p "<span class="key draft"></span>" the bigram's q "
            <span class="key third"></span>{format!(" {third}")}
        </p>
    }
}

/// The speed of plain cached sampling and of speculative sampling, measured in this browser.
#[derive(Debug, Clone, PartialEq)]
struct Measured {
    gamma: usize,
    plain_ms: f64,
    speculative_ms: f64,
    passes_per_symbol: f64,
}

fn now() -> f64 {
    crate::browser::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// The step-through widget.
#[component]
pub fn SpeculativeWidget(
    /// The trained transformer.
    model: Rc<Gpt>,
    /// The step-through's state.
    demo: RwSignal<SpecDemo, LocalStorage>,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let report = move |result: Result<(), model::ModelError>| error.set(result.err().map(|e| e.to_string()));
    let gamma = Signal::derive(move || demo.with(|d| d.gamma() as f64));
    let step = {
        let model = Rc::clone(&model);
        move |_| {
            let result = measure("speculative-round", || demo.try_update(|d| d.step(&model)).unwrap_or(Ok(())));
            report(result);
        }
    };
    let start_over = {
        let model = Rc::clone(&model);
        move |_| report(demo.try_update(|d| d.reset(&model)).unwrap_or(Ok(())))
    };
    let residual = Signal::derive(move || demo.with(SpecDemo::residual));

    // The draw mode: ten thousand first symbols after the text so far, a batch per frame.
    let draws = RwSignal::new_local(None::<Draws>);
    let drawing = RwSignal::new(false);
    fn more(draws: RwSignal<Option<Draws>, LocalStorage>, drawing: RwSignal<bool>, error: RwSignal<Option<String>>) {
        crate::browser::after_redraw(move || {
            let left = draws.with_untracked(|d| d.as_ref().map_or(0, |d| DRAWS - d.total()));
            if left == 0 || !drawing.get_untracked() {
                drawing.set(false);
                return;
            }
            let drawn = measure("speculative-draws", || {
                draws.try_update(|d| d.as_mut().map_or(Ok(()), |d| d.draw(PER_FRAME.min(left))))
            });
            if let Some(Err(e)) = drawn {
                error.set(Some(e.to_string()));
                drawing.set(false);
                return;
            }
            more(draws, drawing, error);
        });
    }
    let draw = {
        let model = Rc::clone(&model);
        move |_| {
            let made = demo.with_untracked(|d| Draws::new(d.draft(), &model, &d.context()));
            match made {
                Ok(d) => {
                    draws.set(Some(d));
                    drawing.set(true);
                    more(draws, drawing, error);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        }
    };
    let draw_series = Signal::derive(move || {
        draws.with(|d| d.as_ref().map(|d| [d.p.probs().to_vec(), d.q.probs().to_vec(), d.frequencies()]))
    });

    // The measurement: names both ways, timed, each after a paint so the notice shows.
    let measured = RwSignal::new(None::<Result<Measured, String>>);
    let working = RwSignal::new(false);
    let run_measure = {
        let model = Rc::clone(&model);
        move |_| {
            if working.get_untracked() {
                return;
            }
            working.set(true);
            measured.set(None);
            let model = Rc::clone(&model);
            crate::browser::after_paint(move || {
                let gamma = demo.with_untracked(SpecDemo::gamma);
                let result = demo.with_untracked(|d| {
                    let (t0, plain) =
                        (now(), measure("speculative-plain", || measure_names(d.draft(), &model, 0, MEASURED_NAMES)));
                    let (t1, spec) = (
                        now(),
                        measure("speculative-gamma", || measure_names(d.draft(), &model, gamma, MEASURED_NAMES)),
                    );
                    let t2 = now();
                    plain.and(spec).map(|tally| Measured {
                        gamma,
                        plain_ms: t1 - t0,
                        speculative_ms: t2 - t1,
                        passes_per_symbol: tally.passes_per_token(),
                    })
                });
                measured.set(Some(result.map_err(|e| e.to_string())));
                working.set(false);
            });
        }
    };

    view! {
        <figure class="widget spec-widget" aria-labelledby="spec-caption">
            <p class="try">
                "Try: press Draft and check several times at γ = 4, then at 1 and at 8. Notice: when guesses are kept, "
                "one pass of the transformer writes several symbols; a rejected guess ends the round with a symbol "
                "from the residual; the passes per symbol fall below 1. Compare them across γ."
            </p>
            <div class="controls">
                <Slider label="Guesses a round" symbol="γ" scale=gamma_scale() value=gamma
                    on_change=move |g: f64| demo.update(|d| d.set_gamma(g as usize)) testid="spec-gamma" />
                <button type="button" on:click=step>"Draft and check"</button>
                <button type="button" on:click=start_over>"Start over"</button>
            </div>
            <p class="error" role="alert">{move || error.get()}</p>
            <p class="setup">
                {format!("Prompt {}, τ = 1 (both models' own distributions), seed {SEED}: ", symbol(START))}
                <strong class="spec-text" data-testid="spec-text">
                    {move || demo.with(|d| {
                        let (settled, kept, next) = d.parts();
                        view! { {settled}<mark class="kept">{kept}</mark><mark class="drawn">{next}</mark> }
                    })}
                </strong>
            </p>
            <table class="scores spec-table" data-testid="spec-round">
                <caption>{move || demo.with(|d| {
                    let rows = d.rows();
                    if rows.is_empty() {
                        "The last round: press Draft and check to run one".to_string()
                    } else {
                        format!(
                            "The last round: the bigram's {} guesses x, with q(x) the bigram's probability and p(x) the transformer's, checked in order: kept while the uniform u is below min(1, p/q); after a rejection the rest are not checked",
                            rows.len()
                        )
                    }
                })}</caption>
                <thead><tr>
                    <th scope="col">"x"</th><th scope="col">"q(x)"</th><th scope="col">"p(x)"</th>
                    <th scope="col">"min(1, p/q)"</th><th scope="col">"u"</th><th scope="col">"verdict"</th>
                </tr></thead>
                <tbody>
                    {move || demo.with(|d| d.rows().into_iter().map(|r| {
                        let verdict = match r.fate {
                            Fate::Accepted => "kept",
                            Fate::Rejected => "rejected",
                            Fate::Unchecked => "not checked",
                        };
                        view! {
                            <tr data-fate=format!("{:?}", r.fate).to_lowercase()>
                                <th scope="row">{symbol(r.token)}</th>
                                <td>{format!("{:.3}", r.q)}</td><td>{format!("{:.3}", r.p)}</td>
                                <td>{format!("{:.3}", r.acceptance)}</td>
                                <td>{r.u.map_or_else(|| "–".to_string(), |u| format!("{u:.3}"))}</td>
                                <td>{verdict}</td>
                            </tr>
                        }
                    }).collect_view())}
                </tbody>
            </table>
            <Show when=move || residual.with(Option::is_some)>
                <ThreeSeries series=residual third="the residual max(0, p − q), normalized, that the next symbol came from"
                    label="At the rejected guess: both models' probabilities of every next symbol, and the residual the next symbol was drawn from"
                    testid="spec-residual" />
            </Show>
            <dl class="readouts" aria-live="polite">
                <div><dt>"rounds: passes of the transformer"</dt><dd data-testid="spec-passes">{move || demo.with(|d| d.tally().target_passes)}</dd></div>
                <div><dt>"symbols written"</dt><dd data-testid="spec-symbols">{move || demo.with(|d| d.tally().tokens)}</dd></div>
                <div><dt>"passes per symbol"</dt><dd data-testid="spec-per-symbol">{move || demo.with(|d| {
                    let t = d.tally();
                    if t.tokens == 0 { "–".to_string() } else { format!("{:.2}", t.passes_per_token()) }
                })}</dd></div>
                <div><dt>"guesses kept"</dt><dd data-testid="spec-acceptance">{move || demo.with(|d| {
                    let t = d.tally();
                    if t.drafted == 0 { "–".to_string() } else { format!("{} of {} ({:.0} %)", t.accepted, t.drafted, 100.0 * t.acceptance_rate()) }
                })}</dd></div>
                <div><dt>"names finished"</dt><dd data-testid="spec-names">{move || demo.with(|d| d.names().join(", "))}</dd></div>
            </dl>
            <div class="spec-draws">
                <p>
                    "Does the rule really give the transformer's distribution? Draw 10,000 next symbols after the text "
                    "so far, each the way a round makes its first one: the bigram guesses, the guess is kept with "
                    "probability min(1, p/q), else the residual decides. Run a few rounds first: after · alone the two "
                    "models nearly agree (both know which letters start names), so there is little to tell apart."
                </p>
                <button type="button" on:click=draw aria-disabled=move || drawing.get().to_string()>"Draw 10,000 by the rule"</button>
                <Show when=move || draws.with(Option::is_some)>
                    <ThreeSeries series=draw_series third="how often each came out"
                        label="After the text so far: both models' probabilities of every next symbol, and how often each came out of the draws"
                        testid="spec-draws-chart" />
                    <p data-testid="spec-draws" aria-live="polite">{move || draws.with(|d| d.as_ref().map(|d| format!(
                        "{} draws after {}: distance from the transformer's p {:.3}, from the bigram's q {:.3} (the two models are {:.3} apart here); the bigram's own guess was kept in {:.0} % of them (Σ min(p, q) = {:.0} %).",
                        d.total(), d.context, d.distance(&d.p), d.distance(&d.q), d.p.total_variation(&d.q).unwrap_or(0.0),
                        100.0 * d.kept_share(), 100.0 * (1.0 - d.p.total_variation(&d.q).unwrap_or(0.0))
                    )))}</p>
                </Show>
            </div>
            <div class="measure">
                <button type="button" on:click=run_measure aria-disabled=move || working.get().to_string()>"Measure in this browser"</button>
                <p data-testid="spec-measured" aria-live="polite">{move || match measured.get() {
                    None if working.get() => "Measuring…".to_string(),
                    None => format!("Generates {MEASURED_NAMES} names (up to {MAX_NAME} symbols) with plain cached sampling and with the γ set above, on the same seeds, and times both in this browser."),
                    Some(Ok(m)) => format!(
                        "{MEASURED_NAMES} names: plain cached sampling {:.1} ms, speculative at γ = {} {:.1} ms: measured speedup {:.2}×, with {:.2} passes of the transformer per symbol. Here the bigram costs a table lookup and the transformer is tiny, so a pass over γ + 1 positions costs more than one step and the time saved is small: the figure that carries over to a large model on a GPU, where a pass over a few positions costs about one step, is the passes per symbol.",
                        m.plain_ms, m.gamma, m.speculative_ms, m.plain_ms / m.speculative_ms.max(1e-9), m.passes_per_symbol
                    ),
                    Some(Err(e)) => format!("The measurement failed: {e}"),
                }}</p>
            </div>
            <figcaption id="spec-caption">
                "Live: every round runs both models in this browser. The bigram guesses from its table, one symbol "
                "at a time; the transformer then reads the last symbol and all the guesses in one pass with its KV "
                "cache, which gives p at every guessed position and one more. Each guess is kept while u < p/q; the "
                "first rejected one is replaced by a draw from max(0, p − q), normalized, and the round ends; when all "
                "are kept, one more symbol is drawn from the transformer's p after them. The rejected guesses' keys "
                "and values are dropped from the cache."
            </figcaption>
        </figure>
    }
}
