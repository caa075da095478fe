//! A seeded monkey: random actions on every control of the page (clicks, keys, mouse and touch drags,
//! arbitrary Unicode and very long text in every field, reloads), then a check that the page still
//! responds. Any console error or panic fails it (as in every journey).
//!
//! `MONKEY_ACTIONS` (default 150, what CI runs) and `MONKEY_SEED` (default: from the clock) choose the
//! run; `cargo xtask monkey` runs 2,000. A failure prints the seed and the last actions to replay it.

use std::time::Duration;

use e2e::{Key, Page, Pointer, with_page};
use fantoccini::Locator;
use fantoccini::elements::Element;
use sampling::{SeededRng, seeded_rng, uniform};

/// Everything a person can operate.
const CONTROLS: &str = "main input, main button, main select, main [role=slider], main a[href]";

/// Text typed into fields: Unicode of every kind the keyboard can send, numbers in and out of range.
const TEXTS: [&str; 14] = [
    "0.5",
    "-1",
    "1e309",
    "NaN",
    "0",
    "99999999999999999999",
    "ma",
    "José",
    "ÀÉÎ ·.",
    "中文名字",
    "שלום",
    "e\u{301}\u{200b}x",
    "\u{feff}a\tb",
    "a\u{2028}b",
];

fn pick<'a, T>(rng: &mut SeededRng, items: &'a [T]) -> &'a T {
    &items[((uniform(rng) * items.len() as f64) as usize).min(items.len() - 1)]
}

/// One random action on `element`, described for the log; errors from the driver (a control that
/// re-rendered under the monkey's hand, say) are returned, not failures of the page.
async fn act(page: &Page, element: &Element, rng: &mut SeededRng) -> Result<String, String> {
    let tag = element.tag_name().await.map_err(|e| e.to_string())?;
    let kind = page.attr(element, "type").await;
    let role = page.attr(element, "role").await;
    let label = page.attr(element, "aria-label").await;
    let what = format!("{tag}[type={kind}][role={role}] \"{label}\"");
    let keys = [Key::Left, Key::Right, Key::Up, Key::Down, Key::PageUp, Key::PageDown, Key::Home, Key::End];
    let r = uniform(rng);
    if role == "slider" && r < 0.5 {
        let pointer = if uniform(rng) < 0.5 { Pointer::Mouse } else { Pointer::Touch };
        let (dy0, dy) = ((uniform(rng) - 0.5) * 40.0, (uniform(rng) - 0.5) * 400.0);
        page.drag(element, dy0, dy, pointer).await;
        return Ok(format!("drag {what} by {dy:.0} px from {dy0:.0} ({pointer:?})"));
    }
    if tag == "input" && kind == "text" {
        let text = if uniform(rng) < 0.05 {
            pick(rng, &TEXTS).repeat(400) // a very long string
        } else {
            (*pick(rng, &TEXTS)).to_string()
        };
        if uniform(rng) < 0.3 {
            // Astral characters (emoji) cannot be typed through ChromeDriver: paste them instead.
            let arg = serde_json::to_value(element).map_err(|e| e.to_string())?;
            let script = "arguments[0].value = arguments[1]; \
                          arguments[0].dispatchEvent(new Event('input', { bubbles: true }));";
            page.client
                .execute(script, vec![arg, "🦀🧪𝔸\u{10FFFF}".repeat(1 + (uniform(rng) * 50.0) as usize).into()])
                .await
                .map_err(|e| e.to_string())?;
            return Ok(format!("paste emoji into {what}"));
        }
        element.clear().await.map_err(|e| e.to_string())?;
        element.send_keys(&format!("{text}{}", char::from(Key::Enter))).await.map_err(|e| e.to_string())?;
        return Ok(format!("type {} chars into {what}", text.chars().count()));
    }
    if r < 0.55 && (tag == "button" || tag == "a") {
        element.click().await.map_err(|e| e.to_string())?;
        return Ok(format!("click {what}"));
    }
    let key = *pick(rng, &keys);
    let times = 1 + (uniform(rng) * 4.0) as usize;
    let keys: String = std::iter::repeat_n(char::from(key), times).collect();
    element.send_keys(&keys).await.map_err(|e| e.to_string())?;
    Ok(format!("{times} × {key:?} on {what}"))
}

#[tokio::test]
async fn random_use_never_breaks_the_page() {
    let actions: usize = std::env::var("MONKEY_ACTIONS").ok().and_then(|s| s.parse().ok()).unwrap_or(150);
    let seed: u64 = std::env::var("MONKEY_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_secs())
    });
    eprintln!("monkey: {actions} actions, seed {seed} (replay: MONKEY_SEED={seed} MONKEY_ACTIONS={actions})");
    with_page(move |page| async move {
        let mut rng = seeded_rng(seed);
        page.open().await;
        let mut log: Vec<String> = Vec::new();
        let (mut done, mut skipped) = (0, 0);
        while done < actions {
            if uniform(&mut rng) < 0.02 {
                page.client.refresh().await.expect("the page reloads");
                page.open_here().await;
                log.push("reload".into());
                done += 1;
                continue;
            }
            let controls = page.client.find_all(Locator::Css(CONTROLS)).await.expect("controls can be listed");
            let at_home: Vec<Element> = {
                let mut kept = Vec::new();
                for c in controls {
                    // Links that leave for another address reload the page with that query: fine, but rare.
                    let href = page.attr(&c, "href").await;
                    if !href.starts_with('?') || uniform(&mut rng) < 0.05 {
                        kept.push(c);
                    }
                }
                kept
            };
            assert!(!at_home.is_empty(), "no controls on the page");
            // A few actions per listing, since listing takes longer than acting.
            for _ in 0..5 {
                let element = pick(&mut rng, &at_home).clone();
                match act(&page, &element, &mut rng).await {
                    Ok(what) => {
                        log.push(what);
                        done += 1;
                    }
                    Err(error) => {
                        log.push(format!("(skipped: {})", error.lines().next().unwrap_or_default()));
                        skipped += 1;
                        break; // the page changed under us: list the controls again
                    }
                }
                let errors = page.console_errors().await;
                assert!(
                    errors.is_empty(),
                    "seed {seed}, after action {done}: the page logged errors:\n{}\nlast actions:\n{}",
                    errors.join("\n"),
                    log.iter().rev().take(10).rev().cloned().collect::<Vec<_>>().join("\n")
                );
            }
        }
        let mut kinds = std::collections::BTreeMap::<&str, usize>::new();
        for entry in &log {
            let kind = entry.split_whitespace().next().unwrap_or_default();
            let kind = if kind.ends_with('×') || kind.parse::<usize>().is_ok() { "keys" } else { kind };
            *kinds.entry(kind).or_default() += 1;
        }
        eprintln!("monkey: {done} actions done, {skipped} skipped by the driver: {kinds:?}");
        assert!(skipped * 4 < done, "too many actions could not run ({skipped} of {done}): the monkey tests little");

        // Still alive, as the monkey left it: the worked temperature example follows its slider.
        tokio::time::sleep(Duration::from_millis(200)).await;
        page.open_here().await;
        page.assert_responds().await;
    })
    .await;
}
