//! The lesson as a learner reads it: sections in order, quizzes with progress, greedy's loop.

use e2e::{Key, Page, QUIZZES, with_page};
use fantoccini::Locator;
use model::GptCard;

async fn answer(page: &Page, question: &str, typed: &str) {
    page.answer(question, typed).await;
}

#[tokio::test]
async fn the_sections_follow_the_source_lesson() {
    with_page(|page| async move {
        page.open().await;
        let mut titles = Vec::new();
        for h in page.client.find_all(Locator::Css("main section > h2")).await.unwrap() {
            titles.push(h.text().await.unwrap());
        }
        let expected: Vec<&str> = web::sections::SECTIONS.iter().map(|(_, title)| *title).collect();
        assert_eq!(titles, expected);
        // A table of contents links every section's anchor; the header gives a reading time.
        let links = page.client.find_all(Locator::Css("nav.toc a")).await.unwrap();
        assert_eq!(links.len(), expected.len());
        for (link, title) in links.iter().zip(expected) {
            assert_eq!(link.text().await.unwrap(), title);
            let target = page.attr(link, "href").await;
            let heading = page.text(&format!("{target} > h2")).await;
            assert_eq!(heading, title);
        }
        page.wait_for("the reading time", || async {
            page.text("[data-testid=reading-time]").await.ends_with("min read")
        })
        .await;
        // Formulas are MathML, rendered by the browser.
        assert_eq!(page.client.find_all(Locator::Css(".formula math")).await.unwrap().len(), 7);
    })
    .await;
}

#[tokio::test]
async fn quizzes_check_answers_and_count_progress() {
    with_page(|page| async move {
        page.open().await;
        page.wait_for_text("[data-testid=progress]", &format!("0 / {}", e2e::QUIZZES.len())).await;
        answer(&page, QUIZZES[1].0, "half").await;
        page.wait_for_text("[data-testid=quiz-1-feedback]", "Type a number, such as 0.5 or 3.").await;
        for (i, (question, right)) in QUIZZES.iter().enumerate() {
            answer(&page, question, right).await;
            page.wait_for("the answer to be accepted", || async {
                page.text(&format!("[data-testid=quiz-{i}-feedback]")).await.starts_with("Right.")
            })
            .await;
            page.wait_for_text("[data-testid=progress]", &format!("{} / {}", i + 1, QUIZZES.len())).await;
        }
        // Answering again does not count twice.
        answer(&page, QUIZZES[0].0, "1").await;
        page.wait_for_text("[data-testid=progress]", &format!("{0} / {0}", e2e::QUIZZES.len())).await;
    })
    .await;
}

/// Whether any part of the page's visible text contains `needle`.
async fn on_screen(page: &Page, needle: &str) -> bool {
    page.eval(&format!("return document.querySelector('main').innerText.includes({needle:?});"))
        .await
        .as_bool()
        .unwrap()
}

#[tokio::test]
async fn quizzes_ask_before_they_show_then_hint_then_offer_the_answer() {
    with_page(|page| async move {
        page.open().await;
        page.wait_for_text("[data-testid=progress]", &format!("0 / {}", e2e::QUIZZES.len())).await;
        // Nothing on the page gives the temperature answers away before they are answered: the worked
        // example opens at τ = 2, and the nucleus widget away from the six-token example.
        for shown in ["0.665", "0.867", "4 / 6"] {
            assert!(!on_screen(&page, shown).await, "{shown} is on the page before its question is answered");
        }
        assert_eq!(page.text("[data-testid=tau]").await, "2.00");
        let six = page.by_role("button", "six-token example (after the question)").await;
        assert_eq!(six.prop("disabled").await.unwrap().as_deref(), Some("true"));

        // One wrong answer: a hint about the reasoning, no number, and no answer offered yet.
        let feedback = "[data-testid=quiz-3-feedback]";
        answer(&page, QUIZZES[3].0, "3").await;
        page.wait_for("a hint", || async { page.text(feedback).await.starts_with("Not quite. Hint:") }).await;
        assert!(!page.text(feedback).await.contains('4'), "the hint holds no answer");
        assert!(page.client.find(fantoccini::Locator::Css("aside.quiz .show-answer")).await.is_err());
        // Two: the answer is offered; asking for it shows it and the explanation with its numbers.
        answer(&page, QUIZZES[3].0, "6").await;
        page.wait_for("the offer", || async { page.text(feedback).await.ends_with("Try again, or show the answer.") })
            .await;
        page.by_role("button", "Show the answer").await.click().await.unwrap();
        page.wait_for("the answer", || async { page.text(feedback).await.starts_with("The answer is 4.") }).await;
        assert!(page.text(feedback).await.contains("mass 0.93"));
        assert_eq!(
            &page.text("[data-testid=progress]").await,
            &format!("0 / {}", e2e::QUIZZES.len()),
            "a shown answer is not a right one"
        );
        // Typing it then counts, and unlocks the six-token example.
        answer(&page, QUIZZES[3].0, "4").await;
        page.wait_for_text("[data-testid=progress]", &format!("1 / {}", e2e::QUIZZES.len())).await;
        page.by_role("button", "six-token example").await.click().await.unwrap();
        page.wait_for_text("[data-testid=nucleus-kept]", "4 / 6").await;
    })
    .await;
}

