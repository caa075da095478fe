//! Accessibility: axe-core finds nothing in either colour scheme, before and after every widget has
//! been moved; the whole lesson can be done with the keyboard alone, with a visible focus everywhere;
//! and on a phone-sized touch screen nothing scrolls sideways and every drag works.

use e2e::{Key, Page, Pointer, with_page};

/// Runs axe and fails with its findings, if any.
async fn assert_no_violations(page: &Page, when: &str) {
    let violations = page.axe_violations().await;
    assert!(violations.is_empty(), "axe-core, {when}:\n{}", violations.join("\n"));
}

/// Puts every widget in a state other than its first: sliders moved, steps taken, a run generated,
/// a quiz answered wrongly (its feedback shown), samples drawn, the cache switched off.
async fn move_everything(page: &Page) {
    for (slider, key, times) in [
        ("Temperature", Key::Left, 6),
        ("P(e)", Key::Up, 3),
        ("Temperature for the bars", Key::Right, 4),
        ("Top-k", Key::Left, 2),
        ("p threshold", Key::Down, 5),
        ("Beam width", Key::Right, 3),
    ] {
        let element = page.by_role("slider", slider).await;
        page.press(&element, key, times).await;
    }
    for button in ["Next step", "Draw 100", "Step forward", "Step forward", "KV cache", "Generate", "long-tailed"] {
        page.by_role("button", button).await.click().await.unwrap();
    }
    // The widgets on text, run once (the Shakespeare model is fetched for them).
    for button in ["Next token", "Show the next token's distribution"] {
        page.by_role("button", button).await.click().await.unwrap();
    }
    page.wait_for("the widgets on text", || async {
        page.eval(
            "return !!document.querySelector('[data-testid=text-loop-chips] .id') \
               && !!document.querySelector('.text-bar [role=slider]')",
        )
        .await
            == true
    })
    .await;
    let rest = page.by_role("slider", "P(the other 2,036)").await;
    page.press(&rest, Key::Up, 3).await;
    page.by_role("button", "Record a run").await.click().await.unwrap();
    page.by_role("button", "Search").await.click().await.unwrap();
    page.wait_for("beam search on text", || async {
        !page
            .eval("return document.querySelector('[data-testid=text-beam-summary]')?.textContent ?? ''")
            .await
            .as_str()
            .unwrap_or_default()
            .is_empty()
            && page.eval("return document.querySelectorAll('[data-testid=text-kv-chips] li').length").await == 1
    })
    .await;
    let quiz = page.by_role("textbox", "Greedy decoding is the same as top-k sampling with which k?").await;
    quiz.send_keys("7").await.unwrap();
    page.press(&quiz, Key::Enter, 1).await;
    page.wait_for("the hint", || async {
        page.text("[data-testid=quiz-0-feedback]").await.starts_with("Not quite. Hint:")
    })
    .await;
}

#[tokio::test]
async fn axe_finds_no_violation_in_either_scheme_before_or_after_use() {
    with_page(|page| async move {
        page.open().await;
        assert_no_violations(&page, "light scheme, as loaded").await;
        page.color_scheme("dark").await;
        assert_no_violations(&page, "dark scheme, as loaded").await;
        move_everything(&page).await;
        assert_no_violations(&page, "dark scheme, every widget moved").await;
        page.color_scheme("light").await;
        assert_no_violations(&page, "light scheme, every widget moved").await;
    })
    .await;
}

/// How the focused element shows its focus: "outline", "fill" or "ring" (the SVG sliders draw their
/// own), or why it does not.
const FOCUS_INDICATOR: &str = "
    const el = document.activeElement;
    if (!el.matches(':focus-visible')) return 'not :focus-visible';
    const s = getComputedStyle(el);
    if (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) return 'outline';
    const hit = el.querySelector('.hit');
    if (hit && !/transparent|rgba\\(0, 0, 0, 0\\)|none/.test(getComputedStyle(hit).fill)) return 'fill';
    const ring = el.querySelector('circle');
    if (ring && parseFloat(getComputedStyle(ring).strokeWidth) >= 2 && getComputedStyle(ring).stroke !== 'none') return 'ring';
    return 'no visible focus';";

/// A slider's value as a screen reader reads it.
async fn slider_value(page: &Page, element: &fantoccini::elements::Element) -> String {
    let now = page.attr(element, "aria-valuenow").await;
    if now.is_empty() { element.prop("value").await.unwrap().unwrap_or_default() } else { now }
}

