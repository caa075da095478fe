//! The Shakespeare model on the page: never fetched on first load, fetched when the learner first runs it,
//! and its greedy run from a typed prompt is the native run, token for token.

use e2e::{Key, with_page};
use model::bpe::Bpe;
use model::text::{TOKENIZER, card, greedy_run, load};

/// The text of the element `css` selects, or nothing while there is none.
async fn shown(page: &e2e::Page, css: &str) -> String {
    page.eval_with(&[serde_json::json!(css)], "return document.querySelector(arguments[0])?.textContent ?? ''")
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn greedy_on_text_fetches_the_model_when_asked_and_writes_what_the_native_model_writes() {
    with_page(|page| async move {
        page.open().await;
        page.wait_for("the names models", || async {
            page.eval("return document.documentElement.dataset.models").await == "settled"
        })
        .await;
        let fetched = |page: &e2e::Page| page.requested().iter().any(|p| p.ends_with("shakespeare.bpk"));
        assert!(!fetched(&page), "not on first load: {:?}", page.requested());

        let card = card().unwrap();
        let kb = ((card.weights_bytes + card.tokenizer_bytes) as f64 / 1000.0).round();
        let prompt = "My lord, the queen is dead,\n";
        let field = page.by_role("textbox", "Prompt for the Shakespeare model").await;
        field.clear().await.unwrap();
        field.send_keys(prompt).await.unwrap();
        let button = page.by_role("button", &format!("Run greedy (fetches the model once: {kb} KB)")).await;
        button.send_keys(&Key::Enter.to_string()).await.unwrap();
        page.wait_for("the run", || async {
            shown(&page, "[data-testid=text-greedy-summary]").await.contains("greedy wrote")
        })
        .await;
        assert!(fetched(&page));
        page.by_role("button", "Run greedy").await;

        // The same run natively.
        let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/models/shakespeare.bpk")).unwrap();
        let model = load(&bytes, &model::device()).unwrap();
        let run = greedy_run(&model, &Bpe::from_json(TOKENIZER).unwrap(), prompt).unwrap();
        let ids = page
            .eval(
                "return [...document.querySelectorAll('[data-testid=text-greedy-chips] .id')].map(e => +e.textContent)",
            )
            .await;
        let native: Vec<usize> = run.tokens.iter().map(|t| t.id).collect();
        assert_eq!(ids, serde_json::json!(native));
        assert_eq!(page.text("[data-testid=text-greedy-summary]").await, web::state::text::run_summary(&run));
        assert_eq!(page.text("[data-testid=text-greedy-repeats]").await, web::state::text::repeated_summary(&run));
        let marked = shown(&page, "[data-testid=text-greedy-run] mark.cycle").await;
        let expected = run.repeat.map(|r| run.text(r.start..r.start + r.period)).unwrap_or_default();
        assert_eq!(marked, expected);
        assert_eq!(page.text("[data-testid=text-greedy-measured]").await, web::state::text::measured_summary(&card));

        // An empty prompt is a named error, and the widget goes on working.
        // Emptied as a person would, by deleting what is typed (clearing alone sends no input event).
        field.clear().await.unwrap();
        field.send_keys("x").await.unwrap();
        field.send_keys(&Key::Backspace.to_string()).await.unwrap();
        page.by_role("button", "Run greedy").await.click().await.unwrap();
        page.wait_for("the message", || async {
            shown(&page, "[data-testid=text-greedy-error]").await
                == "Type a few words first: the model continues what you write."
        })
        .await;
    })
    .await;
}

#[tokio::test]
async fn the_control_surface_on_shakespeare_writes_what_the_native_model_writes() {
    use protocol::control::{Model, Settings};
    with_page(|page| async move {
        page.open().await;
        page.by_role("radio", "Shakespeare (word pieces)").await.click().await.unwrap();
        for (name, value) in [("Prompt", "To be, or not to be"), ("Seed", "5")] {
            let field = page.by_role("textbox", name).await;
            field.clear().await.unwrap();
            field.send_keys(value).await.unwrap();
        }
        let output = "document.querySelector('[data-testid=control-runs] li:first-child .name')?.textContent ?? ''";
        let hash = "[data-testid=control-runs] li:first-child .hash";
        let generate = || async {
            page.by_role("button", "Generate").await.click().await.unwrap();
            page.wait_for("a run", || async {
                !page.eval(&format!("return {output}")).await.as_str().unwrap_or("").is_empty()
            })
            .await;
            (page.eval(&format!("return {output}")).await.as_str().unwrap_or("").to_string(), page.text(hash).await)
        };
        let shown = generate().await;

        let settings = Settings {
            model: Model::Shakespeare,
            prompt: "To be, or not to be".into(),
            seed: 5,
            ..Settings::default()
        };
        let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/models/shakespeare.bpk")).unwrap();
        let model = load(&bytes, &model::device()).unwrap();
        let native = model::text::generate(&model, &Bpe::from_json(TOKENIZER).unwrap(), &settings).unwrap();
        assert_eq!(shown, (native.text.clone(), native.hash.clone()), "the same bytes natively and in the browser");

        // The link holds the model too: opened again, it writes the same.
        let url = page.client.current_url().await.unwrap();
        assert!(url.as_str().contains("model=shakespeare"), "{url}");
        page.client.goto(url.as_str()).await.unwrap();
        page.open_here().await;
        assert_eq!(generate().await, (native.text, native.hash));
    })
    .await;
}

#[tokio::test]
async fn once_fetched_the_shakespeare_model_runs_with_the_network_gone() {
    with_page(|page| async move {
        page.open().await;
        page.wait_for("the offline copy", || async {
            page.eval("return document.documentElement.dataset.offline === 'ready';").await == true
        })
        .await;
        let card = card().unwrap();
        let kb = ((card.weights_bytes + card.tokenizer_bytes) as f64 / 1000.0).round();
        let run = page.by_role("button", &format!("Run greedy (fetches the model once: {kb} KB)")).await;
        page.press(&run, Key::Enter, 1).await;
        let summary = "[data-testid=text-greedy-summary]";
        page.wait_for("the first run", || async { shown(&page, summary).await.contains("greedy wrote") }).await;
        let first = shown(&page, summary).await;
        // The service worker holds both files (not only the browser's HTTP cache).
        let kept = "return Promise.all(['shakespeare.bpk', 'shakespeare-tokenizer.json'].map(f => \
                    caches.open('how-distributions-become-text').then(c => c.match(f)).then(r => !!r)))";
        page.wait_for("the service worker's copy", || async {
            page.eval(kept).await == serde_json::json!([true, true])
        })
        .await;

        page.stop_server();
        page.client.refresh().await.expect("the page reloads from the offline copy");
        page.open_here().await;
        let run = page.by_role("button", &format!("Run greedy (fetches the model once: {kb} KB)")).await;
        page.press(&run, Key::Enter, 1).await;
        page.wait_for("the run offline", || async { shown(&page, summary).await.contains("greedy wrote") }).await;
        assert_eq!(shown(&page, summary).await, first, "the same model, from the offline copy");
        // Still kept after the reload's own keep list, which names only the files loaded at start.
        page.wait_for("the offline copy again", || async {
            page.eval("return document.documentElement.dataset.offline === 'ready';").await == true
        })
        .await;
        assert_eq!(page.eval(kept).await, serde_json::json!([true, true]));
    })
    .await;
}

/// The shipped Shakespeare model and its tokenizer, natively.
fn native() -> (model::Gpt, Bpe) {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/models/shakespeare.bpk")).unwrap();
    (load(&bytes, &model::device()).unwrap(), Bpe::from_json(TOKENIZER).unwrap())
}

#[tokio::test]
async fn the_loop_on_text_takes_the_steps_the_native_model_and_sampler_take() {
    use web::state::text_loop::TextLoop;
    with_page(|page| async move {
        page.open().await;
        let next = page.by_role("button", "Next token").await;
        page.press(&next, Key::Enter, 1).await;
        let step = "[data-testid=text-loop-step]";
        page.wait_for("the first step", || async { shown(&page, step).await == "step 1 of 1 taken" }).await;
        let ten = page.by_role("button", "Ten more tokens").await;
        page.press(&ten, Key::Enter, 1).await;
        page.wait_for("ten more", || async { shown(&page, step).await == "step 11 of 11 taken" }).await;

        // The same eleven steps natively: the worker's answer, the page's sampler and seed.
        let (model, bpe) = native();
        let prompt = web::widgets::text::FIRST_PROMPT;
        let mut lp = TextLoop::new();
        while lp.len() < 11 {
            let Some(protocol::messages::Request::TextNext { prompt, appended }) = lp.request(prompt) else {
                panic!()
            };
            lp.take(&model::text::next(&model, &bpe, &prompt, &appended).unwrap()).unwrap();
        }
        let check = |lp: TextLoop| {
            let page = &page;
            async move {
                let s = lp.current().unwrap().clone();
                let ids = page
                    .eval("return [...document.querySelectorAll('[data-testid=text-loop-chips] .id')].map(e => +e.textContent)")
                    .await;
                assert_eq!(ids, serde_json::json!(s.context));
                assert_eq!(shown(page, "[data-testid=text-loop-chosen]").await, lp.piece(s.chosen));
                assert_eq!(shown(page, "[data-testid=text-loop-logits]").await, lp.listed(&s.logits, 2));
                for (i, stage) in s.stages.iter().enumerate() {
                    assert_eq!(shown(page, &format!("[data-testid=text-loop-stage-{i}]")).await, lp.listed(stage, 3));
                }
                assert_eq!(shown(page, "[data-testid=text-loop-appended]").await, lp.appended_text().concat());
                assert_eq!(shown(page, "[data-testid=text-loop-window]").await, lp.window_line(128));
            }
        };
        check(lp.clone()).await;
        let back = page.by_role("button", "Previous token").await;
        page.press(&back, Key::Enter, 3).await;
        page.wait_for("three back", || async { shown(&page, step).await == "step 8 of 11 taken" }).await;
        let mut earlier = lp.clone();
        (0..3).for_each(|_| earlier.back());
        check(earlier).await;
        // Forward again replays what was drawn: nothing new is asked, nothing changes.
        page.press(&next, Key::Enter, 3).await;
        page.wait_for("three forward", || async { shown(&page, step).await == "step 11 of 11 taken" }).await;
        check(lp).await;
    })
    .await;
}

#[tokio::test]
async fn the_bars_on_text_cut_the_tail_of_the_whole_vocabulary_as_the_native_state_does() {
    use web::state::text_bars::{Slot, TextBars};
    with_page(|page| async move {
        page.open().await;
        let show = page.by_role("button", "Show the next token's distribution").await;
        page.press(&show, Key::Enter, 1).await;
        let tail = "[data-testid=text-bars-tail]";
        page.wait_for("the bars", || async { !shown(&page, tail).await.is_empty() }).await;

        let (model, bpe) = native();
        let next = model::text::next(&model, &bpe, web::widgets::text_bars::FIRST_PROMPT, &[]).unwrap();
        let mut bars = TextBars::new(&next).unwrap();
        let rest = format!("P({})", bars.label(Slot::Rest));
        assert_eq!(shown(&page, tail).await, bars.tail_line());
        assert_eq!(shown(&page, "[data-testid=text-bars-argmax]").await, bars.piece(bars.argmax()));

        // Top-k to 50 by keyboard: ten positions down from off (…, 50, 60, 80, 100, 150, 200, 300, 500,
        // 1000, 1500, off).
        let k = page.by_role("slider", "Top-k for the bars on text").await;
        page.press(&k, Key::Left, 10).await;
        bars.set_top_k(sampling::TopK::new(50));
        page.wait_for("top-k", || async { shown(&page, "[data-testid=text-bars-alive]").await == "50 of 2,048" }).await;
        assert_eq!(shown(&page, tail).await, bars.tail_line());

        // The rest of the vocabulary dragged up by keyboard: five steps of 0.01.
        let rest_bar = page.by_role("slider", &rest).await;
        page.press(&rest_bar, Key::Up, 5).await;
        (0..5).for_each(|_| bars.nudge(Slot::Rest, 0.01));
        let now = format!("{:.3}", bars.before(Slot::Rest));
        page.wait_for("the rest's mass", || async { page.attr(&rest_bar, "aria-valuenow").await == now }).await;
        assert_eq!(shown(&page, tail).await, bars.tail_line());

        // Draws from the seeded generator land where the native draws do.
        page.by_role("button", "Draw 10,000 tokens").await.click().await.unwrap();
        bars.draw(10_000);
        let drawn = format!("drawn {:.3}", bars.drawn(Slot::Rest).unwrap());
        page.wait_for("the draws", || async { page.attr(&rest_bar, "aria-valuetext").await.ends_with(&drawn) }).await;
    })
    .await;
}

/// The cells of a table of lines on the page, row by row, as the learner reads them.
async fn line_rows(page: &e2e::Page, testid: &str) -> serde_json::Value {
    page.eval_with(
        &[serde_json::json!(format!("[data-testid={testid}] tbody tr"))],
        "return [...document.querySelectorAll(arguments[0])].map(r => [...r.children].map(c => c.textContent))",
    )
    .await
}

/// The rows the native state builds from the native search, as the page lays them out.
fn native_rows(found: &model::text::TextBeams) -> [serde_json::Value; 2] {
    let (beams, sampled) = web::state::text_beam::rows(found);
    let cells = |rows: Vec<web::state::text_beam::LineRow>| {
        serde_json::json!(
            rows.into_iter()
                .map(|r| vec![r.label, r.text, r.tokens.to_string(), r.log_prob, r.per_token, r.repeated.to_string()])
                .collect::<Vec<_>>()
        )
    };
    [cells(beams), cells(sampled)]
}

#[tokio::test]
async fn beam_search_on_text_finds_by_keyboard_the_lines_the_native_search_finds() {
    use web::state::text_beam::{beams_heading, summary};
    with_page(|page| async move {
        page.open().await;
        let card = card().unwrap();
        let kb = ((card.weights_bytes + card.tokenizer_bytes) as f64 / 1000.0).round();
        let (model, bpe) = native();
        let prompt = web::widgets::text::FIRST_PROMPT;
        let field = page.by_role("textbox", "Prompt for beam search on text").await;
        assert_eq!(field.prop("value").await.unwrap().unwrap_or_default(), prompt);
        let width = page.by_role("slider", "Beam width on text").await;
        assert_eq!(shown(&page, "[data-testid=text-beam-width]").await, "16");
        let search = page.by_role("button", &format!("Search (fetches the model once: {kb} KB)")).await;
        page.press(&search, Key::Enter, 1).await;
        let said = "[data-testid=text-beam-summary]";
        page.wait_for("the lines", || async { !shown(&page, said).await.is_empty() }).await;
        let check = |found: model::text::TextBeams| {
            let page = &page;
            async move {
                let [beams, sampled] = native_rows(&found);
                assert_eq!(line_rows(page, "text-beam-rows").await, beams);
                assert_eq!(line_rows(page, "text-sampled-rows").await, sampled);
                assert_eq!(shown(page, said).await, summary(&found, card.validation_loss));
                assert_eq!(shown(page, ".text-beam h3").await, beams_heading(&found));
            }
        };
        let short = model::text::beam_lines(&model, &bpe, prompt, 16, 0.0).unwrap();
        check(short.clone()).await;

        // α to 1 by keyboard: letting go of the slider searches again. The line grows and repeats itself.
        let alpha = page.by_role("slider", "Length penalty α on text").await;
        page.press(&alpha, Key::End, 1).await;
        let long = model::text::beam_lines(&model, &bpe, prompt, 16, 1.0).unwrap();
        let heading = beams_heading(&long);
        page.wait_for("α = 1", || async { shown(&page, ".text-beam h3").await == heading }).await;
        check(long.clone()).await;
        assert!(long.beams[0].tokens.len() > short.beams[0].tokens.len());
        assert!(long.beams[0].repeated() >= 4, "{:?}", long.beams[0].text());

        // Four beams, from another prompt typed into the field.
        page.press(&width, Key::Left, 12).await;
        let field = page.by_role("textbox", "Prompt for beam search on text").await;
        field.clear().await.unwrap();
        field.send_keys("My lord,").await.unwrap();
        page.press(&page.by_role("button", "Search").await, Key::Enter, 1).await;
        let four = model::text::beam_lines(&model, &bpe, "My lord,", 4, 1.0).unwrap();
        let heading = beams_heading(&four);
        page.wait_for("four beams", || async { shown(&page, ".text-beam h3").await == heading }).await;
        check(four).await;

        // No prompt: a named error in the widget, and the widget still searches afterwards.
        page.press(&field, Key::Backspace, "My lord,".len()).await;
        page.press(&page.by_role("button", "Search").await, Key::Enter, 1).await;
        page.wait_for_text("[data-testid=text-beam-error]", &model::ModelError::EmptyPrompt.to_string()).await;
        field.send_keys("My lord,").await.unwrap();
        page.press(&page.by_role("button", "Search").await, Key::Enter, 1).await;
        page.wait_for("the lines again", || async { shown(&page, ".text-beam h3").await == heading }).await;
    })
    .await;
}

#[tokio::test]
async fn the_decoding_table_on_text_is_the_committed_one_read_in_its_own_numbers() {
    with_page(|page| async move {
        page.open().await;
        let table = model::text_decoding::shipped_text_table().unwrap();
        let cells = page
            .eval(
                "return [...document.querySelectorAll('[data-testid=text-decoding-table] tbody tr')]\
                   .map(r => [...r.children].map(c => c.textContent))",
            )
            .await;
        assert_eq!(cells, serde_json::json!(web::state::beam::text_rows(&table)));
        let said = web::state::beam::text_table_summary(&table, card().unwrap().parameters);
        assert_eq!(page.text("[data-testid=text-decoding-summary]").await, said);
    })
    .await;
}

#[tokio::test]
async fn the_kv_cache_on_text_steps_through_a_run_by_keyboard_and_measures_both_paths() {
    use web::state::text_kv::TextKv;
    with_page(|page| async move {
        page.open().await;
        let card = card().unwrap();
        let kb = ((card.weights_bytes + card.tokenizer_bytes) as f64 / 1000.0).round();
        let record = page.by_role("button", &format!("Record a run (fetches the model once: {kb} KB)")).await;
        page.press(&record, Key::Enter, 1).await;
        let chips = "return document.querySelectorAll('[data-testid=text-kv-chips] li').length";
        page.wait_for("the run", || async { page.eval(chips).await == 1 }).await;

        // The same run natively, and the state the page should be in after each move.
        let (model, bpe) = native();
        let run = model::text::kv_run(&model, &bpe, web::widgets::text::FIRST_PROMPT).unwrap();
        let mut kv = TextKv::new(card.config.clone());
        kv.take(run);
        let check = |kv: TextKv| {
            let page = &page;
            async move {
                let shown_chips = page
                    .eval("return [...document.querySelectorAll('[data-testid=text-kv-chips] li')].map(e => [e.textContent, e.className])")
                    .await;
                let expected: Vec<[String; 2]> = kv.chips().iter().map(|c| [c.shown.clone(), c.class().to_string()]).collect();
                assert_eq!(shown_chips, serde_json::json!(expected));
                assert_eq!(shown(page, "[data-testid=text-kv-step]").await, kv.step_line());
                assert_eq!(shown(page, "[data-testid=text-kv-memory]").await, kv.memory_line());
                assert_eq!(shown(page, "[data-testid=text-kv-ratio]").await, format!("{:.1}×", kv.flop_ratio()));
            }
        };
        check(kv.clone()).await;
        // To t = 64 by keyboard: 63 steps right.
        let t = page.by_role("slider", "Step t on text").await;
        page.press(&t, Key::Right, 63).await;
        kv.set_t(64);
        page.wait_for_text("[data-testid=text-kv-t]", "64").await;
        check(kv.clone()).await;
        // The cache off: every row computed, nothing kept.
        page.press(&page.by_role("button", "KV cache on text").await, Key::Enter, 1).await;
        kv.set_cache(protocol::Cache::Off);
        page.wait_for("the cache off", || async { shown(&page, "[data-testid=text-kv-memory]").await == kv.memory_line() }).await;
        check(kv.clone()).await;
        // The work table is the state's, from the model's shape.
        let cells = page
            .eval("return [...document.querySelectorAll('[data-testid=text-kv-work] tbody tr')].map(r => [...r.children].map(c => c.textContent))")
            .await;
        let expected: Vec<Vec<String>> = web::state::text_kv::work_table(&card.config)
            .into_iter()
            .map(|(part, cells)| std::iter::once(part).chain(cells).collect())
            .collect();
        assert_eq!(cells, serde_json::json!(expected));

        // Measured in this browser: a prediction first, then the two paths timed over the same 128 tokens.
        page.by_role_in(".kv-text", "radio", "about the FLOP ratio (within 15 %)").await.click().await.unwrap();
        page.press(&page.by_role("button", "Measure both paths on text").await, Key::Enter, 1).await;
        page.wait_for("the measurement", || async {
            shown(&page, "[data-testid=text-kv-measured]").await.starts_with("128 tokens: cache on")
        })
        .await;
        assert!(!shown(&page, "[data-testid=text-kv-reveal]").await.is_empty());
        let said = shown(&page, "[data-testid=text-kv-measured]").await;
        let difference: f64 = said.rsplit(": ").next().unwrap().trim_end_matches('.').parse().unwrap();
        assert!(difference < 1e-3, "{said}");
    })
    .await;
}
