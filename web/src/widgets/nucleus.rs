//! Widget 2: the nucleus. Sorted bars, their cumulative mass, and a p-line to drag.

use leptos::prelude::*;
use sampling::{Distribution, TopP};

use crate::lesson::Progress;
use crate::perf::measure_until_rendered;
use crate::state::axes::{Axis, Spacing};
use crate::state::bars::{Bars, symbol};
use crate::state::nucleus::{MIN_P, NucleusWidget, P_PAGE, P_STEP, Preset};
use crate::state::projection::{BandLayout, BarChart};
use crate::widgets::axes::Axes;
use crate::widgets::drag::{Drag, KeyMove, key_move};

const VIEW: (f64, f64) = (600.0, 296.0);
const LEFT: f64 = 80.0;
const RIGHT: f64 = 560.0;
const VALUES: Axis = Axis { min: 0.0, max: 1.0, start: 250.0, end: 10.0, spacing: Spacing::Linear };

/// The chart for `n` sorted bars.
fn chart(n: usize) -> BarChart {
    BarChart { bands: BandLayout { n, left: LEFT, right: RIGHT, fill: 0.7 }, values: VALUES }
}

/// The bars widget's current row, labelled, for the "bigram row" preset.
fn bars_row(bars: &Bars) -> (Vec<String>, Distribution) {
    ((0..bars.base().len()).map(symbol).collect(), bars.base().clone())
}

