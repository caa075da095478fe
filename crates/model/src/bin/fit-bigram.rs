//! Fits the bigram on the training split of the names corpus, measures it on both splits, and writes
//! `assets/models/bigram.bpk` and its card `bigram.json`. Run it as `cargo xtask fit-bigram`.

use std::path::Path;

use burn::config::Config;
use model::{Bigram, BigramCard, BigramCounts, CORPUS_SOURCE, committed_split, device, mean_nll};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let (train, validation) = committed_split()?;

    let device = device();
    let bigram = Bigram::fit(&BigramCounts::from_sequences(&train)?, &device);
    let bytes = bigram.clone().to_bytes()?;
    let card = BigramCard {
        corpus: CORPUS_SOURCE.into(),
        smoothing: "add-one (Laplace): P(b|a) = (N(a,b) + 1) / (N(a) + 27)".into(),
        train_names: train.len(),
        validation_names: validation.len(),
        split_seed: model::SPLIT_SEED,
        train_loss: mean_nll(&bigram, &train)?,
        validation_loss: mean_nll(&bigram, &validation)?,
        weights: "bigram.bpk".into(),
        weights_bytes: bytes.len() as u64,
        weights_sha256: model::sha256_hex(&bytes),
    };
    let out = root.join("assets/models");
    std::fs::write(out.join("bigram.bpk"), &bytes)?;
    card.save(out.join("bigram.json"))?;
    println!(
        "train {:.4} nats/symbol, validation {:.4} nats/symbol ({} / {} names)",
        card.train_loss, card.validation_loss, card.train_names, card.validation_names
    );
    Ok(())
}
