//! The lesson page "How distributions become text".
//!
//! Components render state; the state and every number on the page live in plain structs in
//! [`state`], tested natively. No arithmetic happens inside `view!`.

// Rendering the whole page to HTML (the `ssr` feature) nests view types deeper than the default allows.
#![recursion_limit = "256"]

pub mod browser;
pub mod island;
pub mod lesson;
pub mod parts;
mod perf;
pub mod sections;
pub mod state;
pub mod widgets;

use leptos::prelude::*;
use model::GptConfig;

use crate::lesson::Progress;
use crate::parts::{Models, Parts};
use crate::state::kv::CostModel;

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let models = Models::new();
    let config = models.config();
    let progress = Progress::new(&config);
    let parts =
        Parts { progress, costs: (CostModel::of(&config), CostModel::of(&GptConfig::gpt2_small())), config, models };
    // The reading time, counted from the page's own words once it has rendered.
    let reading = RwSignal::new(None::<usize>);
    crate::browser::after_redraw(move || {
        let words = crate::browser::document()
            .and_then(|d| d.query_selector("main").ok().flatten())
            .and_then(|m| m.text_content())
            .map_or(0, |t| t.split_whitespace().count());
        reading.set(Some(crate::state::quiz::reading_minutes(words)));
    });

    view! {
        <main class="lesson">
            <header>
                <p class="kicker" data-keep="kicker">"Tokenization, training and sampling"</p>
                <h1 data-keep="title">"How distributions become text"</h1>
                <p class="lede" data-keep="lede">
                    "A language model does not write. For every token it knows it hands back a score, a logit, and "
                    "a small separate procedure turns those scores into one choice. Repeat the choice and text "
                    "appears. This page is about that procedure: greedy choice and why it loops, temperature, "
                    "top-k and top-p as edits of the logits in a fixed order, why engines that use another order "
                    "disagree, the newer stages (min-p, top-n-σ, typical sampling, penalties), why beam search is "
                    "left out, and the key/value cache, which spares every step from recomputing the past."
                </p>
                <p class="meta">
                    <span data-testid="reading-time">{move || reading.get().map(|m| format!("About {m} min read"))}</span>
                </p>
                <nav aria-label="On this page" class="toc">
                    <ol>
                        {sections::SECTIONS
                            .iter()
                            .map(|(id, title)| view! { <li><a href=format!("#{id}")>{*title}</a></li> })
                            .collect_view()}
                    </ol>
                </nav>
                <p class="progress">
                    "Questions answered: "<span data-testid="progress">{move || progress.readout()}</span>
                    <span class="complete" data-testid="complete">
                        {move || progress.is_complete().then_some(" · Lesson complete: every question answered.")}
                    </span>
                </p>
                <p class="notice" role="status" data-testid="progress-notice">{progress.notice()}</p>
            </header>

            <sections::Sections parts />
        </main>
    }
}
