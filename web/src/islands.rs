//! Every island of the page, by name, and what each renders: the sections place them, the browser mounts
//! them. Only this table and what it names reach the page's module; the prose does not.

use leptos::prelude::*;

use crate::lesson::{GreedyView, NEWER, ProgressView, QuizView};
use crate::parts::{Parts, failed};

use crate::widgets;

/// Every island, in the order of the page.
pub const NAMES: [&str; 29] = [
    "progress",
    "loop",
    "loop-text",
    "greedy",
    "greedy-text",
    "quiz-0",
    "quiz-1",
    "quiz-2",
    "worked-example",
    "bars",
    "bars-text",
    "quiz-3",
    "nucleus",
    "stages",
    "quiz-5",
    "order-lab",
    "min-p",
    "top-n-σ",
    "typical",
    "penalties",
    "beam-argument",
    "beam",
    "beam-text",
    "kv",
    "kv-text",
    "quiz-4",
    "quiz-6",
    "speculative",
    "control",
];

/// What island `name` shows, built from `parts`; a clear message where its data could not be read.
pub fn render(name: &'static str, parts: &Parts) -> AnyView {
    let (progress, models) = (parts.progress, parts.models);
    let shown = match name {
        "progress" => Ok(view! { <ProgressView progress /> }.into_any()),
        "loop" => parts.opening().and_then(|o| {
            let steps = protocol::demos::steps::replay(o.config.context, &o.loop_outputs).map_err(|e| e.to_string())?;
            Ok(view! { <widgets::steps::LoopView steps /> }.into_any())
        }),
        "loop-text" => parts.opening().map(|o| {
            let card = o.text.clone();
            view! { <widgets::text_loop::TextLoopView models card /> }.into_any()
        }),
        "greedy" => Ok(view! { <GreedyView models window=parts.config.context /> }.into_any()),
        "greedy-text" => parts.opening().map(|o| {
            let card = o.text.clone();
            view! { <widgets::text::TextGreedyView models card /> }.into_any()
        }),
        "worked-example" => Ok(view! { <widgets::temperature::TemperatureExample progress /> }.into_any()),
        "bars" => parts.bars().map(|state| {
            let after_start = parts.after("").ok();
            view! { <widgets::bars::BarsWidget state models after_start /> }.into_any()
        }),
        "bars-text" => parts.opening().map(|o| {
            let card = o.text.clone();
            view! { <widgets::text_bars::TextBarsView models card /> }.into_any()
        }),
        "nucleus" => parts.bars().map(|bars| view! { <widgets::nucleus::NucleusView bars progress /> }.into_any()),
        "stages" => parts.bars().map(|state| view! { <widgets::stages::StageView state /> }.into_any()),
        "order-lab" => parts
            .after("ma")
            .map(|after_ma| view! { <widgets::engines::OrderLab models after_ma progress /> }.into_any()),
        "beam-argument" => parts.opening().map(|o| {
            let text = crate::state::beam::why_not_beam(&o.decoding, o.validation_loss);
            view! { <p>{text}</p> }.into_any()
        }),
        "beam" => parts.opening().map(|o| {
            let (beams, sampled, table) = (o.beams.clone(), o.sampled.clone(), o.decoding.clone());
            view! { <widgets::beam::BeamView models beams sampled table /> }.into_any()
        }),
        "beam-text" => parts.opening().map(|o| {
            let card = o.text.clone();
            view! { <widgets::text_beam::TextBeamView models card /> }.into_any()
        }),
        "kv" => parts.opening().map(|o| {
            let demo = RwSignal::new(crate::state::kv::KvDemo::new(o.config.clone(), o.kv.clone()));
            view! { <widgets::kv::KvCacheWidget models demo /> }.into_any()
        }),
        "kv-text" => parts.opening().map(|o| {
            let card = o.text.clone();
            view! { <widgets::text_kv::TextKvView models card /> }.into_any()
        }),
        "speculative" => parts.opening().map(|o| {
            let view = o.speculative.clone();
            view! { <widgets::speculative::SpeculativeWidget models view /> }.into_any()
        }),
        "control" => Ok(view! { <widgets::control::ControlSurface models /> }.into_any()),
        quiz if quiz.starts_with("quiz-") => match quiz[5..].parse::<usize>() {
            Ok(index) if index < progress.len() => Ok(view! { <QuizView progress index /> }.into_any()),
            _ => Err(format!("No question is numbered {quiz}.")),
        },
        stage => match NEWER.iter().find(|n| n.kind.name() == stage) {
            Some(n) => parts.after("ma").map(|after_ma| {
                let (kind, label, symbol_name) = (n.kind, n.label, n.symbol);
                view! { <widgets::beyond::StageDemo after_ma kind label symbol_name /> }.into_any()
            }),
            None => Err(format!("The page has no part named {stage}.")),
        },
    };
    shown.unwrap_or_else(failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::quiz::ids;

    #[test]
    fn every_name_is_unique_and_every_quiz_has_an_island() {
        let unique: std::collections::HashSet<_> = NAMES.iter().collect();
        assert_eq!(unique.len(), NAMES.len());
        for quiz in [ids::GREEDY, ids::TAU_ONE, ids::TAU_HALF, ids::NUCLEUS, ids::CACHE, ids::ENGINES, ids::SPECULATIVE]
        {
            assert!(NAMES.contains(&format!("quiz-{quiz}").as_str()), "quiz {quiz}");
        }
        for n in &NEWER {
            assert!(NAMES.contains(&n.kind.name()), "{}", n.kind.name());
        }
    }
}
