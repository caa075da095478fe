//! ChromeDriver and Chromium, started for one test, and the WebDriver commands fantoccini lacks.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder};
use http::Method;
use serde_json::{Value, json};
use url::Url;

/// A ChromeDriver process on a free loopback port; killed on drop.
#[derive(Debug)]
pub struct Driver {
    child: Child,
    port: u16,
    profile: std::path::PathBuf,
}

impl Driver {
    /// Starts ChromeDriver (`CHROMEDRIVER`, default `/usr/bin/chromedriver`) and waits until it listens.
    ///
    /// Tests run in parallel, and a free port can be taken by another test's ChromeDriver between
    /// choosing it and binding it; the loser exits at once. So the port counts as ours only while our
    /// own process is alive and something listens on it; otherwise another port is tried.
    pub async fn start() -> Self {
        let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        for _attempt in 0..5 {
            let port = free_port();
            let child = Command::new(&binary)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {binary}: {e} (install Debian's chromium-driver)"));
            let profile = std::env::temp_dir().join(format!("e2e-chromium-{}-{port}", std::process::id()));
            let mut driver = Self { child, port, profile };
            let start = Instant::now();
            loop {
                if matches!(driver.child.try_wait(), Ok(Some(_))) {
                    break; // lost the port to another ChromeDriver: try another
                }
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    if matches!(driver.child.try_wait(), Ok(None)) {
                        return driver;
                    }
                    break;
                }
                assert!(start.elapsed() < Duration::from_secs(20), "ChromeDriver did not start listening");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        panic!("ChromeDriver could not get a port in five attempts")
    }

    /// Opens a new headless Chromium session, with `extra` added to its command line.
    pub async fn connect(&self, extra: &[&str]) -> Client {
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let mut args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-dev-shm-usage".into(),
            "--window-size=1280,900".into(),
            format!("--user-data-dir={}", self.profile.display()),
        ];
        args.extend(extra.iter().map(|a| a.to_string()));
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": chromium, "args": args },
            "goog:loggingPrefs": { "browser": "ALL" },
        });
        let Value::Object(capabilities) = capabilities else { unreachable!("a JSON object") };
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("a Chromium session")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    listener.local_addr().expect("a local address").port()
}

/// A WebDriver command by path under the session, with an optional JSON body.
#[derive(Debug)]
struct SessionCommand {
    method: Method,
    path: String,
    body: Option<Value>,
}

impl WebDriverCompatibleCommand for SessionCommand {
    fn endpoint(&self, base_url: &Url, session_id: Option<&str>) -> Result<Url, url::ParseError> {
        base_url.join(&format!("session/{}/{}", session_id.unwrap_or_default(), self.path))
    }

    fn method_and_body(&self, _: &Url) -> (Method, Option<String>) {
        (self.method.clone(), self.body.as_ref().map(Value::to_string))
    }
}

/// The computed ARIA role and accessible name of an element (WebDriver's computedrole/computedlabel).
pub async fn role_and_name(client: &Client, element: &Element) -> (String, String) {
    let id = element.element_id().to_string();
    let mut out = [String::new(), String::new()];
    for (slot, what) in out.iter_mut().zip(["computedrole", "computedlabel"]) {
        let cmd = SessionCommand { method: Method::GET, path: format!("element/{id}/{what}"), body: None };
        let value = client.issue_cmd(cmd).await.unwrap_or(Value::Null);
        *slot = value.as_str().unwrap_or_default().to_string();
    }
    let [role, name] = out;
    (role, name)
}

/// The browser console entries since the last read, as (level, message).
pub async fn console(client: &Client) -> Vec<(String, String)> {
    let cmd = SessionCommand { method: Method::POST, path: "se/log".into(), body: Some(json!({ "type": "browser" })) };
    let entries = client.issue_cmd(cmd).await.unwrap_or(Value::Null);
    entries
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            let field = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
            (field("level"), field("message"))
        })
        .collect()
}

/// A Chrome DevTools Protocol command through ChromeDriver (emulation that WebDriver lacks).
pub async fn cdp(client: &Client, command: &str, params: Value) -> Value {
    let body = json!({ "cmd": command, "params": params });
    let cmd = SessionCommand { method: Method::POST, path: "goog/cdp/execute".into(), body: Some(body) };
    client.issue_cmd(cmd).await.unwrap_or_else(|e| panic!("{command} fails: {e}"))
}
