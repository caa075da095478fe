//! The lesson page "How distributions become text".
//!
//! Components render state; the state and every number on the page live in plain structs in
//! [`state`], tested natively. No arithmetic happens inside `view!`.

mod perf;
pub mod state;
pub mod widgets;

use leptos::prelude::*;
use model::{Bigram, Gpt, GptCard, device};

use crate::state::bars::{BigramBars, interesting_context};
use crate::state::kv::KvDemo;

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
            <BigramSection />
            <KvSection />
        </main>
    }
}

/// The widgets that run on the bigram, or a clear message if its weights do not load.
#[component]
fn BigramSection() -> impl IntoView {
    match Bigram::shipped(&device()).and_then(|b| b.table()) {
        Ok(table) => {
            let context = interesting_context(&table);
            let bars = RwSignal::new(BigramBars::new(table, context));
            view! {
                <section aria-labelledby="bars-title">
                    <h2 id="bars-title">"Temperature and top-k on a real bigram"</h2>
                    <widgets::bars::BigramBarsWidget state=bars />
                    <widgets::stages::StageView state=bars />
                </section>
                <section aria-labelledby="nucleus-title">
                    <h2 id="nucleus-title">"Top-p: the nucleus"</h2>
                    <widgets::nucleus::NucleusView bars />
                </section>
            }
            .into_any()
        }
        Err(e) => {
            view! { <p class="error" role="alert">{format!("The bigram could not be loaded: {e}")}</p> }.into_any()
        }
    }
}

/// The KV-cache step-through on the trained transformer, or a clear message if it does not load.
#[component]
fn KvSection() -> impl IntoView {
    let loaded = Gpt::shipped(&device()).and_then(|model| {
        let config = GptCard::shipped()?.config;
        let demo = KvDemo::record(&model, config)?;
        Ok((model, demo))
    });
    match loaded {
        Ok((model, demo)) => view! {
            <section aria-labelledby="kv-title">
                <h2 id="kv-title">"The KV cache"</h2>
                <widgets::kv::KvCacheWidget model=std::rc::Rc::new(model) demo=RwSignal::new(demo) />
            </section>
        }
        .into_any(),
        Err(e) => {
            view! { <p class="error" role="alert">{format!("The transformer could not be loaded: {e}")}</p> }.into_any()
        }
    }
}
