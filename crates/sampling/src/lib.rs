//! The decoding core: how one vector of logits becomes one token.
//!
//! A language model hands back a logit ℓᵢ for every token i of its vocabulary. This crate turns that
//! vector into a choice, in a fixed order:
//!
//! 1. [`Temperature`] divides every logit by τ.
//! 2. [`TopK`] keeps the k highest logits and masks the rest to −∞.
//! 3. [`TopP`] keeps the smallest set of most likely survivors whose mass reaches p, masks the rest.
//! 4. [`softmax`] turns what is left into a [`Distribution`], and one categorical draw picks the token.
//!
//! Each transform is usable alone (logits in, logits out); [`Sampler::stages`] runs all of them and keeps
//! every intermediate stage so that a picture of each can be drawn.
//!
//! Beyond these three, a [`Pipeline`] is any ordered list of [`Stage`]s: the three above and [`MinP`],
//! [`TopNSigma`], [`Typical`] and the repetition, presence and frequency [`Penalties`]. [`Engine`] holds
//! the default orders of Hugging Face transformers, llama.cpp and vLLM, which differ, and
//! [`Pipeline::trace`] keeps every stage's result.
//!
//! ```
//! use sampling::{Logits, Sampler, Temperature, TopK, TopP, seeded_rng};
//!
//! let logits = Logits::new(vec![2.0, 1.0, 0.0])?;
//! let sampler = Sampler::new(Temperature::new(0.5)?, TopK::new(2), TopP::new(0.9)?);
//! let [scaled, top_k, top_p] = &sampler.stages(&logits)[..] else { unreachable!("three stages") };
//! // τ = 0.5 doubles the logits, top-k = 2 drops the last token, and top-p = 0.9 then keeps both survivors.
//! assert_eq!(scaled.logits.as_slice(), &[4.0, 2.0, 0.0]);
//! assert_eq!(top_k.logits.kept_count(), 2);
//! assert_eq!(top_p.logits.kept_count(), 2);
//! let token = top_p.probs().sample(&mut seeded_rng(7));
//! assert!(token < 2);
//! # Ok::<(), sampling::SamplingError>(())
//! ```
//!
//! # The semantics, and why
//!
//! Libraries disagree on the edges of these transforms. The choices made here, each for a reason:
//!
//! * **Temperature first.** τ divides the logits before anything else, so top-k and top-p see the
//!   distribution the learner actually sampled from. (llama.cpp applies temperature last, after its
//!   truncations; then top-p's kept set does not depend on τ.) τ must be finite and greater than 0;
//!   τ → 0⁺ approaches [`Strategy::Greedy`], which is its own strategy rather than a temperature of 0.
//! * **Top-k keeps exactly k tokens.** Ties at the k-th logit are broken toward the lower token id, so
//!   `k = 1` is exactly greedy. (Hugging Face keeps every token tied with the k-th logit, which can keep
//!   more than k.) Tokens already masked to −∞ are never "kept": when fewer than k tokens are alive, all of
//!   them survive. `k = 0` and `k ≥ V` switch top-k off.
//! * **Top-p on the renormalized survivors.** Top-p sorts the tokens that survived top-k, renormalizes
//!   their mass to 1, and keeps the shortest prefix whose cumulative mass is at least p: the token that
//!   crosses p is kept, and at least one token always is. (candle compares against the mass before
//!   renormalization, so after top-k its nucleus is larger than asked for.) A cumulative mass within
//!   [`MASS_TOLERANCE`] below p counts as reaching p, so a boundary that is exact on paper stays exact in
//!   floating point. `p = 1` switches top-p off.
//! * **Greedy is argmax, lowest id on ties**, matching `k = 1`.
//!
//! # Errors, never panics
//!
//! Every input is validated at the edge by a type: [`Logits::new`], [`Temperature::new`], [`TopP::new`],
//! [`Distribution::from_probs`]. Anything invalid returns a [`SamplingError`]; once built, the values
//! cannot make the pipeline fail.
//!
//! # Reproducible randomness
//!
//! Draws take any [`rand::Rng`]. [`seeded_rng`] gives a ChaCha8 generator whose stream is fixed by its
//! algorithm, so the same seed gives the same tokens natively and in WebAssembly.

mod beam;
mod distribution;
mod error;
pub mod examples;
mod fast;
mod generate;
mod kernels;
mod logits;
mod min_p;
mod penalties;
mod pipeline;
pub mod reference;
mod rng;
pub mod speculative;
mod stage;
mod temperature;
mod top_k;
mod top_n_sigma;
mod top_p;
mod typical;

pub use beam::{Beam, BeamSearch, log_softmax};
pub use distribution::{Categorical, Distribution, softmax};
pub use error::SamplingError;
pub use generate::generate;
pub use logits::{Logits, TokenId};
pub use min_p::MinP;
pub use penalties::Penalties;
pub use pipeline::{Sampler, Strategy};
pub use rng::{SeededRng, seeded_rng, uniform};
pub use stage::{Engine, Knobs, Pipeline, Stage, StageKind, Traced};
pub use temperature::Temperature;
pub use top_k::TopK;
pub use top_n_sigma::TopNSigma;
pub use top_p::{MASS_TOLERANCE, Nucleus, TopP};
pub use typical::Typical;

/// The result type of every fallible function in this crate.
pub type Result<T, E = SamplingError> = std::result::Result<T, E>;

/// The code the lesson page shows, kept compiling and passing as doctests.
#[doc = include_str!("../../../web/snippets/loop.md")]
#[doc = include_str!("../../../web/snippets/pipeline.md")]
#[doc = include_str!("../../../web/snippets/textbook.md")]
#[allow(dead_code)]
mod shown_on_the_page {}
