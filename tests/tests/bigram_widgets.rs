//! The two distribution widgets on the real bigram: drag, slide, sample, cut.

use e2e::{Key, Page, Pointer, with_page};
use fantoccini::Locator;
use model::{Bigram, Gpt, START, device, next_logits};
use sampling::{Logits, Nucleus, Sampler, Temperature, TopK, TopP};

/// One bar as a screen reader hears it: its value before and after the transforms, and how often it
/// has been drawn.
#[derive(Debug, Clone, Copy)]
struct BarReading {
    before: f64,
    after: f64,
    drawn: Option<f64>,
}

fn number_after(text: &str, key: &str) -> Option<f64> {
    let rest = &text[text.find(key)? + key.len()..];
    rest.trim_start().split(|c: char| c == ';' || c.is_whitespace()).next()?.parse().ok()
}

async fn bars(page: &Page) -> Vec<BarReading> {
    let elements = page.client.find_all(Locator::Css("svg.bars g[role=slider]")).await.unwrap();
    let mut out = Vec::new();
    for element in elements {
        let text = page.attr(&element, "aria-valuetext").await;
        out.push(BarReading {
            before: number_after(&text, "=").unwrap_or_else(|| panic!("no value in {text}")),
            after: number_after(&text, "after the transforms").unwrap_or_else(|| panic!("no after in {text}")),
            drawn: number_after(&text, "drawn"),
        });
    }
    assert_eq!(out.len(), 27, "one bar per symbol");
    out
}

async fn context(page: &Page) -> usize {
    let select = page.by_role("combobox", "Context").await;
    select.prop("value").await.unwrap().unwrap().parse().unwrap()
}

/// P(argmax) of the bigram's row after `context` at temperature `tau`, as the core computes it.
fn core_p_argmax(context: usize, tau: f64, k: TopK) -> String {
    let row = Bigram::shipped(&device()).unwrap().row(context).unwrap();
    let dist = Sampler::new(Temperature::new(tau).unwrap(), k, TopP::OFF).distribution(&row);
    format!("{:.3}", dist.probs()[dist.argmax()])
}

/// The top value of the bars' probability axis.
async fn scale_top(page: &Page) -> f64 {
    page.number(
        "const labels = [...document.querySelectorAll('svg.bars .axes .tick-label')].map(t => parseFloat(t.textContent)); \
         return Math.max(...labels);",
    )
    .await
}

/// The probability axis fits the row, holds still while a bar is dragged past its top, grows when it is
/// let go, and fits again when the context changes.
#[tokio::test]
async fn the_scale_fits_the_row_and_makes_room_when_a_bar_is_let_go_at_the_top() {
    with_page(|page| async move {
        page.open().await;
        let fitted = scale_top(&page).await;
        let tallest = bars(&page).await.iter().map(|b| b.after.max(b.before)).fold(0.0, f64::max);
        assert!(fitted < 1.0 && fitted >= 1.1 * tallest - 1e-3, "fitted to {fitted} over a tallest bar of {tallest}");
        let bar = page.by_role("slider", "P(e)").await;
        let height = page
            .eval_with(&[serde_json::to_value(&bar).unwrap()], "return arguments[0].getBoundingClientRect().height;")
            .await;
        let height = height.as_f64().expect("a height");
        // Press in the middle, go past the top, and hold: the scale stays.
        let path = [-0.3 * height, -0.7 * height, -0.7 * height];
        page.drag_along(&bar, 0.0, &path, std::time::Duration::from_millis(30), Pointer::Mouse).await;
        page.wait_for("the scale to grow once let go", || async { scale_top(&page).await > fitted }).await;
        let grown = scale_top(&page).await;
        let value: f64 = page.attr(&bar, "aria-valuenow").await.parse().unwrap();
        assert!((value - fitted).abs() < 0.01, "the drag stopped at the old top {fitted}: {value}");
        assert!(grown >= 1.1 * value - 1e-3, "grown to {grown} above {value}");
        // Another context: fitted to its row again.
        let other = (context(&page).await + 1) % 27;
        page.by_role("combobox", "Context").await.select_by_value(&other.to_string()).await.unwrap();
        page.wait_for("the other context", || async { context(&page).await == other }).await;
        page.wait_for("a scale fitted to the new row", || async {
            let tallest = bars(&page).await.iter().map(|b| b.after.max(b.before)).fold(0.0, f64::max);
            scale_top(&page).await == web::state::bars::scale_top_for(tallest)
        })
        .await;
    })
    .await;
}