#[tokio::test]
async fn the_whole_lesson_can_be_done_with_the_keyboard_alone() {
    with_page(|page| async move {
        page.open().await;
        let mut reached: Vec<(String, String)> = Vec::new();
        let mut first = None;
        for _ in 0..400 {
            page.type_keys(&char::from(Key::Tab).to_string()).await;
            let Some((element, role, name)) = page.focused().await else { continue };
            let id = element.element_id().to_string();
            if first.as_ref() == Some(&id) {
                break; // round the page once
            }
            first.get_or_insert(id);
            let indicator = page.eval(FOCUS_INDICATOR).await;
            assert!(matches!(indicator.as_str(), Some("outline" | "fill" | "ring")), "{role} \"{name}\": {indicator}");
            match role.as_str() {
                "slider" => {
                    let before = slider_value(&page, &element).await;
                    page.type_keys(&char::from(Key::Right).to_string()).await;
                    if slider_value(&page, &element).await == before {
                        page.type_keys(&char::from(Key::Left).to_string()).await;
                    }
                    let after = slider_value(&page, &element).await;
                    assert_ne!(after, before, "the slider \"{name}\" moves by keyboard");
                }
                "radio" => {
                    // A prediction: the arrow picks a choice.
                    page.type_keys(&char::from(Key::Down).to_string()).await;
                    assert_eq!(element.prop("checked").await.unwrap().as_deref(), Some("false"), "focus moves on");
                }
                "combobox" => {
                    let before = element.prop("value").await.unwrap();
                    page.type_keys(&char::from(Key::Down).to_string()).await;
                    assert_ne!(element.prop("value").await.unwrap(), before, "\"{name}\" changes by keyboard");
                }
                "textbox" => {
                    if let Some((_, answer)) = e2e::QUIZZES.iter().find(|(q, _)| *q == name) {
                        page.type_keys(&format!("{answer}{}", char::from(Key::Enter))).await;
                    }
                }
                "button" if name.starts_with("Play") => {
                    // Start and stop again.
                    page.type_keys(&char::from(Key::Enter).to_string()).await;
                    page.type_keys(&char::from(Key::Enter).to_string()).await;
                }
                "button" => page.type_keys(&char::from(Key::Enter).to_string()).await,
                _ => {} // links, the code blocks: focus is enough
            }
            reached.push((role, name));
        }
        let has = |role: &str, name: &str| reached.iter().any(|(r, n)| r == role && n == name);
        for slider in
            ["Temperature", "P(e)", "Temperature for the bars", "Top-k", "p threshold", "Beam width", "Guesses a round"]
        {
            assert!(has("slider", slider), "the slider \"{slider}\" was never reached: {reached:?}");
        }
        for button in [
            "Next step",
            "Draw 100",
            "Play samples",
            "Step forward",
            "KV cache",
            "Draft and check",
            "Generate",
            "long-tailed",
        ] {
            assert!(has("button", button), "the button \"{button}\" was never reached: {reached:?}");
        }
        assert!(has("combobox", "Context"));
        assert!(reached.iter().any(|(r, _)| r == "radio"), "a prediction's choices are reached");
        page.wait_for_text("[data-testid=progress]", &format!("{0} / {0}", e2e::QUIZZES.len())).await;
        assert!(page.text("[data-testid=complete]").await.contains("Lesson complete"));
    })
    .await;
}

#[tokio::test]
async fn on_a_phone_nothing_scrolls_sideways_and_every_drag_works() {
    with_page(|page| async move {
        page.phone(390, 844).await;
        page.open().await;
        let (width, scroll) = (
            page.number("return window.innerWidth;").await,
            page.number("return document.documentElement.scrollWidth;").await,
        );
        assert_eq!(width, 390.0, "the emulated viewport");
        assert!(scroll <= width, "the page is {scroll} px wide in a {width} px viewport");
        let wide = page
            .eval(
                "const scrolls = e => { for (let a = e.parentElement; a; a = a.parentElement) \
                   if (/auto|scroll|hidden/.test(getComputedStyle(a).overflowX)) return true; return false; }; \
                 return [...document.querySelectorAll('main *')] \
                   .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5 && !scrolls(e)) \
                   .map(e => e.tagName + ' ' + (e.getAttribute('class') || '')).slice(0, 5);",
            )
            .await;
        assert_eq!(wide, serde_json::json!([]), "elements past the right edge");

        // Every draggable thing follows a finger.
        for (role, name, dy) in [("slider", "P(e)", -30.0), ("slider", "p threshold", -60.0)] {
            let element = page.by_role(role, name).await;
            let before = page.attr(&element, "aria-valuenow").await;
            page.drag(&element, 0.0, dy, Pointer::Touch).await;
            page.wait_for("the drag to land", || async { page.attr(&element, "aria-valuenow").await != before }).await;
        }
        // The bars on text follow a finger sideways.
        page.by_role("button", "Show the next token's distribution").await.click().await.unwrap();
        page.wait_for("the bars on text", || async {
            page.eval("return !!document.querySelector('.text-bar [role=slider]')").await == true
        })
        .await;
        let rest = page.by_role("slider", "P(the other 2,036)").await;
        let before = page.attr(&rest, "aria-valuenow").await;
        page.drag_sideways(&rest, 40.0, Pointer::Touch).await;
        page.wait_for("the drag to land", || async { page.attr(&rest, "aria-valuenow").await != before }).await;
        let scroll = page.number("return document.documentElement.scrollWidth;").await;
        assert!(scroll <= width, "after the drags the page is {scroll} px wide");
        assert_no_violations(&page, "on a phone, after the drags").await;
    })
    .await;
}
