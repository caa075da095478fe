//! The shipped Shakespeare model against its card: the weights are the card's, its loss on the start of
//! the validation works is the card's figure, greedy decoding from the card's first prompts ends where the
//! card says, and the worker answers a greedy run from any typed text with a run or a named error.

use model::bpe::Bpe;
use model::serve::Worker;
use model::text::{
    LINE_TOKENS, MAX_PROMPT, MAX_TEXT_BEAM, MEASURED_PROMPTS, TOKENIZER, TextCard, card, greedy_run, load,
    measure_greedy, running_nll, validation_prompts,
};
use model::{ModelError, device};
use protocol::messages::{Reply, Request, Status, Which};

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn weights() -> Vec<u8> {
    std::fs::read(root().join("assets/models/shakespeare.bpk")).unwrap()
}

fn tokens_file() -> Vec<u8> {
    std::fs::read(root().join("assets/models/shakespeare-tokenizer.json")).unwrap()
}

fn validation() -> String {
    std::fs::read_to_string(root().join("assets/corpus/shakespeare/validation.txt")).unwrap()
}

fn clock() -> f64 {
    0.0
}

#[test]
fn the_card_meets_the_target_and_its_head_loss_is_reproduced_from_the_shipped_weights() {
    let card = card().unwrap();
    assert!(card.validation_loss_per_character <= 1.75, "{}", card.validation_loss_per_character);
    assert!(card.validation_loss_per_character < card.token_bigram_per_character);
    assert!((1_000_000..=3_000_000).contains(&card.parameters), "{}", card.parameters);
    assert!(card.config.context >= 128);
    assert!(card.training_seconds <= 3600.0);

    let model = load(&weights(), &device()).unwrap();
    let bpe = Bpe::from_json(TOKENIZER).unwrap();
    let tokens = bpe.encode(&validation());
    assert_eq!(tokens.len(), card.validation_tokens);
    let (nll, scored) = running_nll(&model, &tokens[..TextCard::HEAD_TOKENS], card.config.context, 32).unwrap();
    let head = nll / scored as f64;
    assert!((head - card.head_loss).abs() < 1e-3, "{head} against the card's {}", card.head_loss);
}

#[test]
fn greedy_from_the_first_prompts_ends_where_the_card_says() {
    let card = card().unwrap();
    let prompts = validation_prompts(&validation(), MEASURED_PROMPTS);
    assert_eq!(prompts, card.greedy.prompts);
    let model = load(&weights(), &device()).unwrap();
    let bpe = Bpe::from_json(TOKENIZER).unwrap();
    let first = measure_greedy(&model, &bpe, &prompts[..4]).unwrap();
    assert_eq!(first.repeats, card.greedy.repeats[..4]);
    assert_eq!(first.window, card.config.context);
}

#[test]
fn the_worker_runs_greedy_on_text_once_loaded_and_names_what_it_cannot_take() {
    let mut worker = Worker::new();
    let ask = |prompt: &str| Request::TextGreedy { prompt: prompt.into() };
    assert!(worker.is_waiting_for(&ask("O")));
    let Reply::Failed(why) = worker.handle(ask("O"), &clock) else { panic!() };
    assert_eq!(why, "The Shakespeare model has not loaded yet.");

    let (bytes, tokens) = (weights(), tokens_file());
    let Status::Unavailable(why) = Worker::new().load_text(&bytes[..100], &tokens) else { panic!() };
    assert!(why.starts_with("The Shakespeare model could not be loaded: shakespeare.bpk has 100 bytes"), "{why}");
    let mut damaged = tokens.clone();
    damaged[500] ^= 1;
    let Status::Unavailable(why) = Worker::new().load_text(&bytes, &damaged) else { panic!() };
    assert_eq!(
        why,
        "The Shakespeare model could not be loaded: shakespeare-tokenizer.json does not match its card's SHA-256: \
         the file is damaged."
    );
    assert!(matches!(Worker::new().load(Which::Shakespeare, &bytes), Status::Unavailable(_)), "needs its tokens");

    assert_eq!(worker.load_text(&bytes, &tokens), Status::Ready);
    let Reply::TextRun(run) = worker.handle(ask("Is this a dagger which I see before me,\n"), &clock) else { panic!() };
    assert_eq!(run.tokens.len(), card().unwrap().config.context, "written until the window is full");
    assert_eq!(run.text(0..run.prompt_len), "Is this a dagger which I see before me,\n");
    // What the worker answers is the function's own run.
    let model = load(&bytes, &device()).unwrap();
    let bpe = Bpe::from_json(TOKENIZER).unwrap();
    assert_eq!(run, greedy_run(&model, &bpe, "Is this a dagger which I see before me,\n").unwrap());

    // Any characters encode: emoji, accents and controls run; no text and too much are named errors.
    let Reply::TextRun(odd) = worker.handle(ask("naïve 🙂\t¿"), &clock) else { panic!() };
    assert_eq!(odd.text(0..odd.prompt_len), "naïve 🙂\t¿");
    assert_eq!(worker.handle(ask(""), &clock), Reply::Failed(ModelError::EmptyPrompt.to_string()));
    let long = " word".repeat(MAX_PROMPT + 1);
    let tokens = bpe.encode(&long).len();
    assert!(tokens > MAX_PROMPT);
    let Reply::Failed(why) = worker.handle(ask(&long), &clock) else { panic!() };
    assert_eq!(
        why,
        format!(
            "The prompt is {tokens} tokens; this model reads 128, so keep it to {MAX_PROMPT} to leave it room to write."
        )
    );
}

