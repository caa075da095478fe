//! The lesson page "How distributions become text".
//!
//! Components render state; the state and every number on the page live in plain structs in
//! [`state`], tested natively. No arithmetic happens inside `view!`.

pub mod state;
pub mod widgets;

use leptos::prelude::*;

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <main class="lesson">
            <header>
                <p class="kicker">"Tokenization, training and sampling"</p>
                <h1>"How distributions become text"</h1>
                <p class="lede">
                    "A language model does not write. It hands back a score for every token it knows, and a "
                    "small, separate procedure turns those scores into one choice. Repeat that choice, and "
                    "text appears. This page is about that procedure."
                </p>
            </header>
            <widgets::temperature::TemperatureExample />
        </main>
    }
}
