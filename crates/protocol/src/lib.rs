//! What the page and the model worker both know, without burn: the 27-symbol vocabulary, the
//! transformer's shape and the exact work of its steps, the control surface's settings, the decoding
//! table's rows, and what speculative sampling is counted by.
//!
//! The page's module is built from this crate and the sampling core alone; everything that runs a model
//! lives in the `model` crate, which the model worker runs.

pub mod control;
pub mod decoding;
pub mod demos;
mod error;
mod flops;
pub mod messages;
mod shape;
mod speculative;
pub mod text;
mod vocab;

pub use decoding::{DecodingTable, MAX_NAME, MethodRow};
pub use error::ModelError;
pub use flops::{Cache, StepFlops};
pub use shape::GptConfig;
pub use speculative::Tally;
pub use vocab::{END, START, VOCAB_SIZE, Vocab};