#[test]
fn the_control_surface_on_text_is_decided_by_prompt_sampler_and_seed() {
    use protocol::control::{Model, Settings};
    let model = load(&weights(), &device()).unwrap();
    let bpe = Bpe::from_json(TOKENIZER).unwrap();
    let settings = Settings {
        model: Model::Shakespeare,
        prompt: "To be, or not to be".into(),
        tau: 0.8,
        k: 40,
        p: 0.95,
        seed: 7,
        length: 40,
    };
    let first = model::text::generate(&model, &bpe, &settings).unwrap();
    assert_eq!(first, model::text::generate(&model, &bpe, &settings).unwrap(), "the same three, the same bytes");
    assert!(first.text.starts_with("To be, or not to be") && first.text.len() > settings.prompt.len() + 40);
    let other = model::text::generate(&model, &bpe, &Settings { seed: 8, ..settings.clone() }).unwrap();
    assert_ne!(first.hash, other.hash, "another seed, another path");
    // The worker answers the same, once the model is loaded; before, it names the model it waits for.
    let mut worker = Worker::new();
    assert_eq!(Request::Generate(settings.clone()).needs(), [Which::Shakespeare]);
    assert!(worker.is_waiting_for(&Request::Generate(settings.clone())));
    worker.load_text(&weights(), &tokens_file());
    assert_eq!(worker.handle(Request::Generate(settings.clone()), &clock), Reply::Generated(first));
    let cold = Settings { tau: 0.0, ..settings };
    assert!(matches!(worker.handle(Request::Generate(cold), &clock), Reply::Failed(_)));
}

#[test]
fn the_worker_gives_the_next_token_logits_after_a_prompt_and_what_was_appended() {
    let model = load(&weights(), &device()).unwrap();
    let bpe = Bpe::from_json(TOKENIZER).unwrap();
    let mut worker = Worker::new();
    let ask = |prompt: &str, appended: Vec<usize>| Request::TextNext { prompt: prompt.into(), appended };
    assert!(worker.is_waiting_for(&ask("O", vec![])));
    worker.load_text(&weights(), &tokens_file());

    let prompt = "Is this a dagger which I see before me,\n";
    let Reply::TextNext(first) = worker.handle(ask(prompt, vec![]), &clock) else { panic!() };
    let ids = bpe.encode(prompt);
    assert_eq!((first.ids.clone(), first.prompt_len, first.view_start), (ids.clone(), ids.len(), 0));
    assert!(first.appended().is_empty());
    assert_eq!(first.text(&first.ids), prompt);
    assert_eq!(first.vocab.len(), bpe.vocab_size());
    assert_eq!(first.piece(ids[1]), bpe.shown(ids[1]));
    let expected = model::next_logits(&model, &ids).unwrap();
    let got: Vec<f64> = first.logits.iter().map(|&l| f64::from(l)).collect();
    assert_eq!(got, expected.as_slice(), "the model's own logits, exactly (f32 either way)");

    // Appended tokens are read after the prompt; past the window the oldest fall out of view.
    let appended: Vec<usize> = (0..150).map(|i| (i * 37) % bpe.vocab_size()).collect();
    let Reply::TextNext(long) = worker.handle(ask(prompt, appended.clone()), &clock) else { panic!() };
    let all = [ids.as_slice(), &appended].concat();
    assert_eq!(long.appended(), appended.as_slice());
    assert_eq!(long.view_start, all.len() - model.context());
    let expected = model::next_logits(&model, &all[long.view_start..]).unwrap();
    assert_eq!(long.logits.iter().map(|&l| f64::from(l)).collect::<Vec<_>>(), expected.as_slice());

    // An id outside the vocabulary and an empty prompt are named errors.
    let Reply::Failed(why) = worker.handle(ask(prompt, vec![bpe.vocab_size()]), &clock) else { panic!() };
    assert_eq!(why, ModelError::BadToken(bpe.vocab_size()).to_string());
    assert_eq!(worker.handle(ask("", vec![1]), &clock), Reply::Failed(ModelError::EmptyPrompt.to_string()));
}

