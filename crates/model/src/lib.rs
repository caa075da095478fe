//! The lesson's models, in burn: the 27-symbol vocabulary, the names corpus, the character bigram and
//! a tiny transformer with a key/value cache.
//!
//! Every model implements [`LanguageModel`]: token ids in, next-token logits out, shaped
//! `[batch, time] -> [batch, time, vocab]`. One [`next_logits`] and one generate loop serve them all.

mod backend;
mod bigram;
pub mod bpe;
pub mod control;
mod corpus;
mod decoding;
pub mod demos;
mod gpt;
mod kv_cache;
mod lm;
mod opening;
pub mod serve;
mod speculative;
pub mod text;
pub mod text_decoding;
mod weights;

pub use backend::device;
pub use bigram::{Bigram, BigramCard, BigramCounts};
pub use burn::config::Config;
pub use burn::tensor::Device;
pub use corpus::{CORPUS_SOURCE, Corpus, SPLIT_SEED, Split, committed_split};
pub use decoding::{decoding_table, log_likelihood, shipped_table};
pub use gpt::{Gpt, GptCard, generate_cached, generate_with_cache};
pub use kv_cache::KvCache;
pub use lm::{LanguageModel, generate, mean_nll, next_logits};
pub use opening::opening;
pub use speculative::{
    BigramRows, Incremental, Prefixes, Recompute, Round, Speculation, Stateless, generate_speculative,
};
// What the models are built on, from the crate the page shares without burn.
pub use protocol::decoding::{distinct_n, repeated_trigrams};
pub use protocol::{
    Cache, DecodingTable, END, GptConfig, MAX_NAME, MethodRow, ModelError, START, StepFlops, Tally, VOCAB_SIZE, Vocab,
};
pub use weights::{check, dequantized, from_bytes, quantized, sha256_hex, to_bytes};
