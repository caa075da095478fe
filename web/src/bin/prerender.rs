//! Renders the lesson natively and writes it into the body of the built page, so that the words are in
//! the HTML the server sends: `prerender dist/index.html`. The same components as in the browser; each
//! island is the widget in its first state, computed from the shipped models by the same code the model
//! worker runs, and the opening data the browser's islands start from goes with it.

use std::path::Path;
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
    let page = match inline_style_sheet(&page, Path::new(&path).parent().unwrap_or(Path::new("."))) {
        Ok(page) => page,
        Err(e) => {
            eprintln!("{path}: {e}");
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
    let opening = match model::opening() {
        Ok(opening) => opening,
        Err(e) => {
            eprintln!("the models cannot compute the page's first state: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Rendering once reads every signal outside any reactive context, on purpose: no warnings for that.
    let _quiet = leptos::reactive::diagnostics::SpecialNonReactiveZone::enter();
    let render = |reading: Option<usize>| {
        let parts = web::parts::Parts::new(Ok(opening.clone()));
        Owner::new().with(|| view! { <web::App parts reading /> }.to_html())
    };
    // Rendered twice: once to count the words the reader will see, once with the reading time.
    let words = web::state::quiz::visible_words(&render(None));
    let lesson = render(Some(web::state::quiz::reading_minutes(words)));
    if let Err(e) = std::fs::write(&path, format!("{head}<body>{lesson}</body>{tail}")) {
        eprintln!("cannot write {path}: {e}");
        return ExitCode::FAILURE;
    }
    println!("{path}: {} bytes of lesson written into the body", lesson.len());
    ExitCode::SUCCESS
}

/// `page` with its one linked style sheet (a file in `dir`) written into a `<style>` element, and the
/// sheet's SHA-256 added to the policy's `style-src`.
fn inline_style_sheet(page: &str, dir: &Path) -> Result<String, String> {
    use base64::Engine as _;
    use sha2::Digest as _;
    let start = page.find("<link rel=\"stylesheet\"").ok_or("no linked style sheet")?;
    let end = start + page[start..].find('>').ok_or("an unclosed <link>")? + 1;
    let link = &page[start..end];
    let href = link.split("href=\"").nth(1).and_then(|h| h.split('"').next()).ok_or("a <link> without href")?;
    let file = dir.join(href.trim_start_matches('/'));
    let css = std::fs::read_to_string(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    if css.contains("</") {
        return Err(format!("{} cannot be inlined: it contains \"</\"", file.display()));
    }
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(css.as_bytes()));
    let policy = "default-src 'self';";
    if !page.contains(policy) {
        return Err(format!("the policy does not start with {policy}"));
    }
    let page = page.replacen(policy, &format!("{policy} style-src 'self' 'sha256-{hash}';"), 1);
    // The page no longer fetches the file: it goes, so that dist/ holds only what a reader downloads.
    std::fs::remove_file(&file).map_err(|e| format!("cannot remove {}: {e}", file.display()))?;
    Ok(page.replacen(link, &format!("<style>{css}</style>"), 1))
}
