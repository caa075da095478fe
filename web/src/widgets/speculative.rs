//! Speculative sampling, round by round, on the page's two models: the bigram's guesses with both
//! models' probabilities, the accept-or-reject of each, the residual when one is rejected, the totals,
//! ten thousand first symbols against both distributions, and a measurement in this browser.

use leptos::prelude::*;
use protocol::demos::speculative::{DRAWS, Fate, GAMMA_MAX, GAMMA_START, MEASURED_NAMES, SEED, SpecMeasured, SpecView};
use protocol::messages::{Reply, Request, Which};
use protocol::{MAX_NAME, START};

use crate::models::{Latest, Models};
use crate::perf::measure;
use crate::state::axes::{Axis, Spacing};
use crate::state::bars::symbol;
use crate::state::projection::BarChart;
use crate::state::sliders::Scale;
use crate::state::speculative::{CHART_VIEW, Draws, chart};
use crate::widgets::axes::Axes;
use crate::widgets::slider::Slider;

/// Draws per animation frame in the draw mode.
const PER_FRAME: usize = 500;

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

/// The step-through widget.
#[component]
pub fn SpeculativeWidget(
    /// The models, in the background: the rounds run there.
    models: Models,
    /// The step-through before its first round, as the page was sent it.
    view: SpecView,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let gamma = RwSignal::new(GAMMA_START);
    let shown = RwSignal::new(view);
    // Rounds queue: every press is one round, answered in order; the view follows the last answer.
    let pending = RwSignal::new(0usize);
    let ask = move |request: Request| {
        pending.update(|n| *n += 1);
        models.ask(request, move |reply| {
            pending.update(|n| *n -= 1);
            match reply {
                Reply::Spec(view) => {
                    error.set(None);
                    shown.set(view);
                }
                Reply::Failed(why) => error.set(Some(why)),
                other => error.set(Some(format!("An unexpected answer: {other:?}"))),
            }
        });
    };
    let step = move |_| ask(Request::SpecRound { gamma: gamma.get_untracked() });
    let start_over = move |_| ask(Request::SpecReset);
    let residual = Signal::derive(move || shown.with(|v| v.residual.clone()));
    let status = move || (pending.get() > 0).then(|| models.awaiting(&Which::ALL));

    // The draw mode: ten thousand first symbols after the text so far, a batch per frame, on this page.
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
    let draw = move |_| match shown.with_untracked(Draws::new) {
        Ok(d) => {
            draws.set(Some(d));
            drawing.set(true);
            more(draws, drawing, error);
        }
        Err(e) => error.set(Some(e.to_string())),
    };
    let draw_series = Signal::derive(move || {
        draws.with(|d| d.as_ref().map(|d| [d.p.probs().to_vec(), d.q.probs().to_vec(), d.frequencies()]))
    });

    // The measurement: names both ways, timed in the background.
    let measured = RwSignal::new(None::<Result<SpecMeasured, String>>);
    let measuring = Latest::new();
    let run_measure = move |_| {
        if measuring.is_waiting() {
            return;
        }
        measured.set(None);
        measuring.ask(models, Request::SpecMeasure { gamma: gamma.get_untracked() }, move |reply| {
            measured.set(Some(match reply {
                Reply::SpecMeasured(m) => Ok(m),
                Reply::Failed(why) => Err(why),
                other => Err(format!("An unexpected answer: {other:?}")),
            }));
        });
    };

    view! {
        <figure class="widget spec-widget" aria-labelledby="spec-caption">
            <p class="try">
                "Try: press Draft and check several times at γ = 4, then at 1 and at 8. Notice: when guesses are kept, "
                "one pass of the transformer writes several symbols; a rejected guess ends the round with a symbol "
                "from the residual; the passes per symbol fall below 1. Compare them across γ."
            </p>
            <div class="controls">
                <Slider label="Guesses a round" symbol="γ" scale=gamma_scale() value=Signal::derive(move || gamma.get() as f64)
                    on_change=move |g: f64| gamma.set((g as usize).clamp(1, GAMMA_MAX)) testid="spec-gamma" />
                <button type="button" on:click=step>"Draft and check"</button>
                <button type="button" on:click=start_over>"Start over"</button>
            </div>
            <p class="status" aria-live="polite" data-testid="spec-status">{status}</p>
            <p class="error" role="alert">{move || error.get()}</p>
            <p class="setup">
                {format!("Prompt {}, τ = 1 (both models' own distributions), seed {SEED}: ", symbol(START))}
                <strong class="spec-text" data-testid="spec-text">
                    {move || shown.with(|v| {
                        let (settled, kept, next) = v.parts.clone();
                        view! { {settled}<mark class="kept">{kept}</mark><mark class="drawn">{next}</mark> }
                    })}
                </strong>
            </p>
            <table class="scores spec-table" data-testid="spec-round">
                <caption>{move || shown.with(|v| {
                    let rows = &v.rows;
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
                    {move || shown.with(|v| v.rows.clone().into_iter().map(|r| {
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
                <div><dt>"rounds: passes of the transformer"</dt><dd data-testid="spec-passes">{move || shown.with(|v| v.tally.target_passes)}</dd></div>
                <div><dt>"symbols written"</dt><dd data-testid="spec-symbols">{move || shown.with(|v| v.tally.tokens)}</dd></div>
                <div><dt>"passes per symbol"</dt><dd data-testid="spec-per-symbol">{move || shown.with(|v| {
                    let t = v.tally;
                    if t.tokens == 0 { "–".to_string() } else { format!("{:.2}", t.passes_per_token()) }
                })}</dd></div>
                <div><dt>"guesses kept"</dt><dd data-testid="spec-acceptance">{move || shown.with(|v| {
                    let t = v.tally;
                    if t.drafted == 0 { "–".to_string() } else { format!("{} of {} ({:.0} %)", t.accepted, t.drafted, 100.0 * t.acceptance_rate()) }
                })}</dd></div>
                <div><dt>"names finished"</dt><dd data-testid="spec-names">{move || shown.with(|v| v.names.join(", "))}</dd></div>
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
                    <p data-testid="spec-draws" aria-live="polite">{move || draws.with(|d| d.as_ref().map(|d| {
                        let (apart, overlap) = d.models_apart();
                        format!(
                            "{} draws after {}: distance from the transformer's p {:.3}, from the bigram's q {:.3} (the two models are {apart:.3} apart here); the bigram's own guess was kept in {:.0} % of them (Σ min(p, q) = {:.0} %).",
                            d.total(), d.context, d.distance(&d.p), d.distance(&d.q), 100.0 * d.kept_share(), 100.0 * overlap
                        )
                    }))}</p>
                </Show>
            </div>
            <div class="measure">
                <button type="button" on:click=run_measure aria-disabled=move || measuring.is_waiting().to_string()>"Measure in this browser"</button>
                <p data-testid="spec-measured" aria-live="polite">{move || match measured.get() {
                    None if measuring.is_waiting() => models.awaiting(&Which::ALL),
                    None => format!("Generates {MEASURED_NAMES} names (up to {MAX_NAME} symbols) with plain cached sampling and with the γ set above, on the same seeds, and times both in this browser, in the background."),
                    Some(Ok(m)) => format!(
                        "{MEASURED_NAMES} names: plain cached sampling {:.1} ms, speculative at γ = {} {:.1} ms: measured speedup {:.2}×, with {:.2} passes of the transformer per symbol. Here the bigram costs a table lookup and the transformer is tiny, so a pass over γ + 1 positions costs more than one step and the time saved is small: the figure that carries over to a large model on a GPU, where a pass over a few positions costs about one step, is the passes per symbol.",
                        m.plain_ms, m.gamma, m.speculative_ms, m.plain_ms / m.speculative_ms.max(1e-9), m.tally.passes_per_token()
                    ),
                    Some(Err(e)) => format!("The measurement failed: {e}"),
                }}</p>
            </div>
            <figcaption id="spec-caption">
                "Live: every round runs both models in this browser, in the background. The bigram guesses from its table, one symbol "
                "at a time; the transformer then reads the last symbol and all the guesses in one pass with its KV "
                "cache, which gives p at every guessed position and one more. Each guess is kept while u < p/q; the "
                "first rejected one is replaced by a draw from max(0, p − q), normalized, and the round ends; when all "
                "are kept, one more symbol is drawn from the transformer's p after them. The rejected guesses' keys "
                "and values are dropped from the cache."
            </figcaption>
        </figure>
    }
}
