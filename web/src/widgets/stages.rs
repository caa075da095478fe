//! The stage view: the bars widget's row after each step of the pipeline, side by side.

use leptos::prelude::*;
use model::VOCAB_SIZE;
use sampling::TopP;

use crate::state::bars::{Bars, symbol};
use crate::state::projection::{BandLayout, BarChart, Scale, VerticalProjection};
use crate::state::sliders;
use crate::widgets::slider::Slider;

const VIEW: (f64, f64) = (300.0, 120.0);
const CHART: BarChart = BarChart {
    bands: BandLayout { n: VOCAB_SIZE, left: 4.0, right: 296.0, fill: 0.75 },
    values: VerticalProjection { max: 1.0, bottom: 104.0, top: 4.0, scale: Scale::Sqrt },
};

/// One small chart: a title, 27 bars, and which of them are masked.
#[component]
fn StageChart(
    /// What the stage is.
    title: &'static str,
    /// The probabilities to draw and which tokens are still alive, in token order.
    data: Memo<(Vec<f64>, Vec<bool>)>,
    /// A test id for the number of live tokens.
    testid: &'static str,
) -> impl IntoView {
    view! {
        <div class="stage">
            <h3>{title}" "<span class="kept" data-testid=testid>{move || data.with(|(_, alive)| alive.iter().filter(|a| **a).count())}</span>" kept"</h3>
            <svg class="chart mini" viewBox=format!("0 0 {} {}", VIEW.0, VIEW.1) role="img"
                aria-label=move || format!("{title}: {}", data.with(|(p, _)| describe(p)))>
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

/// The four stages of the pipeline on the bars widget's row, with the top-p slider.
#[component]
pub fn StageView(
    /// The bars widget's state; the top-p set here applies to it too.
    state: RwSignal<Bars>,
) -> impl IntoView {
    let alive = |l: &sampling::Logits| (0..l.len()).map(|i| l.is_kept(i)).collect::<Vec<_>>();
    let tempered = Memo::new(move |_| {
        state.with(|s| (s.stages().after_temperature().probs().to_vec(), alive(&s.stages().scaled)))
    });
    let top_k =
        Memo::new(move |_| state.with(|s| (s.stages().after_top_k().probs().to_vec(), alive(&s.stages().top_k))));
    let top_p =
        Memo::new(move |_| state.with(|s| (s.stages().after_top_k().probs().to_vec(), alive(&s.stages().top_p))));
    let last = Memo::new(move |_| state.with(|s| (s.shown().probs().to_vec(), alive(&s.stages().top_p))));
    let p = move || state.with(|s| s.sampler().top_p.get());
    let on_p = move |value: f64| {
        if let Ok(p) = TopP::new(value) {
            state.update(|s| s.set_top_p(p));
        }
    };
    view! {
        <figure class="widget stages" aria-labelledby="stages-caption">
            <p class="try">
                "Try: set top-p to 0.5 here, then lower top-k in the bars above. Notice: each chart greys out "
                "what its stage cut, and a token cut by an earlier stage never comes back in a later one."
            </p>
            <Slider label="Top-p" symbol="p" scale=sliders::top_p() value=Signal::derive(p) on_change=on_p testid="stages-p" />
            <div class="stage-grid">
                <StageChart title="1. after temperature" data=tempered testid="stage-temperature" />
                <StageChart title="2. after top-k" data=top_k testid="stage-top-k" />
                <StageChart title="3. after top-p" data=top_p testid="stage-top-p" />
                <StageChart title="4. final: one softmax over the rest" data=last testid="stage-final" />
            </div>
            <figcaption id="stages-caption">
                "The same row, one stage at a time. Temperature reshapes every bar; top-k masks all but the k "
                "largest; top-p masks the tail of what top-k left, measured on its renormalized mass (masked "
                "bars are greyed); the final softmax spreads the mass over the survivors. The top-p set here "
                "applies to the bars above as well."
            </figcaption>
        </figure>
    }
}