#[tokio::test]
async fn dragging_a_bar_sets_it_and_renormalizes_the_rest() {
    with_page(|page| async move {
        page.open().await;
        let before = bars(&page).await;
        let bar = page.by_role("slider", "P(e)").await;
        // From the middle of its column to near the top of the fitted scale.
        let height = page
            .eval_with(&[serde_json::to_value(&bar).unwrap()], "return arguments[0].getBoundingClientRect().height;")
            .await;
        let near_top = -0.45 * height.as_f64().expect("a height");
        page.drag(&bar, 0.0, near_top, Pointer::Mouse).await;
        page.wait_for("the drag to land", || async { bars(&page).await[5].before != before[5].before }).await;
        let after = bars(&page).await;
        assert!(after[5].before > before[5].before + 0.05, "{:?} -> {:?}", before[5], after[5]);
        let total: f64 = after.iter().map(|b| b.before).sum();
        assert!((total - 1.0).abs() < 0.02, "the row sums to {total}");
        // The others keep their ratios: compare the two largest of them.
        let mut others: Vec<usize> = (0..27).filter(|&i| i != 5).collect();
        others.sort_by(|&a, &b| before[b].before.total_cmp(&before[a].before));
        let (i, j) = (others[0], others[1]);
        let ratio = |r: &[BarReading]| r[i].before / r[j].before;
        assert!((ratio(&before) - ratio(&after)).abs() / ratio(&before) < 0.05);
        assert!(after[i].before < before[i].before);
        // Reset brings the model's row back.
        page.by_role("button", "Reset row").await.click().await.unwrap();
        page.wait_for("the reset", || async { (bars(&page).await[5].before - before[5].before).abs() < 1e-9 }).await;
        // A finger does the same.
        page.drag(&bar, 0.0, near_top, Pointer::Touch).await;
        page.wait_for("the touch drag", || async { bars(&page).await[5].before > before[5].before + 0.05 }).await;
    })
    .await;
}

#[tokio::test]
async fn a_bar_is_a_keyboard_slider() {
    with_page(|page| async move {
        page.open().await;
        let bar = page.by_role("slider", "P(a)").await;
        let start: f64 = page.attr(&bar, "aria-valuenow").await.parse().unwrap();
        page.press(&bar, Key::Up, 5).await;
        let expected = format!("{:.3}", start + 0.05);
        page.wait_for("five steps up", || async { page.attr(&bar, "aria-valuenow").await == expected }).await;
        page.press(&bar, Key::End, 1).await;
        page.wait_for("the top", || async { page.attr(&bar, "aria-valuenow").await == "1.000" }).await;
        page.wait_for_text("[data-testid=bars-argmax]", "a").await;
    })
    .await;
}

#[tokio::test]
async fn temperature_moves_p_argmax_but_never_the_argmax() {
    with_page(|page| async move {
        page.open().await;
        let context = context(&page).await;
        let argmax = page.text("[data-testid=bars-argmax]").await;
        page.wait_for_text("[data-testid=bars-p-argmax]", &core_p_argmax(context, 1.0, TopK::OFF)).await;
        let slider = page.by_role("slider", "Temperature for the bars").await;
        for (key, times) in [(Key::Left, 20), (Key::Right, 45), (Key::Home, 1), (Key::End, 1)] {
            page.press(&slider, key, times).await;
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            let tau: f64 = page.text("[data-testid=bars-tau]").await.parse().unwrap();
            page.wait_for_text("[data-testid=bars-p-argmax]", &core_p_argmax(context, tau, TopK::OFF)).await;
            assert_eq!(page.text("[data-testid=bars-argmax]").await, argmax, "τ = {tau} moved the argmax");
        }
        assert_eq!(page.text("[data-testid=bars-tau]").await, "5.00");
    })
    .await;
}

