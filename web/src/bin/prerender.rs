//! Renders the lesson natively and writes it into the body of the built page, so that the words are in
//! the HTML the server sends: `prerender dist/index.html`. The same components as in the browser, from
//! the same shipped models; each island is the widget in its first state.

use std::process::ExitCode;

use any_spawner::{CustomExecutor, Executor, PinnedFuture, PinnedLocalFuture};
use leptos::prelude::*;

/// Effects keep the page in step with the learner; a page rendered once to text has no learner, so here
/// they are dropped, never run, as a server renderer does.
struct NoEffects;

impl CustomExecutor for NoEffects {
    fn spawn(&self, _: PinnedFuture<()>) {}
    fn spawn_local(&self, _: PinnedLocalFuture<()>) {}
    fn poll_local(&self) {}
}

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: prerender PATH/index.html");
        return ExitCode::FAILURE;
    };
    let page = match std::fs::read_to_string(&path) {
        Ok(page) => page,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Some((head, tail)) = page.split_once("<body></body>") else {
        eprintln!("{path} has no empty <body></body> to fill");
        return ExitCode::FAILURE;
    };
    if Executor::init_custom_executor(NoEffects).is_err() {
        eprintln!("an executor was already set");
        return ExitCode::FAILURE;
    }
    // Rendering once reads every signal outside any reactive context, on purpose: no warnings for that.
    let _quiet = leptos::reactive::diagnostics::SpecialNonReactiveZone::enter();
    let lesson = Owner::new().with(|| view! { <web::App /> }.to_html());
    if let Err(e) = std::fs::write(&path, format!("{head}<body>{lesson}</body>{tail}")) {
        eprintln!("cannot write {path}: {e}");
        return ExitCode::FAILURE;
    }
    println!("{path}: {} bytes of lesson written into the body", lesson.len());
    ExitCode::SUCCESS
}