/// The nucleus widget.
#[component]
pub fn NucleusView(
    /// The bars widget, whose row the "bigram row" preset shows.
    bars: RwSignal<Bars>,
    /// The page's progress: the six-token example waits for its question to be answered.
    progress: Progress,
) -> impl IntoView {
    let initial_p = TopP::new(0.9).unwrap_or(TopP::OFF);
    let state = RwSignal::new(bars.with_untracked(|b| NucleusWidget::new(Preset::FIRST, initial_p, &bars_row(b))));
    let locked = move |preset: Preset| preset.asked_by().is_some_and(|quiz| !progress.is_answered(quiz));
    // Follow the bars widget's row while the "bigram row" preset is shown.
    let row = Memo::new(move |_| bars.with(|b| b.base().probs().to_vec()));
    Effect::new(move |_| {
        row.track();
        if state.with_untracked(|s| s.preset() == Preset::BarsRow) {
            let current = bars.with_untracked(bars_row);
            state.update(|s| s.set_preset(Preset::BarsRow, &current));
        }
    });
    let drag = Drag::new(VIEW, move |_x, y| {
        measure_until_rendered("p-line-update", || state.update(|s| s.set_p(VALUES.value_at(y))))
    });
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if let Some(m) = key_move(&ev.key(), P_STEP, P_PAGE) {
            ev.prevent_default();
            state.update(|s| match m {
                KeyMove::By(delta) => s.nudge_p(delta),
                KeyMove::Min => s.set_p(MIN_P),
                KeyMove::Max => s.set_p(1.0),
            });
        }
    };
    let p = move || state.with(NucleusWidget::p);
    let p_y = move || VALUES.at(p());
    let n = move || state.with(|s| s.nucleus().total());

    view! {
        <figure class="widget nucleus-widget" aria-labelledby="nucleus-caption">
            <p class="try">
                "Try: drag the gold p-line from the bottom to the top on the confident preset, then on the "
                "long-tailed one. Notice: at the same p the confident distribution keeps one bar, the long tail "
                "keeps many; the nucleus follows the model's confidence, not a fixed count."
            </p>
            <div class="presets" role="group" aria-label="Distribution">
                {Preset::ALL
                    .iter()
                    .map(|&preset| {
                        view! {
                            <button type="button"
                                disabled=move || locked(preset)
                                title=move || locked(preset).then_some("Answer the question above first")
                                aria-pressed=move || state.with(|s| s.preset() == preset).to_string()
                                on:click=move |_| {
                                    let current = bars.with_untracked(bars_row);
                                    state.update(|s| s.set_preset(preset, &current));
                                }>
                                {preset.label()}
                                {move || locked(preset).then_some(" (after the question)")}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <dl class="readouts" aria-live="polite">
                <div><dt>"p"</dt><dd data-testid="nucleus-p">{move || format!("{:.2}", p())}</dd></div>
                <div><dt>"nucleus size"</dt><dd data-testid="nucleus-size">{move || state.with(|s| s.nucleus().size())}</dd></div>
                <div><dt>"tokens kept"</dt><dd data-testid="nucleus-kept">{move || state.with(NucleusWidget::kept_label)}</dd></div>
                <div><dt>"kept mass"</dt><dd data-testid="nucleus-mass">{move || state.with(|s| format!("{:.3}", s.nucleus().kept_mass()))}</dd></div>
            </dl>
            // The whole chart takes the drag: press anywhere to put the p-line there, then move it.
            <svg
                class="chart nucleus"
                viewBox=format!("0 0 {} {}", VIEW.0, VIEW.1)
                role="group"
                aria-label="Sorted probabilities and the nucleus"
                on:pointerdown=drag.down()
                on:pointermove=drag.moved()
                on:pointerup=drag.up()
                on:pointercancel=drag.up()
            >
                <Axes x=Axis { min: 0.0, max: 1.0, start: LEFT, end: RIGHT, spacing: Spacing::Linear }
                    y=VALUES x_title="tokens, most probable first" y_title="probability" x_ticks=0 y_ticks=6 x_title_gap=40.0 />
                {move || {
                    state.with(|s| {
                        let c = chart(s.nucleus().total());
                        let labels = s.sorted_labels();
                        let renormalized = s.nucleus().renormalized();
                        s.nucleus()
                            .sorted()
                            .iter()
                            .enumerate()
                            .map(|(j, &q)| {
                                let bar = c.bar(j, q);
                                let kept = j < s.nucleus().size();
                                let (x1, x2, y) = c.tick(j, renormalized[j]);
                                view! {
                                    <g class="sorted" class:kept=kept class:masked=!kept>
                                        <rect class="shown" x=bar.x y=bar.y width=bar.width height=bar.height />
                                        {kept.then(|| view! { <line class="tick" x1=x1 x2=x2 y1=y y2=y /> })}
                                        <text class="label" x=c.bands.center(j) y="266" text-anchor="middle">{labels[j].to_string()}</text>
                                    </g>
                                }
                            })
                            .collect_view()
                    })
                }}
                <polyline class="cumulative" points=move || state.with(|s| chart(s.nucleus().total()).polyline(s.nucleus().cumulative())) />
                <g
                    class="p-line"
                    role="slider"
                    tabindex="0"
                    aria-label="p threshold"
                    aria-valuemin=MIN_P
                    aria-valuemax="1"
                    aria-valuenow=move || format!("{:.2}", p())
                    aria-valuetext=move || format!("p = {:.2}, nucleus of {} tokens", p(), state.with(|s| s.nucleus().size()))
                    on:keydown=on_key
                >
                    <rect class="hit" x=LEFT y=move || p_y() - 12.0 width=VIEW.0 - LEFT height="24" />
                    <line x1=LEFT x2=RIGHT y1=p_y y2=p_y />
                    <circle cx=RIGHT + 12.0 cy=p_y r="7" />
                    <text class="p-label" x=RIGHT - 4.0 y=move || p_y() - 6.0 text-anchor="end">{move || format!("p = {:.2}", p())}</text>
                </g>
            </svg>
            <p class="legend"><span class="key kept"></span>" kept "<span class="key cum"></span>" cumulative mass "<span class="key tick"></span>" renormalized"</p>
            <figcaption id="nucleus-caption">
                "The bars are the probabilities sorted from largest to smallest; the dashed line is their running "
                "sum, climbing to 1. Drag the gold p-line up or down, or press anywhere on the chart to move it "
                "there (or focus it and use the arrow keys): the "
                "nucleus is the shortest run of bars whose sum reaches p, and everything after it is masked. "
                "The ticks show the distribution actually sampled from, the kept bars rescaled to sum to 1. "
                "With a confident distribution the nucleus is a single bar; with a long tail it takes many."
                {move || format!(" Now: {} of {} tokens.", state.with(|s| s.nucleus().size()), n())}
            </figcaption>
        </figure>
    }
}