#[tokio::test]
async fn a_prediction_is_asked_before_the_cold_temperature_shows_it() {
    with_page(|page| async move {
        page.open().await;
        let context = context(&page).await;
        assert_eq!(page.text("[data-testid=bars-reveal]").await, "");
        page.by_role("radio", "over 0.9").await.click().await.unwrap();
        page.wait_for("the instruction", || async {
            page.text("[data-testid=bars-reveal]").await.starts_with("Now drag τ")
        })
        .await;
        // The slider's fourth step is τ = 0.2.
        let slider = page.by_role("slider", "Temperature for the bars").await;
        page.press(&slider, Key::Home, 1).await;
        page.press(&slider, Key::Right, 3).await;
        page.wait_for_text("[data-testid=bars-tau]", "0.20").await;
        let p = core_p_argmax(context, 0.2, TopK::OFF);
        page.wait_for("the reveal", || async { page.text("[data-testid=bars-reveal]").await.contains(&p) }).await;
        let reveal = page.text("[data-testid=bars-reveal]").await;
        let right = p.parse::<f64>().unwrap() >= 0.9;
        assert_eq!(reveal.ends_with("as you predicted."), right, "{reveal}");
        assert!(reveal.starts_with("You predicted over 0.9."), "{reveal}");
    })
    .await;
}

#[tokio::test]
async fn the_bars_show_the_transformer_after_a_typed_prefix() {
    with_page(|page| async move {
        page.open().await;
        page.by_role("button", "Transformer").await.click().await.unwrap();
        let field = page.by_role("textbox", "Start of a name").await;
        field.send_keys("ma").await.unwrap();
        page.wait_for_text("[data-testid=bars-source]", "The transformer's distribution of the symbol after ·ma.")
            .await;
        // Every bar is the model's logits through the sampler, as the core computes them.
        let gpt = Gpt::shipped(&device()).unwrap();
        let logits = next_logits(&gpt, &[START, 13, 1]).unwrap();
        let expected: Vec<String> =
            Sampler::default().distribution(&logits).probs().iter().map(|p| format!("{p:.3}")).collect();
        let shown = || async { bars(&page).await.iter().map(|b| format!("{:.3}", b.after)).collect::<Vec<_>>() };
        page.wait_for("the transformer's bars", || async { shown().await == expected }).await;
        // Temperature, a drag and samples work the same on it.
        let slider = page.by_role("slider", "Temperature for the bars").await;
        page.press(&slider, Key::Left, 10).await;
        let tau: f64 = page.text("[data-testid=bars-tau]").await.parse().unwrap();
        let cooled = Sampler::new(Temperature::new(tau).unwrap(), TopK::OFF, TopP::OFF).distribution(&logits);
        page.wait_for_text("[data-testid=bars-p-argmax]", &format!("{:.3}", cooled.probs()[cooled.argmax()])).await;
        let before = bars(&page).await;
        page.drag(&page.by_role("slider", "P(e)").await, 0.0, -30.0, Pointer::Mouse).await;
        page.wait_for("the drag", || async { bars(&page).await[5].before > before[5].before + 0.02 }).await;
        page.by_role("button", "Draw 100").await.click().await.unwrap();
        page.wait_for_text("[data-testid=bars-samples]", "100").await;
        // A symbol outside a–z is named and the bars stay as they were.
        field.send_keys("1").await.unwrap();
        page.wait_for("the error", || async { page.text("[data-testid=bars-prefix-error]").await.contains("“1”") })
            .await;
        assert_eq!(
            page.text("[data-testid=bars-source]").await,
            "The transformer's distribution of the symbol after ·ma."
        );
        page.by_role("button", "Bigram").await.click().await.unwrap();
        page.wait_for("the bigram again", || async {
            page.text("[data-testid=bars-source]").await.starts_with("The bigram's")
        })
        .await;
        assert_eq!(page.text("[data-testid=bars-prefix-error]").await, "");
    })
    .await;
}

/// The token whose stretch of the strip `testid` holds the mark of u, and u.
async fn landed(page: &Page, testid: &str) -> (usize, f64) {
    let mark = page.client.find(Locator::Css(&format!("[data-testid={testid}] line.u-mark"))).await.unwrap();
    let u: f64 = page.attr(&mark, "data-u").await.parse().unwrap();
    for rect in page.client.find_all(Locator::Css(&format!("[data-testid={testid}] rect.stretch"))).await.unwrap() {
        let start: f64 = page.attr(&rect, "data-start").await.parse().unwrap();
        let end: f64 = page.attr(&rect, "data-end").await.parse().unwrap();
        if start <= u && u < end {
            return (page.attr(&rect, "data-token").await.parse().unwrap(), u);
        }
    }
    panic!("u = {u} lands in no stretch of {testid}");
}