#[tokio::test]
async fn greedy_run_on_through_the_window_finds_its_cycle_and_sampling_does_not() {
    with_page(|page| async move {
        page.open().await;
        page.by_role("button", "Run greedy and sampling").await.click().await.unwrap();
        page.wait_for("the runs", || async {
            page.client.find(Locator::Css("[data-testid=greedy-cycle]")).await.is_ok()
        })
        .await;
        let lap = page.text("[data-testid=greedy-run] mark.cycle").await;
        let again = page.text("[data-testid=greedy-run] mark.again").await;
        let run = page.text("[data-testid=greedy-run]").await;
        let cycle = page.text("[data-testid=greedy-cycle]").await;
        // "… from symbol S on the run repeats with period P, forever."
        let number_after = |word: &str| -> usize {
            cycle.split(word).nth(1).unwrap().split(|c: char| !c.is_ascii_digit()).next().unwrap().parse().unwrap()
        };
        let (start, period) = (number_after("from symbol "), number_after("period "));
        assert_eq!(lap.chars().count(), period, "{cycle}");
        // The highlighted window read again is where the lap began: the lap, repeated, starts with it.
        let window = GptCard::shipped().unwrap().config.context;
        assert_eq!(again.chars().count(), window);
        assert!(lap.repeat(window / period + 2).starts_with(&again), "{lap} / {again}");
        // The run never resets: names follow one another, and the cycle begins at the symbol named.
        assert!(run.matches('·').count() > 2, "{run}");
        let symbols: Vec<char> = run.chars().collect();
        assert_eq!(symbols[start..start + period].iter().collect::<String>(), lap);
        assert!(page.text("[data-testid=sampled-cycle]").await.contains("never reads the same window twice"));
        assert_eq!(page.text("[data-testid=sampled-run]").await.chars().count(), symbols.len());
    })
    .await;
}

#[tokio::test]
async fn the_order_lab_asks_then_shows_each_engines_kept_set() {
    with_page(|page| async move {
        page.open().await;
        let llama = "[data-testid='worked-kept-llama.cpp']";
        assert_eq!(page.text(llama).await, "?", "hidden until its question is answered");
        assert_eq!(page.text("[data-testid='worked-kept-Hugging Face transformers']").await, "1");
        assert_eq!(page.text("[data-testid=worked-kept-vLLM]").await, "1");
        answer(&page, QUIZZES[5].0, QUIZZES[5].1).await;
        page.wait_for_text(llama, "2").await;
        // On the transformer after ·ma, each engine's kept count is the core's.
        let gpt = model::Gpt::shipped(&model::device()).unwrap();
        let context = [model::START, 13, 1];
        let logits = model::next_logits(&gpt, &context).unwrap();
        let knobs = sampling::Knobs {
            temperature: sampling::Temperature::new(0.5).unwrap(),
            top_p: sampling::TopP::new(0.8).unwrap(),
            ..sampling::Knobs::default()
        };
        for engine in sampling::Engine::ALL {
            let core = sampling::Pipeline::from_order(engine.order(), &knobs).distribution(&logits, &context);
            let kept = core.probs().iter().filter(|p| **p > 0.0).count();
            page.wait_for_text(&format!("[data-testid='model-kept-{}']", engine.name()), &kept.to_string()).await;
        }
        let field = page.by_role("textbox", "Start of a name for the engines").await;
        field.send_keys("7").await.unwrap();
        page.wait_for("the error", || async { page.text("[data-testid=engines-error]").await.contains("“7”") }).await;
    })
    .await;
}

