//! Helpers for the end-to-end tests: serve the built bundle, drive Debian's Chromium through
//! ChromeDriver, find controls by role and accessible name, and fail on any console error.
//!
//! Every test is one journey through the page, written as `with_page(|page| async move { ... })`.
//! The browser session is closed and ChromeDriver stopped whatever the journey does, panics included.

mod server;
mod webdriver;

use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction, TouchActions};
use fantoccini::elements::Element;
use fantoccini::{Client, Locator};

pub use fantoccini::key::Key;

/// How long to wait for the page to reach an expected state before failing.
const PATIENCE: Duration = Duration::from_secs(10);

/// Which kind of pointer a drag uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pointer {
    /// A mouse.
    Mouse,
    /// A finger on a touch screen.
    Touch,
}

/// The open page, and the client that drives it.
#[derive(Debug, Clone)]
pub struct Page {
    /// The WebDriver client.
    pub client: Client,
    base: String,
}

/// The folder of the built bundle: `E2E_DIST`, or `dist/` at the repository root.
fn dist() -> PathBuf {
    std::env::var_os("E2E_DIST")
        .map_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../dist")), PathBuf::from)
}

/// Serves the bundle, opens a fresh Chromium, runs `journey` on the page, checks that the console holds
/// no error, then closes everything. Panics (fails the test) if the journey panics or the console has
/// an error or a panic message.
pub async fn with_page<F, Fut>(journey: F)
where
    F: FnOnce(Page) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let dist = dist();
    assert!(
        dist.join("index.html").exists(),
        "no bundle at {}: build it first with `cargo xtask test e2e` (or `cargo xtask build`)",
        dist.display()
    );
    let server = server::StaticServer::start(&dist);
    let driver = webdriver::Driver::start().await;
    let client = driver.connect().await;
    let page = Page { client: client.clone(), base: server.url() };

    let outcome = tokio::spawn(journey(page.clone())).await;
    // The console is read even after a failed journey: a panic in the page explains most failures.
    let errors = page.console_errors().await;
    let _ = client.close().await;
    drop(driver);
    drop(server);

    if let Err(e) = outcome {
        if !errors.is_empty() {
            eprintln!("console errors during the failed journey:\n{}", errors.join("\n"));
        }
        std::panic::resume_unwind(e.into_panic());
    }
    assert!(errors.is_empty(), "the page logged errors:\n{}", errors.join("\n"));
}

impl Page {
    /// Opens the lesson and waits until the app has mounted.
    pub async fn open(&self) {
        self.client.goto(&self.base).await.expect("the page loads");
        self.open_here().await;
    }

    /// Waits until the app has mounted on the page already loading.
    pub async fn open_here(&self) {
        self.wait_for("the app to mount", || async { self.client.find(Locator::Css("main h1")).await.is_ok() }).await;
    }

    /// The control with this ARIA role and accessible name, as assistive technology sees it.
    ///
    /// # Panics
    /// If there is none, or more than one.
    pub async fn by_role(&self, role: &str, name: &str) -> Element {
        let candidates = self
            .client
            .find_all(Locator::Css("input, button, select, textarea, output, a, [role], [tabindex]"))
            .await
            .expect("elements can be listed");
        let mut found = Vec::new();
        let mut seen = Vec::new();
        for element in candidates {
            let (r, n) = webdriver::role_and_name(&self.client, &element).await;
            if r == role && n == name {
                found.push(element);
            } else {
                seen.push(format!("{r} \"{n}\""));
            }
        }
        match found.len() {
            1 => found.remove(0),
            0 => panic!("no {role} named \"{name}\"; the page has: {}", seen.join(", ")),
            n => panic!("{n} elements are {role} \"{name}\""),
        }
    }

