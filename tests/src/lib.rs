//! Helpers for the end-to-end tests: serve the built bundle, drive Debian's Chromium through
//! ChromeDriver, find controls by role and accessible name, and fail on any console error.
//!
//! Every test is one journey through the page, written as `with_page(|page| async move { ... })`.
//! The browser session is closed and ChromeDriver stopped whatever the journey does, panics included.

mod webdriver;

use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fantoccini::actions::{
    InputSource, KeyAction, KeyActions, MOUSE_BUTTON_LEFT, MouseActions, PointerAction, TouchActions,
};
use fantoccini::elements::Element;
use fantoccini::{Client, Locator};

pub use fantoccini::key::Key;

/// The lesson's quizzes: each question (the answer field's accessible name) and an answer it accepts.
pub const QUIZZES: [(&str, &str); 7] = [
    ("Greedy decoding is the same as top-k sampling with which k?", "1"),
    ("Logits (2, 1, 0) at τ = 1: what is p₁, to two decimals?", "0.67"),
    ("The same logits at τ = 0.5: what is p₁, to two decimals?", "0.87"),
    ("Sorted probabilities (0.50, 0.20, 0.15, 0.08, 0.05, 0.02) and p = 0.9: how many tokens are in the nucleus?", "4"),
    (
        "Without a KV cache, step t recomputes every token in the context. Counting the per-token work \
         (projections, MLP, head), which dominates in a model this size, generating T tokens costs O(T^?) in all. \
         What is the exponent?",
        "2",
    ),
    (
        "Logits (2, 1, 0) with τ = 0.5 and top-p 0.8, in llama.cpp's order (temperature last): how many tokens does \
         top-p keep?",
        "2",
    ),
    (
        "Over three tokens, a draft model has q = (0.50, 0.30, 0.20) and the target p = (0.20, 0.30, 0.50). The \
         draft proposes the first token. With what probability is it accepted, to two decimals?",
        "0.40",
    ),
];

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
    server: Arc<Mutex<Option<site::Server>>>,
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
    with_browser(&[], journey).await;
}

/// As [`with_page`], in a Chromium that runs no JavaScript: what a reader sees before the WebAssembly
/// arrives, or without it.
pub async fn with_page_without_javascript<F, Fut>(journey: F)
where
    F: FnOnce(Page) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    with_browser(&["--blink-settings=scriptEnabled=false"], journey).await;
}

/// As [`with_page`], serving the bundle in `dist` (a damaged copy, say) and allowing console errors
/// that contain one of `expected` (a file the test removed is a 404 the browser logs).
pub async fn with_bundle<F, Fut>(dist: &std::path::Path, expected: &[&str], journey: F)
where
    F: FnOnce(Page) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    serve_and_drive(dist, &[], expected, journey).await;
}

/// A copy of the built bundle in a fresh folder, to damage: its path (removed with the value).
pub fn bundle_copy() -> tempdir::Copy {
    tempdir::Copy::of(&dist())
}

/// A throwaway copy of a folder.
pub mod tempdir {
    use std::path::{Path, PathBuf};

    /// A folder copied from another, removed when dropped.
    #[derive(Debug)]
    pub struct Copy(PathBuf);

    impl Copy {
        /// Copies the files of `from` (not its subfolders) into a fresh folder.
        pub fn of(from: &Path) -> Self {
            let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
            let to = std::env::temp_dir().join(format!("e2e-bundle-{}-{nanos}", std::process::id()));
            std::fs::create_dir_all(&to).expect("a temporary folder");
            for entry in std::fs::read_dir(from).expect("the bundle can be listed").flatten() {
                if entry.path().is_file() {
                    std::fs::copy(entry.path(), to.join(entry.file_name())).expect("the bundle can be copied");
                }
            }
            Self(to)
        }

