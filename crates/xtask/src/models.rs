//! `cargo xtask fit-bigram`, `train`, `decoding-table`, `tokenizer` and `train-text`: regenerate the committed model
//! files, each by running one binary of the model crate in release mode.

use crate::run::{Result, cmd, run, step};

/// Refits the bigram on the corpus and writes its weights and card.
pub fn fit_bigram() -> Result {
    step("fit the bigram (cargo run -p model --bin fit-bigram)", || {
        run(cmd("cargo", &["run", "--release", "-p", "model", "--bin", "fit-bigram"]))
    })
}

/// Trains the transformer and writes its weights and card.
pub fn train() -> Result {
    step("train the transformer (cargo run -p model --features train --bin train-gpt)", || {
        run(cmd("cargo", &["run", "--release", "-p", "model", "--features", "train", "--bin", "train-gpt"]))
    })
}

/// Compares the decoding methods on the shipped transformer and writes the table the page shows.
pub fn decoding_table() -> Result {
    step("decoding methods compared (cargo run -p model --bin decoding-table)", || {
        run(cmd("cargo", &["run", "--release", "-p", "model", "--bin", "decoding-table"]))
    })
}

/// Trains the Shakespeare model's tokens (byte-level BPE, 2,048) and writes the tokenizer's JSON.
pub fn tokenizer() -> Result {
    step("train the tokenizer (cargo run -p model --features train --bin train-tokenizer)", || {
        run(cmd("cargo", &["run", "--release", "-p", "model", "--features", "train", "--bin", "train-tokenizer"]))
    })
}

/// Trains the Shakespeare model (about 45 minutes on two cores, with a progress line) and writes its
/// weights and card, with the figures the page states about it.
pub fn train_text() -> Result {
    step("train the Shakespeare model (cargo run -p model --features train --bin train-text)", || {
        run(cmd("cargo", &["run", "--release", "-p", "model", "--features", "train", "--bin", "train-text"]))
    })
}
