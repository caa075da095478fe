//! The messages between the page and the model worker, as typed enums in one encoding (postcard), and
//! the opening data the page is sent with: the page asks, the worker answers each request by its id, and
//! tells the page how its models are loading.
//!
//! Every request is answered exactly once. The worker runs them one at a time, in the order it received
//! them, except that a request waiting for a model still loading does not hold up later ones that need
//! none of its models. A page that asks again before an answer arrives either waits for both answers or keeps only
//! the newest, by id.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::control::{Output, Settings};
use crate::decoding::TextDecodingTable;
use crate::demos::beam::Scored;
use crate::demos::greedy::GreedyDemo;
use crate::demos::kv::{KvComparison, KvRecording};
use crate::demos::speculative::{SpecMeasured, SpecView};
use crate::text::{TextBeams, TextCard, TextKvRun, TextNext, TextRun};
use crate::{DecodingTable, GptConfig, ModelError};
use sampling::TokenId;

/// One of the page's models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Which {
    /// The character bigram of names.
    Bigram,
    /// The transformer of names.
    Transformer,
    /// The word-piece transformer of Shakespeare's text: loaded only when the learner first asks.
    Shakespeare,
}

impl Which {
    /// The models loaded at start, in the order the worker loads them (the small one first).
    pub const ALL: [Self; 2] = [Self::Bigram, Self::Transformer];

    /// Every model, those loaded on demand last.
    pub const EVERY: [Self; 3] = [Self::Bigram, Self::Transformer, Self::Shakespeare];

    /// The model as the page names it, with its article.
    pub fn name(self) -> &'static str {
        match self {
            Self::Bigram => "The bigram",
            Self::Transformer => "The transformer",
            Self::Shakespeare => "The Shakespeare model",
        }
    }

    /// Its weights file, beside the page.
    pub fn file(self) -> &'static str {
        match self {
            Self::Bigram => "bigram.bpk",
            Self::Transformer => "gpt.bpk",
            Self::Shakespeare => "shakespeare.bpk",
        }
    }

    /// Every file it needs beside its weights, fetched before them.
    pub fn extra_files(self) -> &'static [&'static str] {
        match self {
            Self::Shakespeare => &["shakespeare-tokenizer.json"],
            _ => &[],
        }
    }

    /// The model the control surface runs for `model`.
    pub fn of(model: crate::control::Model) -> Self {
        match model {
            crate::control::Model::Names => Self::Transformer,
            crate::control::Model::Shakespeare => Self::Shakespeare,
        }
    }

    /// Whether the worker loads it only when a request needs it.
    pub fn on_demand(self) -> bool {
        !Self::ALL.contains(&self)
    }
}

/// What the page asks the worker to compute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// The transformer's next-symbol logits after `·` and a prompt.
    Logits {
        /// The start of a name, as typed (checked by the worker).
        prompt: String,
    },
    /// Greedy decoding and plain sampling run on through the window.
    Greedy,
    /// A run of the control surface.
    Generate(Settings),
    /// Beam search from `·`.
    Beam {
        /// Beams kept.
        width: usize,
        /// The length penalty α.
        alpha: f64,
    },
    /// Both paths of the KV cache timed over two windows.
    KvCompare,
    /// The speculative step-through, back to its start.
    SpecReset,
    /// One round of the step-through.
    SpecRound {
        /// Drafts this round.
        gamma: usize,
    },
    /// Plain and speculative sampling timed over the same names.
    SpecMeasure {
        /// Drafts a round.
        gamma: usize,
    },
    /// The Shakespeare model's greedy run from a prompt, until its window is full.
    TextGreedy {
        /// The text to continue, as typed (encoded by the worker).
        prompt: String,
    },
    /// The Shakespeare model's next-token logits after a prompt and the tokens appended to it.
    TextNext {
        /// The text typed (encoded by the worker).
        prompt: String,
        /// Token ids drawn after it, in order.
        appended: Vec<TokenId>,
    },
    /// The KV cache demonstration on text: the prompt, then draws until the window is full.
    TextKvRun {
        /// The text typed (encoded by the worker).
        prompt: String,
    },
    /// Both paths of the KV cache timed over [`Request::TextKvRun`]'s tokens.
    TextKvCompare {
        /// The text typed (encoded by the worker).
        prompt: String,
    },
    /// Beam search on text from a prompt to the end of the line, and sampled lines beside it.
    TextBeam {
        /// The text to continue, as typed (encoded by the worker).
        prompt: String,
        /// Beams kept, 1 to [`crate::text::MAX_TEXT_BEAM`].
        width: usize,
        /// The length penalty α.
        alpha: f64,
    },
}

impl Request {
    /// The models the request needs.
    pub fn needs(&self) -> &'static [Which] {
        match self {
            Self::SpecReset | Self::SpecRound { .. } | Self::SpecMeasure { .. } => &Which::ALL,
            Self::TextGreedy { .. }
            | Self::TextNext { .. }
            | Self::TextBeam { .. }
            | Self::TextKvRun { .. }
            | Self::TextKvCompare { .. } => &[Which::Shakespeare],
            Self::Generate(settings) if settings.model == crate::control::Model::Shakespeare => &[Which::Shakespeare],
            _ => &[Which::Transformer],
        }
    }
}