        /// The folder.
        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Copy {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// As [`with_page`], with `args` added to Chromium's command line.
async fn with_browser<F, Fut>(args: &[&str], journey: F)
where
    F: FnOnce(Page) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    serve_and_drive(&dist(), args, &[], journey).await;
}

/// Serves `dist`, opens Chromium with `args`, runs `journey`, and fails on a console error that
/// contains none of `expected`.
async fn serve_and_drive<F, Fut>(dist: &std::path::Path, args: &[&str], expected: &[&str], journey: F)
where
    F: FnOnce(Page) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    assert!(
        dist.join("index.html").exists(),
        "no bundle at {}: build it first with `cargo xtask test e2e` (or `cargo xtask build`)",
        dist.display()
    );
    let server = site::Server::start(dist, 0).expect("a free loopback port");
    let driver = webdriver::Driver::start().await;
    let client = driver.connect(args).await;
    let base = server.url();
    let page = Page { client: client.clone(), base, server: Arc::new(Mutex::new(Some(server))) };

    let outcome = tokio::spawn(journey(page.clone())).await;
    // The console is read even after a failed journey: a panic in the page explains most failures.
    let mut errors = page.console_errors().await;
    errors.retain(|e| !expected.iter().any(|x| e.contains(x)) || e.contains("panicked"));
    let _ = client.close().await;
    drop(driver);
    page.stop_server();

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

    /// Opens the lesson at `relative` (a query, say) and waits until the app has mounted.
    pub async fn open_at(&self, relative: &str) {
        self.client.goto(&format!("{}{relative}", self.base)).await.expect("the page loads");
        self.open_here().await;
    }

    /// The page's address, with a trailing slash.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The paths the page has asked the server for so far (none once the server is stopped).
    pub fn requested(&self) -> Vec<String> {
        self.server.lock().ok().and_then(|s| s.as_ref().map(site::Server::requested)).unwrap_or_default()
    }

    /// Stops serving the bundle: from now on the network is gone for this page.
    pub fn stop_server(&self) {
        let server = self.server.lock().map(|mut s| s.take());
        drop(server);
    }

    /// Runs a script and returns its result as JSON.
    pub async fn eval(&self, script: &str) -> serde_json::Value {
        self.client.execute(script, vec![]).await.unwrap_or_else(|e| panic!("the script fails: {e}\n{script}"))
    }

    /// Runs a script with `arguments` and returns its result as JSON.
    pub async fn eval_with(&self, arguments: &[serde_json::Value], script: &str) -> serde_json::Value {
        self.client
            .execute(script, arguments.to_vec())
            .await
            .unwrap_or_else(|e| panic!("the script fails: {e}\n{script}"))
    }

    /// Waits until the app has mounted on the page already loading and every widget is alive (the words
    /// arrive with the HTML; the widgets come alive one by one after the WebAssembly).
    pub async fn open_here(&self) {
        let live = format!("html[{}=\"all\"]", web::island::LIVE);
        self.wait_for("every widget to come alive", || async { self.client.find(Locator::Css(&live)).await.is_ok() })
            .await;
    }

    /// The control with this ARIA role and accessible name, as assistive technology sees it.
    ///
    /// # Panics
    /// If there is none, or more than one.
    pub async fn by_role(&self, role: &str, name: &str) -> Element {
        self.by_role_in("", role, name).await
    }

