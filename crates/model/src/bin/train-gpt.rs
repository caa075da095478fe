//! Trains the tiny transformer on the training split of the names corpus with Adam, on the CPU, from a
//! fixed seed, and writes `assets/models/gpt.bpk` and its card `gpt.json`. Run it as `cargo xtask train`.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use burn::config::Config;
use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams};
use burn::tensor::activation::log_softmax;
use burn::tensor::{Int, Tensor, TensorData};
use model::{
    BigramCard, CORPUS_SOURCE, Gpt, GptCard, GptConfig, LanguageModel, committed_split, device, mean_nll, to_bytes,
};
use sampling::{seeded_rng, uniform};

/// The seed of initialization and of the batches.
const SEED: u64 = 27;
/// Optimizer steps.
const STEPS: usize = 6000;
/// Names per step.
const BATCH: usize = 64;
/// Adam's learning rate at the start; it decays linearly to a tenth over the last 40 % of the steps.
const LEARNING_RATE: f64 = 3e-3;
/// Steps between progress lines and validation estimates.
const REPORT_EVERY: usize = 250;

fn learning_rate(step: usize) -> f64 {
    let decay_from = STEPS * 6 / 10;
    if step < decay_from {
        LEARNING_RATE
    } else {
        let done = (step - decay_from) as f64 / (STEPS - decay_from) as f64;
        LEARNING_RATE * (1.0 - 0.9 * done)
    }
}

/// A number from the environment, or `default`.
fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let (train, validation) = committed_split()?;
    // The shipped shape, chosen by validation loss among shapes whose weights fit in about 250 KB
    // (README). TRAIN_WIDTH and TRAIN_LAYERS try another; TRAIN_OUT writes it somewhere else.
    let shipped = GptConfig::new();
    let width = env_or("TRAIN_WIDTH", shipped.width);
    let layers = env_or("TRAIN_LAYERS", shipped.layers);
    let config = shipped.with_width(width).with_layers(layers);

    let device = device().autodiff();
    device.seed(SEED);
    let mut model = Gpt::new(&config, &device);
    let mut optimizer = AdamConfig::new().init();
    let mut rng = seeded_rng(SEED);
    let parameters = model.num_params();
    println!("training {parameters} parameters on {} names, {STEPS} steps of {BATCH}", train.len());

    let start = Instant::now();
    let mut recent = Vec::new();
    for step in 1..=STEPS {
        // A batch of names, each ·name·, padded with · to the longest; padding is not scored.
        let names: Vec<&Vec<usize>> =
            (0..BATCH).map(|_| &train[(uniform(&mut rng) * train.len() as f64) as usize]).collect();
        let time = names.iter().map(|n| n.len() - 1).max().unwrap_or(1).min(config.context);
        let mut inputs = vec![0i64; BATCH * time];
        let mut targets = vec![0i64; BATCH * time];
        let mut weights = vec![0f32; BATCH * time];
        for (b, name) in names.iter().enumerate() {
            for t in 0..(name.len() - 1).min(time) {
                inputs[b * time + t] = name[t] as i64;
                targets[b * time + t] = name[t + 1] as i64;
                weights[b * time + t] = 1.0;
            }
        }
        let scored: f32 = weights.iter().sum();
        let inputs = Tensor::<2, Int>::from_data(TensorData::new(inputs, [BATCH, time]), &device); // [batch, time]
        let targets = Tensor::<3, Int>::from_data(TensorData::new(targets, [BATCH, time, 1]), &device); // [batch, time, 1]
        let weights = Tensor::<2>::from_data(TensorData::new(weights, [BATCH, time]), &device); // [batch, time]
        let logp = log_softmax(model.forward(inputs), 2); // [batch, time, vocab]
        let picked = logp.gather(2, targets).reshape([BATCH, time]); // [batch, time]
        let loss = (picked * weights).sum().neg() / f64::from(scored); // [1]
        let value: f32 = loss.clone().into_data().try_to_vec::<f32>().map_err(|e| format!("{e:?}"))?[0];
        recent.push(value);
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optimizer.step(learning_rate(step), model, grads);

        if step % REPORT_EVERY == 0 || step == STEPS {
            let secs = start.elapsed().as_secs_f64();
            let mean = recent.iter().sum::<f32>() / recent.len() as f32;
            recent.clear();
            let estimate = mean_nll(&model.valid(), &validation[..1000])?;
            let filled = step * 30 / STEPS;
            print!(
                "\r[{}{}] step {step}/{STEPS}  loss {mean:.4}  validation {estimate:.4}  {:.1} steps/s  ",
                "#".repeat(filled),
                " ".repeat(30 - filled),
                step as f64 / secs
            );
            std::io::stdout().flush()?;
        }
    }
    println!();
    let training_seconds = start.elapsed().as_secs_f64();
    // The weights ship as 8-bit integers with a scale per tensor (a third of the download); every figure
    // on the card is measured on them, dequantized as the page runs them.
    let shipped = model::quantized(model.valid());
    let trained = model::dequantized(shipped.clone());
    let bytes = to_bytes(shipped)?;
    let card = GptCard {
        config,
        corpus: CORPUS_SOURCE.into(),
        steps: STEPS,
        batch: BATCH,
        seed: SEED,
        train_loss: mean_nll(&trained, &train)?,
        validation_loss: mean_nll(&trained, &validation)?,
        bigram_validation_loss: BigramCard::shipped()?.validation_loss,
        training_seconds,
        parameters,
        weights: "gpt.bpk".into(),
        weights_bytes: bytes.len() as u64,
        weights_sha256: model::sha256_hex(&bytes),
    };
    let out = std::env::var_os("TRAIN_OUT").map_or_else(|| root.join("assets/models"), std::path::PathBuf::from);
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("gpt.bpk"), &bytes)?;
    card.save(out.join("gpt.json"))?;
    println!(
        "train {:.4}, validation {:.4} nats/symbol (bigram {:.4}); {:.0} s",
        card.train_loss, card.validation_loss, card.bigram_validation_loss, card.training_seconds
    );
    Ok(())
}