#[tokio::test]
async fn the_mark_of_u_lands_in_the_drawn_tokens_stretch() {
    with_page(|page| async move {
        page.open().await;
        assert!(page.client.find(Locator::Css("[data-testid=bars-strip] line.u-mark")).await.is_err(), "no draw yet");
        page.by_role("button", "Draw 1").await.click().await.unwrap();
        page.wait_for_text("[data-testid=bars-samples]", "1").await;
        let (token, u) = landed(&page, "bars-strip").await;
        let drawn: Vec<usize> =
            bars(&page).await.iter().enumerate().filter(|(_, b)| b.drawn == Some(1.0)).map(|(i, _)| i).collect();
        assert_eq!(drawn, vec![token], "u = {u}");
        // Seeded: after a reload the first draw makes the same mark.
        page.client.refresh().await.unwrap();
        page.open().await;
        page.by_role("button", "Draw 1").await.click().await.unwrap();
        page.wait_for_text("[data-testid=bars-samples]", "1").await;
        assert_eq!(landed(&page, "bars-strip").await, (token, u));
        // In the loop too, every step's u lands in the drawn symbol's stretch.
        let next = page.by_role("button", "Next step").await;
        for _ in 0..4 {
            let (token, _) = landed(&page, "loop-strip").await;
            assert_eq!(model::Vocab.symbol(token).unwrap().to_string(), page.text("[data-testid=loop-chosen]").await);
            next.click().await.unwrap();
        }
    })
    .await;
}

#[tokio::test]
async fn top_k_of_one_leaves_one_bar() {
    with_page(|page| async move {
        page.open().await;
        let slider = page.by_role("slider", "Top-k").await;
        page.press(&slider, Key::Home, 1).await;
        page.wait_for_text("[data-testid=bars-k]", "1").await;
        page.wait_for_text("[data-testid=bars-p-argmax]", "1.000").await;
        page.wait_for_text("[data-testid=stage-final]", "1").await;
        let readings = bars(&page).await;
        assert_eq!(readings.iter().filter(|b| b.after > 0.0).count(), 1);
        // Back up to 5: five bars, with the core's P(argmax).
        page.press(&slider, Key::Right, 4).await;
        page.wait_for_text("[data-testid=bars-k]", "5").await;
        let context = context(&page).await;
        page.wait_for_text("[data-testid=bars-p-argmax]", &core_p_argmax(context, 1.0, TopK::new(5))).await;
        assert_eq!(bars(&page).await.iter().filter(|b| b.after > 0.0).count(), 5);
    })
    .await;
}

#[tokio::test]
async fn ten_thousand_draws_land_on_the_bars() {
    with_page(|page| async move {
        page.open().await;
        page.by_role("button", "Draw 10,000").await.click().await.unwrap();
        page.wait_for_text("[data-testid=bars-samples]", "10000").await;
        for (i, bar) in bars(&page).await.iter().enumerate() {
            let drawn = bar.drawn.unwrap_or_else(|| panic!("bar {i} shows no samples"));
            assert!((drawn - bar.after).abs() <= 0.02, "bar {i}: drawn {drawn}, target {}", bar.after);
        }
        let tv: f64 = page.text("[data-testid=bars-tv]").await.parse().unwrap();
        assert!(tv < 0.05, "total-variation distance {tv}");
        // Any change of setting starts the count again.
        page.press(&page.by_role("slider", "Top-k").await, Key::Left, 1).await;
        page.wait_for_text("[data-testid=bars-samples]", "0").await;
    })
    .await;
}

#[tokio::test]
async fn play_streams_samples_until_paused() {
    with_page(|page| async move {
        page.open().await;
        let play = page.by_role("button", "Play samples").await;
        play.click().await.unwrap();
        page.wait_for("samples to stream", || async {
            page.text("[data-testid=bars-samples]").await.parse::<u64>().unwrap_or(0) >= 1000
        })
        .await;
        page.by_role("button", "Pause samples").await.click().await.unwrap();
        let paused = page.text("[data-testid=bars-samples]").await;
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert_eq!(page.text("[data-testid=bars-samples]").await, paused, "nothing is drawn while paused");
    })
    .await;
}

/// The nucleus of the lesson's six-token example at `p`, as the core computes it: (size, kept mass).
fn core_nucleus(p: f64) -> (String, String) {
    let dist = sampling::examples::six_tokens();
    let nucleus = Nucleus::new(&dist, TopP::new(p).unwrap());
    (nucleus.size().to_string(), format!("{:.3}", nucleus.kept_mass()))
}