    /// The text of the one element matching a CSS selector.
    pub async fn text(&self, css: &str) -> String {
        let element = self.client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("no {css}: {e}"));
        element.text().await.expect("text can be read")
    }

    /// Waits until the element matching `css` shows exactly `expected`.
    pub async fn wait_for_text(&self, css: &str, expected: &str) {
        let start = Instant::now();
        loop {
            let text = self.text(css).await;
            if text == expected {
                return;
            }
            assert!(start.elapsed() < PATIENCE, "{css} shows \"{text}\", expected \"{expected}\"");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Waits until `ready` holds.
    pub async fn wait_for<F, R>(&self, what: &str, ready: F)
    where
        F: Fn() -> R,
        R: Future<Output = bool>,
    {
        let start = Instant::now();
        while !ready().await {
            assert!(start.elapsed() < PATIENCE, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Presses `key` `times` times on `element`.
    pub async fn press(&self, element: &Element, key: Key, times: usize) {
        let keys: String = std::iter::repeat_n(char::from(key), times).collect();
        element.send_keys(&keys).await.expect("keys can be sent");
    }

    /// Presses the primary button `dy0` pixels below the centre of `element`, moves by `dy` in a few
    /// steps, and releases: a real drag, with mouse or touch pointer events.
    pub async fn drag(&self, element: &Element, dy0: f64, dy: f64, pointer: Pointer) {
        let steps = 5;
        let path: Vec<f64> = (1..=steps).map(|step| dy * f64::from(step) / f64::from(steps)).collect();
        self.drag_along(element, dy0, &path, Duration::from_millis(20), pointer).await;
    }

    /// Presses `dy0` pixels below the centre of `element`, then visits each vertical offset of `path`
    /// (from the press point) taking `step` for each move, and releases.
    pub async fn drag_along(&self, element: &Element, dy0: f64, path: &[f64], step: Duration, pointer: Pointer) {
        let arg = serde_json::to_value(element).expect("an element serializes");
        let centre = self
            .client
            .execute(
                "arguments[0].scrollIntoView({block: 'center'}); \
                 const r = arguments[0].getBoundingClientRect(); \
                 return [r.left + r.width / 2, r.top + r.height / 2];",
                vec![arg],
            )
            .await
            .expect("the element scrolls into view");
        let at = |i: usize| centre.get(i).and_then(serde_json::Value::as_f64).expect("a centre point");
        let (x, y) = (at(0).round(), (at(1) + dy0).round());
        let mut actions =
            vec![PointerAction::MoveTo { duration: None, x, y }, PointerAction::Down { button: MOUSE_BUTTON_LEFT }];
        actions.extend(path.iter().map(|dy| PointerAction::MoveTo { duration: Some(step), x, y: (y + dy).round() }));
        actions.push(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
        match pointer {
            Pointer::Mouse => {
                let seq = actions.into_iter().fold(MouseActions::new("mouse".into()), InputSource::then);
                self.client.perform_actions(seq).await.expect("the drag runs");
            }
            Pointer::Touch => {
                let seq = actions.into_iter().fold(TouchActions::new("finger".into()), InputSource::then);
                self.client.perform_actions(seq).await.expect("the drag runs");
            }
        }
        self.client.release_actions().await.expect("the pointer is released");
    }

    /// An attribute of an element, or "".
    pub async fn attr(&self, element: &Element, name: &str) -> String {
        element.attr(name).await.expect("attributes can be read").unwrap_or_default()
    }

    /// Runs a script and returns its result as a number.
    pub async fn number(&self, script: &str) -> f64 {
        let value = self.client.execute(script, vec![]).await.expect("the script runs");
        value.as_f64().unwrap_or(f64::NAN)
    }

    /// The console entries at level SEVERE (errors, panics) or that mention a panic, since the last call.
    pub async fn console_errors(&self) -> Vec<String> {
        webdriver::console(&self.client)
            .await
            .into_iter()
            .filter(|(level, message)| level == "SEVERE" || message.contains("panicked"))
            .map(|(level, message)| format!("[{level}] {message}"))
            .collect()
    }
}