#[test]
fn beam_search_on_text_with_a_cache_per_beam_finds_the_beams_the_full_forward_pass_finds() {
    let model = load(&weights(), &device()).unwrap();
    let bpe = Bpe::from_json(TOKENIZER).unwrap();
    let prompt = "Is this a dagger which I see before me,\n";
    let ids = bpe.encode(prompt);
    let end = model::text::line_break(&bpe).unwrap();
    assert_eq!(bpe.decode(&[end]), "\n");
    for (width, alpha) in [(4, 0.0), (16, 1.0)] {
        let cached = model::text::beam(&model, &bpe, prompt, width, alpha).unwrap();
        let search =
            sampling::BeamSearch::new(width, LINE_TOKENS, Some(end)).unwrap().with_length_penalty(alpha).unwrap();
        let plain = search.run(&ids, |c| model::next_logits(&model, c)).unwrap();
        assert_eq!(cached.len(), width);
        for (a, b) in cached.iter().zip(&plain) {
            assert_eq!(a.tokens, b.tokens, "B = {width}: the same beams, in the same order");
            assert!((a.log_prob - b.log_prob).abs() < 1e-3, "{} vs {}", a.log_prob, b.log_prob);
            // A line ends at its line break, or stops at the cap.
            let breaks = a.tokens.iter().filter(|&&t| t == end).count();
            assert!(breaks == 0 && a.tokens.len() == LINE_TOKENS || breaks == 1 && a.tokens.last() == Some(&end));
        }
    }
    // The window bounds the run: a prompt of 96 tokens leaves room for 32.
    assert!(LINE_TOKENS <= model.context() - MAX_PROMPT);
    assert!(matches!(model::text::beam(&model, &bpe, prompt, 0, 0.0), Err(ModelError::Sampling(_))));
    assert_eq!(model::text::beam(&model, &bpe, "", 4, 0.0), Err(ModelError::EmptyPrompt));
    assert_eq!(
        model::text::beam(&model, &bpe, prompt, MAX_TEXT_BEAM + 1, 0.0),
        Err(ModelError::BeamTooWide { width: MAX_TEXT_BEAM + 1, most: MAX_TEXT_BEAM })
    );
}

/// A sampled line is the plain generator's (same sampler, seed and stop), and its log-probability is the
/// one the full forward pass gives its tokens under the model's own distribution.
#[test]
fn a_sampled_line_is_the_generators_and_is_scored_by_the_full_forward_pass() {
    let model = load(&weights(), &device()).unwrap();
    let bpe = Bpe::from_json(TOKENIZER).unwrap();
    let end = model::text::line_break(&bpe).unwrap();
    let sampler = protocol::text::loop_sampler();
    for (prompt, seed) in [("Is this a dagger which I see before me,\n", 0), ("My lord,", 1), ("O", 2)] {
        let line = model::text::sample_line(&model, &bpe, prompt, &sampler, seed).unwrap();
        let ids = bpe.encode(prompt);
        let strategy = sampling::Strategy::Sample(sampler);
        let mut rng = sampling::seeded_rng(seed);
        let plain = model::generate_with_cache(
            &model,
            &mut model.new_cache(),
            &ids,
            LINE_TOKENS,
            Some(end),
            &strategy,
            &mut rng,
        )
        .unwrap();
        let drawn: Vec<usize> = line.tokens.iter().map(|t| t.id).collect();
        assert_eq!(drawn, plain, "{prompt:?}");
        assert_eq!(line.finished, drawn.last() == Some(&end));
        let full = [ids.as_slice(), &drawn].concat();
        let expected: f64 = (ids.len()..full.len())
            .map(|i| sampling::log_softmax(&model::next_logits(&model, &full[..i]).unwrap())[full[i]])
            .sum();
        assert!((line.log_prob - expected).abs() < 1e-3, "{prompt:?}: {} vs {expected}", line.log_prob);
        assert_eq!(line, model::text::sample_line(&model, &bpe, prompt, &sampler, seed).unwrap(), "same seed");
    }
}