#[tokio::test]
async fn each_newer_stage_acts_alone_on_the_transformer() {
    with_page(|page| async move {
        page.open().await;
        let gpt = model::Gpt::shipped(&model::device()).unwrap();
        let context = [model::START, 13, 1];
        let logits = model::next_logits(&gpt, &context).unwrap();
        // Min-p at its slider's end (0.5): the count the core keeps.
        let slider = page.by_role("slider", "Min-p alone on the transformer").await;
        page.press(&slider, Key::End, 1).await;
        let min_p = sampling::MinP::new(0.5).unwrap().apply(&logits).kept_count();
        page.wait_for("the min-p readout", || async {
            page.text("[data-testid=demo-min-p] .readout").await.contains(&format!("27 symbols kept → {min_p}."))
        })
        .await;
        // The repetition penalty: the penalized ·, m and a, each before and after, as the core computes them.
        let theta = page.by_role("slider", "Repetition penalty θ alone on the transformer").await;
        page.press(&theta, Key::End, 1).await;
        let after = sampling::softmax(&sampling::Penalties::new(3.0, 0.0, 0.0).unwrap().apply(&logits, &context));
        let before = sampling::softmax(&logits);
        let followed: Vec<String> = context
            .iter()
            .map(|&i| format!("{} {:.3} → {:.3}", model::Vocab.symbol(i).unwrap(), before.probs()[i], after.probs()[i]))
            .collect();
        let expected = format!("After ·ma: 27 symbols kept → 27. The penalized symbols: {}.", followed.join(", "));
        page.wait_for_text("[data-testid=demo-penalties] .readout", &expected).await;
    })
    .await;
}

#[tokio::test]
async fn progress_survives_a_reload_and_bad_storage_is_dropped() {
    with_page(|page| async move {
        page.open().await;
        answer(&page, QUIZZES[0].0, "1").await;
        answer(&page, QUIZZES[3].0, "4").await;
        page.wait_for_text("[data-testid=progress]", &format!("2 / {}", e2e::QUIZZES.len())).await;
        page.client.refresh().await.unwrap();
        page.open().await;
        page.wait_for_text("[data-testid=progress]", &format!("2 / {}", e2e::QUIZZES.len())).await;
        for (question, right) in &QUIZZES[1..3] {
            answer(&page, question, right).await;
        }
        answer(&page, QUIZZES[4].0, "2").await;
        for (question, right) in &QUIZZES[5..] {
            answer(&page, question, right).await;
        }
        page.wait_for_text("[data-testid=progress]", &format!("{0} / {0}", e2e::QUIZZES.len())).await;
        page.wait_for_text("[data-testid=complete]", "· Lesson complete: every question answered.").await;

        page.client
            .execute("localStorage.setItem('how-distributions-become-text/progress/v2', 'garbage')", vec![])
            .await
            .unwrap();
        page.client.refresh().await.unwrap();
        page.open().await;
        page.wait_for_text("[data-testid=progress]", &format!("0 / {}", e2e::QUIZZES.len())).await;
        let left = page
            .client
            .execute("return localStorage.getItem('how-distributions-become-text/progress/v2')", vec![])
            .await
            .unwrap();
        assert!(left.is_null(), "the unreadable entry is removed, found {left}");
    })
    .await;
}

async fn generate(page: &Page) -> (String, String) {
    let before = page.client.find_all(Locator::Css("[data-testid=control-runs] li")).await.unwrap().len();
    page.by_role("button", "Generate").await.click().await.unwrap();
    page.wait_for("a run", || async {
        page.client.find_all(Locator::Css("[data-testid=control-runs] li")).await.unwrap().len() > before.min(4)
            || !page.text("[data-testid=control-error]").await.is_empty()
    })
    .await;
    (
        page.text("[data-testid=control-runs] li:first-child .name").await,
        page.text("[data-testid=control-runs] li:first-child .hash").await,
    )
}