async fn assert_nucleus_matches_core(page: &Page) {
    let p: f64 = page.text("[data-testid=nucleus-p]").await.parse().unwrap();
    let (size, mass) = core_nucleus(p);
    page.wait_for_text("[data-testid=nucleus-size]", &size).await;
    page.wait_for_text("[data-testid=nucleus-kept]", &format!("{size} / 6")).await;
    page.wait_for_text("[data-testid=nucleus-mass]", &mass).await;
}

#[tokio::test]
async fn the_p_line_cuts_the_nucleus() {
    with_page(|page| async move {
        page.open().await;
        // The six-token example opens once its question is answered.
        page.answer(e2e::QUIZZES[3].0, e2e::QUIZZES[3].1).await;
        page.by_role("button", "six-token example").await.click().await.unwrap();
        page.wait_for_text("[data-testid=nucleus-p]", "0.90").await;
        page.wait_for_text("[data-testid=nucleus-size]", "4").await;
        page.wait_for_text("[data-testid=nucleus-kept]", "4 / 6").await;
        page.wait_for_text("[data-testid=nucleus-mass]", "0.930").await;

        let line = page.by_role("slider", "p threshold").await;
        page.press(&line, Key::Up, 4).await;
        page.wait_for_text("[data-testid=nucleus-p]", "0.94").await;
        page.wait_for_text("[data-testid=nucleus-size]", "5").await;
        assert_nucleus_matches_core(&page).await;
        page.press(&line, Key::Down, 40).await;
        page.wait_for_text("[data-testid=nucleus-p]", "0.54").await;
        page.wait_for_text("[data-testid=nucleus-kept]", "2 / 6").await;
        assert_nucleus_matches_core(&page).await;

        // A mouse drag down lowers p; a finger drag up raises it.
        page.drag(&line, 0.0, 60.0, Pointer::Mouse).await;
        page.wait_for("the mouse drag", || async { page.text("[data-testid=nucleus-p]").await != "0.54" }).await;
        let lowered: f64 = page.text("[data-testid=nucleus-p]").await.parse().unwrap();
        assert!(lowered < 0.54, "{lowered}");
        assert_nucleus_matches_core(&page).await;
        page.drag(&line, 0.0, -120.0, Pointer::Touch).await;
        page.wait_for("the touch drag", || async {
            page.text("[data-testid=nucleus-p]").await.parse::<f64>().unwrap_or(0.0) > lowered + 0.1
        })
        .await;
        assert_nucleus_matches_core(&page).await;
        assert_eq!(page.attr(&line, "aria-valuenow").await, page.text("[data-testid=nucleus-p]").await);
    })
    .await;
}

#[tokio::test]
async fn presets_reshape_the_nucleus() {
    with_page(|page| async move {
        page.open().await;
        page.by_role("button", "confident").await.click().await.unwrap();
        page.wait_for_text("[data-testid=nucleus-kept]", "1 / 8").await;
        page.by_role("button", "long-tailed").await.click().await.unwrap();
        page.wait_for("a wide nucleus", || async {
            page.text("[data-testid=nucleus-size]").await.parse::<usize>().unwrap_or(0) > 15
        })
        .await;
        page.by_role("button", "the bars' row").await.click().await.unwrap();
        // The bigram row's nucleus at p = 0.9, from the core.
        let context = context(&page).await;
        let row = Bigram::shipped(&device()).unwrap().row(context).unwrap();
        let dist = Sampler::default().distribution(&Logits::new(row.as_slice().to_vec()).unwrap());
        let nucleus = Nucleus::new(&dist, TopP::new(0.9).unwrap());
        page.wait_for_text("[data-testid=nucleus-kept]", &format!("{} / 27", nucleus.size())).await;
        page.wait_for_text("[data-testid=nucleus-mass]", &format!("{:.3}", nucleus.kept_mass())).await;
    })
    .await;
}

#[tokio::test]
async fn a_phone_wide_page_does_not_scroll_sideways() {
    with_page(|page| async move {
        page.client.set_window_size(390, 844).await.unwrap();
        page.open().await;
        let inner = page.number("return window.innerWidth").await;
        let overflow =
            page.number("return document.documentElement.scrollWidth - document.documentElement.clientWidth").await;
        assert!(inner <= 400.0, "the window is {inner} px wide");
        assert!(overflow <= 0.0, "the page scrolls sideways by {overflow} px");
    })
    .await;
}