/// What the beam widget on text says a learner will notice, from its first prompt: at α = 0 the search
/// prefers a short line, at α = 1 with 16 beams it writes a line that says one phrase over and over, and
/// every beam's line scores above every sampled one per token, and far above held-out text.
#[test]
fn beam_search_on_the_first_prompt_prefers_short_lines_at_alpha_0_and_repeats_itself_at_alpha_1() {
    let mut worker = Worker::new();
    assert_eq!(worker.load_text(&weights(), &tokens_file()), Status::Ready);
    let ask =
        |width, alpha| Request::TextBeam { prompt: "Is this a dagger which I see before me,\n".into(), width, alpha };
    let Reply::TextBeams(short) = worker.handle(ask(16, 0.0), &clock) else { panic!() };
    let Reply::TextBeams(long) = worker.handle(ask(16, 1.0), &clock) else { panic!() };
    assert_eq!((long.width, long.alpha, long.beams.len(), long.sampled.len()), (16, 1.0, 16, 3));
    let (best_short, best_long) = (&short.beams[0], &long.beams[0]);
    assert!(best_short.finished && best_long.finished, "both end the line");
    assert!(best_short.tokens.len() < best_long.tokens.len(), "{:?} / {:?}", best_short.text(), best_long.text());
    assert!(best_long.repeated() >= 4, "{:?}", best_long.text());
    assert!(long.sampled.iter().all(|s| s.repeated() < best_long.repeated()));
    let validation_loss = card().unwrap().validation_loss;
    for beams in [&short, &long] {
        let lowest_beam = beams.beams.iter().map(|b| b.per_token()).fold(f64::INFINITY, f64::min);
        let best_sampled = beams.sampled.iter().map(|s| s.per_token()).fold(f64::NEG_INFINITY, f64::max);
        assert!(best_sampled < best_long.per_token(), "{best_sampled} vs {}", best_long.per_token());
        assert!(lowest_beam > -validation_loss, "{lowest_beam}");
    }
    // Ranked by Σ log p ÷ lengthᵅ, best first.
    for b in long.beams.windows(2) {
        assert!(b[0].score(1.0) >= b[1].score(1.0));
    }
    let Reply::Failed(why) = worker.handle(ask(17, 0.0), &clock) else { panic!() };
    assert_eq!(why, "17 beams is more than the 16 the model worker runs on text.");
}

/// The KV cache demonstration on text fills the window from the learner's prompt, and both paths over it
/// give the same logits.
#[test]
fn the_kv_cache_on_text_fills_the_window_and_both_paths_agree() {
    let mut worker = Worker::new();
    assert_eq!(worker.load_text(&weights(), &tokens_file()), Status::Ready);
    let prompt = "Is this a dagger which I see before me,\n";
    let Reply::TextKvRun(run) = worker.handle(Request::TextKvRun { prompt: prompt.into() }, &clock) else { panic!() };
    let bpe = Bpe::from_json(TOKENIZER).unwrap();
    let ids = bpe.encode(prompt);
    assert_eq!(run.tokens.len(), card().unwrap().config.context, "drawn until the window is full");
    assert_eq!(run.prompt_len, ids.len());
    let got: Vec<usize> = run.tokens.iter().map(|t| t.id).collect();
    assert_eq!(got[..ids.len()], ids);
    // The drawn tokens are the loop's sampler's, from the demonstration's seed.
    let model = load(&weights(), &device()).unwrap();
    let strategy = sampling::Strategy::Sample(protocol::text::loop_sampler());
    let mut rng = sampling::seeded_rng(protocol::text::KV_SEED);
    let drawn =
        model::generate_with_cache(&model, &mut model.new_cache(), &ids, 128 - ids.len(), None, &strategy, &mut rng)
            .unwrap();
    assert_eq!(got[ids.len()..], drawn);
    // A clock that advances 256 ms a reading: each path takes one reading's span, 2 ms a token.
    let ticks = std::cell::Cell::new(0.0);
    let now = || {
        ticks.set(ticks.get() + 256.0);
        ticks.get()
    };
    let Reply::KvCompared(m) = worker.handle(Request::TextKvCompare { prompt: prompt.into() }, &now) else { panic!() };
    assert_eq!((m.tokens, m.on_ms, m.off_ms), (128, 2.0, 2.0));
    assert!(m.difference < 1e-3, "{}", m.difference);
    assert_eq!(
        worker.handle(Request::TextKvRun { prompt: String::new() }, &clock),
        Reply::Failed(ModelError::EmptyPrompt.to_string())
    );
}