    /// The control with this ARIA role and accessible name inside the element `container` selects (the
    /// whole page for ""), as a person finds it in one widget when another has a control of the same name.
    ///
    /// # Panics
    /// If there is none, or more than one.
    pub async fn by_role_in(&self, container: &str, role: &str, name: &str) -> Element {
        let kinds = ["input", "button", "select", "textarea", "output", "a", "[role]", "[tabindex]"];
        let css = kinds.map(|k| format!("{container} {k}").trim().to_string()).join(", ");
        let candidates = self.client.find_all(Locator::Css(&css)).await.expect("elements can be listed");
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

    /// Types `typed` into the quiz whose question is `question`, and submits it with Enter.
    pub async fn answer(&self, question: &str, typed: &str) {
        let field = self.by_role("textbox", question).await;
        field.clear().await.unwrap();
        field.send_keys(typed).await.unwrap();
        self.press(&field, Key::Enter, 1).await;
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
        let path: Vec<(f64, f64)> = path.iter().map(|&dy| (0.0, dy)).collect();
        self.drag_through(element, dy0, &path, step, pointer).await;
    }

    /// Presses the centre of `element` and moves `dx` pixels sideways in five steps, then releases.
    pub async fn drag_sideways(&self, element: &Element, dx: f64, pointer: Pointer) {
        let path: Vec<(f64, f64)> = (1..=5).map(|step| (dx * f64::from(step) / 5.0, 0.0)).collect();
        self.drag_through(element, 0.0, &path, Duration::from_millis(20), pointer).await;
    }

    /// Presses `dy0` pixels below the centre of `element`, then visits each offset `(dx, dy)` of `path`
    /// (from the press point) taking `step` for each move, and releases.
    async fn drag_through(&self, element: &Element, dy0: f64, path: &[(f64, f64)], step: Duration, pointer: Pointer) {
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
        actions.extend(path.iter().map(|(dx, dy)| PointerAction::MoveTo {
            duration: Some(step),
            x: (x + dx).round(),
            y: (y + dy).round(),
        }));
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
        self.eval(script).await.as_f64().unwrap_or(f64::NAN)
    }

    /// Moves the temperature slider to both ends and waits for the worked example to follow: the page
    /// still responds.
    pub async fn assert_responds(&self) {
        let slider = self.by_role("slider", "Temperature").await;
        self.press(&slider, Key::Home, 1).await;
        self.wait_for_text("[data-testid=tau]", "0.05").await;
        self.press(&slider, Key::End, 1).await;
        self.wait_for_text("[data-testid=tau]", "5.00").await;
    }

    /// Types `keys` on the keyboard, to whatever has the focus (no element is clicked or focused first).
    pub async fn type_keys(&self, keys: &str) {
        let actions = keys
            .chars()
            .flat_map(|value| [KeyAction::Down { value }, KeyAction::Up { value }])
            .fold(KeyActions::new("keyboard".into()), InputSource::then);
        self.client.perform_actions(actions).await.expect("the keys are typed");
        self.client.release_actions().await.expect("the keys are released");
    }

    /// The role and accessible name of the focused element, or `None` when the page itself has the focus.
    pub async fn focused(&self) -> Option<(Element, String, String)> {
        let element = self.client.active_element().await.ok()?;
        let tag = element.tag_name().await.unwrap_or_default();
        if tag == "body" || tag == "html" {
            return None;
        }
        let (role, name) = webdriver::role_and_name(&self.client, &element).await;
        Some((element, role, name))
    }

    /// A Chrome DevTools Protocol command on this page (emulation that WebDriver lacks).
    pub async fn cdp(&self, command: &str, params: serde_json::Value) -> serde_json::Value {
        webdriver::cdp(&self.client, command, params).await
    }

    /// Emulates the colour scheme the page sees (`"light"` or `"dark"`).
    pub async fn color_scheme(&self, scheme: &str) {
        let features = serde_json::json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] });
        webdriver::cdp(&self.client, "Emulation.setEmulatedMedia", features).await;
    }

    /// Emulates a phone: a `width` × `height` CSS-pixel viewport with touch input.
    pub async fn phone(&self, width: u32, height: u32) {
        let metrics = serde_json::json!({ "width": width, "height": height, "deviceScaleFactor": 3, "mobile": true });
        webdriver::cdp(&self.client, "Emulation.setDeviceMetricsOverride", metrics).await;
        let touch = serde_json::json!({ "enabled": true, "maxTouchPoints": 5 });
        webdriver::cdp(&self.client, "Emulation.setTouchEmulationEnabled", touch).await;
    }

    /// Runs axe-core (the script at `AXE_CORE`, installed by the xtask) on the whole page and returns
    /// one line per violation: rule, impact, and the elements it names.
    pub async fn axe_violations(&self) -> Vec<String> {
        let path = std::env::var_os("AXE_CORE").map(PathBuf::from).unwrap_or_else(|| {
            panic!("AXE_CORE is not set: run the browser tests with `cargo xtask test e2e`, which installs axe-core")
        });
        let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let loaded = self.client.execute(&format!("{source}\n;return typeof axe;"), vec![]).await;
        assert_eq!(loaded.expect("axe-core loads"), "object");
        let script = "const done = arguments[arguments.length - 1]; \
            axe.run(document, { resultTypes: ['violations'] }) \
              .then(r => done(r.violations.map(v => `${v.id} (${v.impact}): ${v.help}: ` + \
                 v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(', ')))) \
              .catch(e => done(['axe failed: ' + e]));";
        let result = self.client.execute_async(script, vec![]).await.expect("axe runs");
        result.as_array().into_iter().flatten().filter_map(|v| v.as_str().map(String::from)).collect()
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