/// The worker's answer to one request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Reply {
    /// The next-symbol logits after a prompt, with the context they follow.
    Logits {
        /// The prompt asked about.
        prompt: String,
        /// One logit per symbol.
        logits: Vec<f32>,
    },
    /// The greedy and sampled runs.
    Greedy(GreedyDemo),
    /// The control surface's output.
    Generated(Output),
    /// The beams, best first.
    Beams(Vec<Scored>),
    /// The KV cache's two paths, timed.
    KvCompared(KvComparison),
    /// The step-through after the request.
    Spec(SpecView),
    /// Plain and speculative sampling, timed.
    SpecMeasured(SpecMeasured),
    /// A greedy run on text.
    TextRun(TextRun),
    /// The next-token logits on text.
    TextNext(TextNext),
    /// Beam search on text, and sampled lines beside it.
    TextBeams(TextBeams),
    /// The KV cache demonstration's run on text.
    TextKvRun(TextKvRun),
    /// Why the request could not be answered: a sentence for the page.
    Failed(String),
}

/// How a model is coming along in the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Status {
    /// Its weights are arriving: bytes received of the total.
    Loading {
        /// Bytes received so far.
        received: u64,
        /// Bytes the file holds.
        total: u64,
    },
    /// Loaded and checked: requests run.
    Ready,
    /// It will not load: a sentence for the page (requests that need it fail with it).
    Unavailable(String),
}

/// A message from the page to the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToWorker {
    /// Chosen by the page; the answer carries it back.
    pub id: u64,
    /// What to compute.
    pub request: Request,
}

/// A message from the worker to the page.
// Made once per answer and encoded at once: the size of a variant does not matter here.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// A model's status changed.
    Status(Which, Status),
    /// The answer to the request with this id.
    Reply(u64, Reply),
}

/// The prompts after which the page is sent the transformer's logits: the empty one (the bars' model
/// switch) and `ma` (the newer stages' demonstrations and the order lab).
pub const OPENING_PROMPTS: [&str; 2] = ["", "ma"];

/// What the page is sent with, computed at build time by the same code from the same models: every
/// widget's first state, and what it needs to answer its first controls before the worker has loaded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Opening {
    /// The transformer's shape.
    pub config: GptConfig,
    /// The transformer's validation loss, nats per symbol (from its card).
    pub validation_loss: f64,
    /// The decoding methods compared.
    pub decoding: DecodingTable,
    /// The bigram's logits, one row of 27 per context symbol.
    pub bigram: Vec<Vec<f32>>,
    /// The transformer's logits at each step of the loop's recorded run.
    pub loop_outputs: Vec<Vec<f32>>,
    /// The KV cache's recorded generation.
    pub kv: KvRecording,
    /// The transformer's logits after `·` and each of these prompts.
    pub after: Vec<(String, Vec<f32>)>,
    /// The beams at the widget's first settings.
    pub beams: Vec<Scored>,
    /// The sampled names shown beside them.
    pub sampled: Vec<Scored>,
    /// The speculative step-through before its first round.
    pub speculative: SpecView,
    /// The Shakespeare model's card: its size, how well it does, and greedy decoding measured on it (without
    /// the prompts it was measured from, which the page does not show).
    pub text: TextCard,
    /// The decoding methods compared on the Shakespeare model.
    pub text_decoding: TextDecodingTable,
}

impl Opening {
    /// The transformer's logits after `·` and `prompt`, if the page was sent them.
    pub fn after(&self, prompt: &str) -> Option<&[f32]> {
        self.after.iter().find(|(p, _)| p == prompt).map(|(_, l)| l.as_slice())
    }
}

/// The bytes of a message.
///
/// # Errors
/// [`ModelError::Message`] if it cannot be encoded (never for these types).
pub fn encode<T: Serialize>(message: &T) -> Result<Vec<u8>, ModelError> {
    postcard::to_allocvec(message).map_err(|e| ModelError::Message(e.to_string()))
}

/// The message in `bytes`.
///
/// # Errors
/// [`ModelError::Message`] for bytes that are not such a message.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ModelError> {
    postcard::from_bytes(bytes).map_err(|e| ModelError::Message(e.to_string()))
}

/// The opening data as text for the HTML: its bytes in base64.
///
/// # Errors
/// As [`encode`].
pub fn encode_text(opening: &Opening) -> Result<String, ModelError> {
    use base64::Engine as _;
    Ok(base64::engine::general_purpose::STANDARD.encode(encode(opening)?))
}

/// The opening data from its text in the HTML.
///
/// # Errors
/// [`ModelError::Message`] for text that is not such data.
pub fn decode_text(text: &str) -> Result<Opening, ModelError> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|e| ModelError::Message(e.to_string()))?;
    decode(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_and_garbage_is_an_error() {
        let message = ToWorker { id: 7, request: Request::Beam { width: 4, alpha: 0.5 } };
        assert_eq!(decode::<ToWorker>(&encode(&message).unwrap()).unwrap(), message);
        let reply = FromWorker::Reply(9, Reply::Logits { prompt: "ma".into(), logits: vec![0.5, -1.0] });
        assert_eq!(decode::<FromWorker>(&encode(&reply).unwrap()).unwrap(), reply);
        let status = FromWorker::Status(Which::Transformer, Status::Loading { received: 41, total: 70 });
        assert_eq!(decode::<FromWorker>(&encode(&status).unwrap()).unwrap(), status);
        assert!(matches!(decode::<FromWorker>(&[250, 1, 2]), Err(ModelError::Message(_))));
        assert!(matches!(decode_text("not base64!"), Err(ModelError::Message(_))));
    }

    #[test]
    fn the_speculative_requests_need_both_models() {
        assert_eq!(Request::SpecRound { gamma: 2 }.needs(), Which::ALL);
        assert_eq!(Request::Greedy.needs(), [Which::Transformer]);
        assert_eq!(Which::Transformer.file(), "gpt.bpk");
        assert_eq!(Request::TextGreedy { prompt: "O".into() }.needs(), [Which::Shakespeare]);
        assert!(Which::Shakespeare.on_demand() && !Which::Bigram.on_demand());
    }
}