async fn set_field(page: &Page, name: &str, value: &str) {
    let field = page.by_role("textbox", name).await;
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

#[tokio::test]
async fn prompt_sampler_and_seed_decide_the_output() {
    with_page(|page| async move {
        page.open().await;
        set_field(&page, "Prompt", "jo").await;
        set_field(&page, "Seed", "11").await;
        let first = generate(&page).await;
        let again = generate(&page).await;
        assert!(first.0.starts_with("jo"), "{first:?}");
        assert_eq!(first, again, "same prompt, sampler and seed: the same bytes");
        let mut others = Vec::new();
        for seed in ["12", "13", "14"] {
            set_field(&page, "Seed", seed).await;
            others.push(generate(&page).await);
        }
        assert!(others.iter().any(|o| o.1 != first.1), "another seed takes another path: {others:?}");

        // The address now holds the last settings; opening it reproduces the run.
        let url = page.client.current_url().await.unwrap();
        assert!(url.as_str().contains("seed=14"), "{url}");
        let last = others.last().unwrap().clone();
        page.client.goto(url.as_str()).await.unwrap();
        page.open_here().await;
        assert_eq!(generate(&page).await, last);

        set_field(&page, "Prompt", "jo3").await;
        page.by_role("button", "Generate").await.click().await.unwrap();
        page.wait_for_text(
            "[data-testid=control-error]",
            "“3” (at position 2) is not allowed: the vocabulary is a–z and ·, and a prompt, the start of one name, takes \
             only a–z",
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn the_loop_steps_append_what_was_drawn() {
    with_page(|page| async move {
        page.open().await;
        page.wait_for_text("[data-testid=loop-step]", "step 1 / 12").await;
        let next = page.by_role("button", "Next step").await;
        for step in 2..=4 {
            let appended = page.text("[data-testid=loop-appended]").await;
            page.press(&next, Key::Enter, 1).await;
            page.wait_for_text("[data-testid=loop-step]", &format!("step {step} / 12")).await;
            // This step's context is the previous step's context with the drawn token appended.
            assert_eq!(page.text("[data-testid=loop-context]").await, appended);
        }
        let logits = page.text("[data-testid=loop-logits]").await;
        assert_eq!(logits.split(", ").count(), 5, "{logits}");
        page.by_role("button", "Run to the end").await.click().await.unwrap();
        page.wait_for_text("[data-testid=loop-step]", "step 12 / 12").await;
        let appended = page.text("[data-testid=loop-appended]").await;
        assert_eq!(appended.chars().count(), 13, "· and twelve drawn symbols: {appended}");
    })
    .await;
}

async fn best_score(page: &Page) -> f64 {
    page.text("[data-testid=beam-rows] tbody tr:first-child td:nth-child(3)").await.parse().unwrap()
}

async fn beam_names(page: &Page) -> Vec<String> {
    let mut names = Vec::new();
    for cell in page.client.find_all(Locator::Css("[data-testid=beam-rows] tbody td:first-child")).await.unwrap() {
        names.push(cell.text().await.unwrap());
    }
    names
}

#[tokio::test]
async fn beam_search_finds_likelier_names_than_sampling() {
    with_page(|page| async move {
        page.open().await;
        let rows = |id: &'static str| {
            let page = page.clone();
            async move { page.client.find_all(Locator::Css(&format!("[data-testid={id}] tbody tr"))).await.unwrap().len() }
        };
        assert_eq!(rows("beam-rows").await, 4);
        assert_eq!(rows("sampled-rows").await, 5);
        let slider = page.by_role("slider", "Beam width").await;
        page.press(&slider, Key::Home, 1).await;
        page.wait_for_text("[data-testid=beam-width]", "1").await;
        page.wait_for("one beam", || async { rows("beam-rows").await == 1 }).await;
        let greedy = best_score(&page).await;
        page.press(&slider, Key::End, 1).await;
        page.wait_for_text("[data-testid=beam-width]", "16").await;
        page.wait_for("sixteen beams", || async { rows("beam-rows").await == 16 }).await;
        assert!(best_score(&page).await >= greedy - 1e-9);
        // Dividing by length^α lets longer names through: the best name changes, and the mean length grows.
        page.press(&slider, Key::Home, 1).await;
        page.press(&slider, Key::Right, 3).await;
        page.wait_for_text("[data-testid=beam-width]", "4").await;
        let mean = |text: String| -> f64 { text.split("average ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap() };
        let plain_names = beam_names(&page).await;
        let plain_mean = mean(page.text("[data-testid=beam-length]").await);
        let alpha = page.by_role("slider", "Length penalty α").await;
        page.press(&alpha, Key::End, 1).await;
        page.wait_for_text("[data-testid=beam-alpha]", "1.0").await;
        page.wait_for("the names to change", || async { beam_names(&page).await != plain_names }).await;
        assert!(mean(page.text("[data-testid=beam-length]").await) > plain_mean);
        page.press(&slider, Key::End, 1).await;
        page.press(&alpha, Key::Home, 1).await;
        page.wait_for_text("[data-testid=beam-alpha]", "0.0").await;
        page.wait_for("sixteen beams", || async { rows("beam-rows").await == 16 }).await;
        // The 100-names-per-method table: greedy and beam write one name, sampling a hundred.
        let table = page.client.find_all(Locator::Css("[data-testid=decoding-table] tbody tr")).await.unwrap();
        assert_eq!(table.len(), 7);
        assert_eq!(page.text("[data-testid=decoding-table] tbody tr:first-child td:nth-child(4)").await, "1");
        assert!(page.text("[data-testid=decoding-table] caption").await.contains("precomputed by a task"));
        // Every sampled name scores below the search's best.
        let best = best_score(&page).await;
        for cell in page.client.find_all(Locator::Css("[data-testid=sampled-rows] tbody td:nth-child(3)")).await.unwrap() {
            let score: f64 = cell.text().await.unwrap().parse().unwrap();
            assert!(score < best, "a sample scored {score}, the best beam {best}");
        }
    })
    .await;
}
