//! The character bigram: a 27×27 table of logits, row = the current symbol, column = the next.

use burn::config::Config;
use burn::module::{Module, Param};
use burn::tensor::{Device, Int, Tensor, TensorData};
use sampling::{Logits, TokenId};

use crate::lm::to_vec;
use crate::{LanguageModel, ModelError, VOCAB_SIZE};

/// The shipped weights (burnpack), fit by `cargo xtask fit-bigram`.
const SHIPPED_WEIGHTS: &[u8] = include_bytes!("../../../assets/models/bigram.bpk");
/// The shipped model card, written beside the weights.
const SHIPPED_CARD: &str = include_str!("../../../assets/models/bigram.json");

/// A bigram language model: P(next | current) = softmax(table[current]).
#[derive(Module, Debug)]
pub struct Bigram {
    /// Logits of the next symbol for each current symbol. Shape `[vocab, vocab]`.
    table: Param<Tensor<2>>,
}

/// How often each symbol follows each other one in a set of token sequences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BigramCounts {
    /// Row-major `[current][next]`.
    counts: Vec<u64>,
}

impl BigramCounts {
    /// Counts every adjacent pair of every sequence. Ids must be below [`VOCAB_SIZE`].
    ///
    /// # Errors
    /// [`ModelError::BadToken`] for an id outside the vocabulary.
    pub fn from_sequences(sequences: &[Vec<TokenId>]) -> Result<Self, ModelError> {
        let mut counts = vec![0u64; VOCAB_SIZE * VOCAB_SIZE];
        for seq in sequences {
            for pair in seq.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                if a >= VOCAB_SIZE || b >= VOCAB_SIZE {
                    return Err(ModelError::BadToken(a.max(b)));
                }
                counts[a * VOCAB_SIZE + b] += 1;
            }
        }
        Ok(Self { counts })
    }

    /// The counts after `current`.
    pub fn row(&self, current: TokenId) -> &[u64] {
        &self.counts[current * VOCAB_SIZE..(current + 1) * VOCAB_SIZE]
    }
}

/// What was fit, from what, and how well: written beside the weights.
#[derive(Config, Debug, PartialEq)]
pub struct BigramCard {
    /// Where the names came from.
    pub corpus: String,
    /// How unseen pairs were handled.
    pub smoothing: String,
    /// Names in the training split.
    pub train_names: usize,
    /// Names in the validation split.
    pub validation_names: usize,
    /// The seed of the split.
    pub split_seed: u64,
    /// Mean negative log-likelihood on the training split, nats per symbol.
    pub train_loss: f64,
    /// Mean negative log-likelihood on the validation split, nats per symbol.
    pub validation_loss: f64,
    /// The weights file, beside this card.
    pub weights: String,
    /// Its length in bytes: checked before the weights are used.
    pub weights_bytes: u64,
    /// Its SHA-256, in hexadecimal: checked before the weights are used.
    pub weights_sha256: String,
}

impl BigramCard {
    /// The card of the shipped weights.
    ///
    /// # Errors
    /// [`ModelError::Weights`] if the shipped card does not parse.
    pub fn shipped() -> Result<Self, ModelError> {
        Self::load_binary(SHIPPED_CARD.as_bytes()).map_err(|e| ModelError::Weights(format!("model card: {e}")))
    }
}

impl Bigram {
    /// A bigram with every logit 0: the uniform distribution after every symbol.
    pub fn uniform(device: &Device) -> Self {
        Self { table: Param::from_tensor(Tensor::zeros([VOCAB_SIZE, VOCAB_SIZE], device)) } // [vocab, vocab]
    }

    /// The maximum-likelihood fit with add-one smoothing: P(b | a) = (N(a, b) + 1) / (N(a) + V), stored as
    /// logits ln P. The +1 keeps every pair possible, so no validation name has probability zero.
    pub fn fit(counts: &BigramCounts, device: &Device) -> Self {
        let mut logits = Vec::with_capacity(VOCAB_SIZE * VOCAB_SIZE);
        for current in 0..VOCAB_SIZE {
            let row = counts.row(current);
            let total = row.iter().sum::<u64>() as f64 + VOCAB_SIZE as f64;
            logits.extend(row.iter().map(|&n| ((n as f64 + 1.0) / total).ln() as f32));
        }
        let table = Tensor::from_data(TensorData::new(logits, [VOCAB_SIZE, VOCAB_SIZE]), device); // [vocab, vocab]
        Self { table: Param::from_tensor(table) }
    }

    /// The shipped weights, loaded onto `device`.
    ///
    /// # Errors
    /// [`ModelError::Weights`] if they do not load (they are checked by a test).
    pub fn shipped(device: &Device) -> Result<Self, ModelError> {
        Self::from_bytes(SHIPPED_WEIGHTS, device)
    }

    /// Loads weights saved by [`Bigram::to_bytes`].
    ///
    /// # Errors
    /// [`ModelError::Weights`] when the bytes are not a bigram's weights.
    pub fn from_bytes(bytes: &[u8], device: &Device) -> Result<Self, ModelError> {
        crate::weights::from_bytes(Self::uniform(device), bytes)
    }

    /// The weights in burn's burnpack format.
    ///
    /// # Errors
    /// [`ModelError::Weights`] if burn cannot serialize them.
    pub fn to_bytes(self) -> Result<Vec<u8>, ModelError> {
        crate::weights::to_bytes(self)
    }

    /// The logits of the next symbol after `current`.
    ///
    /// # Errors
    /// [`ModelError::BadToken`] for an id outside the vocabulary.
    pub fn row(&self, current: TokenId) -> Result<Logits, ModelError> {
        if current >= VOCAB_SIZE {
            return Err(ModelError::BadToken(current));
        }
        let row = self.table.val().slice([current..current + 1, 0..VOCAB_SIZE]).reshape([VOCAB_SIZE]); // [vocab]
        Ok(Logits::from_f32(&to_vec(row)?)?)
    }

    /// Every row's logits, `table[current][next]`.
    ///
    /// # Errors
    /// As [`Bigram::row`] (never, for a loaded model).
    pub fn table(&self) -> Result<Vec<Logits>, ModelError> {
        (0..VOCAB_SIZE).map(|current| self.row(current)).collect()
    }
}

impl LanguageModel for Bigram {
    fn forward(&self, tokens: Tensor<2, Int>) -> Tensor<3> {
        let [batch, time] = tokens.dims();
        let flat = tokens.reshape([batch * time]); // [batch * time]
        let rows = self.table.val().select(0, flat); // [batch * time, vocab]: one table row per token
        rows.reshape([batch, time, VOCAB_SIZE]) // [batch, time, vocab]
    }

    /// A bigram reads only the last symbol, whatever the length of its input, so it needs no crop.
    fn context_window(&self) -> usize {
        usize::MAX
    }

    fn vocab_size(&self) -> usize {
        VOCAB_SIZE
    }

    fn device(&self) -> Device {
        self.table.val().device()
    }
}
