//! The lesson page "How distributions become text".
//!
//! Components render state; the state and every number on the page live in plain structs in
//! [`state`], tested natively. No arithmetic happens inside `view!`.

// Rendering the whole page to HTML (the `ssr` feature) nests view types deeper than the default allows.
#![recursion_limit = "256"]

pub mod browser;
pub mod island;
pub mod islands;
pub mod lesson;
pub mod models;
pub mod parts;
mod perf;
pub mod sections;
pub mod state;
pub mod widgets;

use leptos::prelude::*;

use crate::island::island;
use crate::parts::Parts;

/// The whole page: the header, every section, and the page's opening data for the browser to read
/// (`reading`: the minutes the page takes to read, when they are known).
#[component]
pub fn App(
    /// What the page is built from.
    parts: Parts,
    /// The reading time in minutes, counted from the rendered page's own words (`None` while counting).
    reading: Option<usize>,
) -> impl IntoView {
    let data = parts.opening.as_ref().as_ref().ok().and_then(|o| protocol::messages::encode_text(o).ok());
    view! {
        <main class="lesson">
            <header>
                <p class="kicker">"Tokenization, training and sampling"</p>
                <h1>"How distributions become text"</h1>
                <p class="lede">
                    "A language model does not write. For every token it knows it hands back a score, a logit, and "
                    "a small separate procedure turns those scores into one choice. Repeat the choice and text "
                    "appears. This page is about that procedure: greedy choice and why it loops, temperature, "
                    "top-k and top-p as edits of the logits in a fixed order, why engines that use another order "
                    "disagree, the newer stages (min-p, top-n-σ, typical sampling, penalties), why beam search is "
                    "left out, and the key/value cache, which spares every step from recomputing the past."
                </p>
                <p class="meta">
                    <span data-testid="reading-time">{reading.map(|m| format!("About {m} min read"))}</span>
                </p>
                <nav aria-label="On this page" class="toc">
                    <ol>
                        {sections::SECTIONS
                            .iter()
                            .map(|(id, title)| view! { <li><a href=format!("#{id}")>{*title}</a></li> })
                            .collect_view()}
                    </ol>
                </nav>
                {island("progress", &parts)}
            </header>

            <sections::Sections parts />
        </main>
        // The data every island starts from, read by the page's module: not a script, never run.
        <script type="application/octet-stream" id=crate::parts::OPENING_ID>{data}</script>
    }
}
