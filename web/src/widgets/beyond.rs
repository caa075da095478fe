//! One newer stage alone on the transformer's distribution after `·ma` (computed when the page was
//! built), with its setting as a slider; the stage itself runs live.

use leptos::prelude::*;
use protocol::control::prompt_context;
use sampling::{Logits, StageKind};

use crate::state::bars::symbol;
use crate::state::beyond::{Demo, scale};
use crate::widgets::slider::Slider;

/// The stage `kind` alone on the transformer's distribution after `·ma`.
#[component]
pub fn StageDemo(
    /// The transformer's logits after `·ma`, as the page was sent them.
    after_ma: Logits,
    /// The stage shown.
    kind: StageKind,
    /// The slider's label.
    label: &'static str,
    /// What a screen reader hears before the value.
    symbol_name: &'static str,
) -> impl IntoView {
    const PROMPT: &str = "ma";
    let (scale, start) = scale(kind);
    let value = RwSignal::new(start);
    let row = StoredValue::new(prompt_context(PROMPT).map(|context| (after_ma, context)).map_err(|e| e.to_string()));
    let demo = Memo::new(move |_| {
        let v = value.get();
        row.with_value(|r| {
            r.as_ref().ok().and_then(|(logits, context)| Some((Demo::run(kind, v, logits, context)?, context.clone())))
        })
    });
    let slug = kind.name().replace('σ', "sigma");
    view! {
        <div class="stage-demo" data-testid=format!("demo-{slug}")>
            <Slider label hidden_label="alone on the transformer" symbol=symbol_name scale value on_change=move |v| value.set(v) />
            <p class="readout" aria-live="polite">
                {move || match demo.get() {
                    None => row.with_value(|r| r.as_ref().err().cloned()).unwrap_or_default(),
                    Some((d, context)) => {
                        let (before, after) = d.kept();
                        let followed: Vec<String> = d
                            .followed(kind, &context, 5)
                            .into_iter()
                            .map(|(i, b, a)| format!("{} {b:.3} → {a:.3}", symbol(i)))
                            .collect();
                        let which = if kind == StageKind::Penalties { "The penalized symbols" } else { "Most likely after" };
                        format!("After ·{PROMPT}: {before} symbols kept → {after}. {which}: {}.", followed.join(", "))
                    }
                }}
            </p>
        </div>
    }
}
