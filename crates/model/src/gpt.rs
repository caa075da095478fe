//! A tiny decoder-only transformer (GPT) over the 27 symbols, with two paths over the same weights:
//! [`Gpt::forward`] over a whole sequence (training, and generation without a cache) and
//! [`Gpt::step`], one new token against a [`KvCache`] of every earlier key and value.

use burn::config::Config;
use burn::module::Module;
use burn::nn::{Embedding, EmbeddingConfig, LayerNorm, LayerNormConfig, Linear, LinearConfig};
use burn::tensor::activation::{gelu, softmax};
use burn::tensor::{Bool, Device, Int, Tensor, TensorData};
use sampling::{Logits, TokenId};

use crate::kv_cache::{KvCache, LayerCache};
use crate::lm::to_vec;
use crate::{GptConfig, LanguageModel, ModelError};

/// The shipped weights (burnpack), trained by `cargo xtask train`.
const SHIPPED_WEIGHTS: &[u8] = include_bytes!("../../../assets/models/gpt.bpk");
/// The shipped model card, written beside the weights.
const SHIPPED_CARD: &str = include_str!("../../../assets/models/gpt.json");

/// One pre-norm block: x + attention(norm(x)), then x + mlp(norm(x)).
#[derive(Module, Debug)]
pub struct Block {
    norm_attention: LayerNorm,
    /// Queries, keys and values in one projection: width → 3 × width.
    qkv: Linear,
    /// Heads back to the residual stream: width → width.
    projection: Linear,
    norm_mlp: LayerNorm,
    expand: Linear,
    contract: Linear,
    #[module(skip)]
    heads: usize,
}

/// A decoder-only transformer (GPT-2's layout, pre-norm): token and position embeddings, blocks of
/// causal self-attention and MLP, a final norm and a head to one logit per symbol.
#[derive(Module, Debug)]
pub struct Gpt {
    token: Embedding,
    position: Embedding,
    blocks: Vec<Block>,
    norm: LayerNorm,
    head: Linear,
    #[module(skip)]
    context: usize,
}

/// Splits `[batch, time, width]` into heads: `[batch, heads, time, head_dim]`.
fn split_heads(x: Tensor<3>, heads: usize) -> Tensor<4> {
    let [batch, time, width] = x.dims();
    x.reshape([batch, time, heads, width / heads]) // [batch, time, heads, head_dim]
        .swap_dims(1, 2) // [batch, heads, time, head_dim]
}

/// Joins heads back: `[batch, heads, time, head_dim]` → `[batch, time, width]`.
fn join_heads(x: Tensor<4>) -> Tensor<3> {
    let [batch, heads, time, head_dim] = x.dims();
    x.swap_dims(1, 2) // [batch, time, heads, head_dim]
        .reshape([batch, time, heads * head_dim]) // [batch, time, width]
}

impl Block {
    /// Queries, keys and values of `x`.
    ///
    /// # Shapes
    /// - `x`: `[batch, time, width]`
    /// - returns three `[batch, heads, time, head_dim]`
    fn qkv(&self, x: Tensor<3>) -> [Tensor<4>; 3] {
        let [_, _, width] = x.dims();
        let qkv = self.qkv.forward(self.norm_attention.forward(x)); // [batch, time, 3 × width]
        [0, 1, 2].map(|i| split_heads(qkv.clone().narrow(2, i * width, width), self.heads)) // [batch, heads, time, head_dim]
    }

    /// Attention of queries over keys and values, with an optional causal mask, then the output
    /// projection.
    ///
    /// # Shapes
    /// - `q`: `[batch, heads, tq, head_dim]`, `k` and `v`: `[batch, heads, tk, head_dim]`
    /// - `mask`: `[tq, tk]`, true where a query must not look
    /// - returns `[batch, tq, width]`
    fn attend(&self, q: Tensor<4>, k: Tensor<4>, v: Tensor<4>, mask: Option<Tensor<2, Bool>>) -> Tensor<3> {
        let [batch, heads, tq, head_dim] = q.dims();
        let tk = k.dims()[2];
        let scores = q.matmul(k.swap_dims(2, 3)) / (head_dim as f64).sqrt(); // [batch, heads, tq, tk]
        let scores = match mask {
            Some(mask) => {
                scores.mask_fill(mask.reshape([1, 1, tq, tk]).expand([batch, heads, tq, tk]), f32::NEG_INFINITY)
            }
            None => scores,
        };
        let weights = softmax(scores, 3); // [batch, heads, tq, tk]
        self.projection.forward(join_heads(weights.matmul(v))) // [batch, tq, width]
    }

    /// The MLP half of the block, with its residual.
    ///
    /// # Shapes
    /// - `x`: `[batch, time, width]` → `[batch, time, width]`
    fn mlp(&self, x: Tensor<3>) -> Tensor<3> {
        let h = gelu(self.expand.forward(self.norm_mlp.forward(x.clone()))); // [batch, time, 4 × width]
        x + self.contract.forward(h) // [batch, time, width]
    }

    /// The block over a whole sequence, every position attending to itself and the past.
    ///
    /// # Shapes
    /// - `x`: `[batch, time, width]` → `[batch, time, width]`
    fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        let time = x.dims()[1];
        let [q, k, v] = self.qkv(x.clone()); // 3 × [batch, heads, time, head_dim]
        let future = Tensor::<2, Bool>::tril_mask([time, time], 0, &x.device()); // [time, time]: true above the diagonal
        let x = x + self.attend(q, k, v, Some(future)); // [batch, time, width]
        self.mlp(x)
    }

    /// The block over a whole sequence, as [`Block::forward`], filling the layer's cache with the keys and
    /// values of every position: a rebuild in one batched pass.
    ///
    /// # Shapes
    /// - `x`: `[1, time, width]` → `[1, time, width]`
    fn prefill(&self, x: Tensor<3>, cache: &mut LayerCache) -> Tensor<3> {
        let time = x.dims()[1];
        let [q, k, v] = self.qkv(x.clone()); // 3 × [1, heads, time, head_dim]
        cache.set(k.clone(), v.clone());
        let future = Tensor::<2, Bool>::tril_mask([time, time], 0, &x.device()); // [time, time]
        let x = x + self.attend(q, k, v, Some(future)); // [1, time, width]
        self.mlp(x)
    }

    /// The block for one new position, reading and extending the layer's cache.
    ///
    /// # Shapes
    /// - `x`: `[1, 1, width]` → `[1, 1, width]`
    fn step(&self, x: Tensor<3>, cache: &mut LayerCache) -> Tensor<3> {
        let [q, k, v] = self.qkv(x.clone()); // 3 × [1, heads, 1, head_dim]
        let (k, v) = cache.append(k, v); // [1, heads, t, head_dim]: every key and value so far
        let x = x + self.attend(q, k, v, None); // the new token may look at everything cached
        self.mlp(x)
    }
}

impl Block {
    /// The block for several new positions at once, reading and extending the layer's cache: each new
    /// position attends to everything cached and to the new positions up to itself.
    ///
    /// # Shapes
    /// - `x`: `[1, n, width]` → `[1, n, width]`
    fn extend(&self, x: Tensor<3>, cache: &mut LayerCache) -> Tensor<3> {
        let n = x.dims()[1];
        let [q, k, v] = self.qkv(x.clone()); // 3 × [1, heads, n, head_dim]
        let (k, v) = cache.append(k, v); // [1, heads, t + n, head_dim]: the cached positions, then the new
        let cached = k.dims()[2] - n;
        // New position i (absolute cached + i) must not see key j > cached + i.
        let future = Tensor::<2, Bool>::tril_mask([n, cached + n], cached as i64, &x.device()); // [n, t + n]
        let x = x + self.attend(q, k, v, Some(future)); // [1, n, width]
        self.mlp(x)
    }
}

impl Gpt {
    /// A freshly initialized model of shape `config`.
    pub fn new(config: &GptConfig, device: &Device) -> Self {
        let block = || Block {
            norm_attention: LayerNormConfig::new(config.width).init(device),
            qkv: LinearConfig::new(config.width, 3 * config.width).init(device),
            projection: LinearConfig::new(config.width, config.width).init(device),
            norm_mlp: LayerNormConfig::new(config.width).init(device),
            expand: LinearConfig::new(config.width, 4 * config.width).init(device),
            contract: LinearConfig::new(4 * config.width, config.width).init(device),
            heads: config.heads,
        };
        Self {
            token: EmbeddingConfig::new(config.vocab, config.width).init(device),
            position: EmbeddingConfig::new(config.context, config.width).init(device),
            blocks: (0..config.layers).map(|_| block()).collect(),
            norm: LayerNormConfig::new(config.width).init(device),
            head: LinearConfig::new(config.width, config.vocab).init(device),
            context: config.context,
        }
    }

    /// The shipped, trained transformer, loaded onto `device`.
    ///
    /// # Errors
    /// [`ModelError::Weights`] if the weights or the card do not load (a test checks they do).
    pub fn shipped(device: &Device) -> Result<Self, ModelError> {
        let card = GptCard::shipped()?;
        crate::weights::from_bytes(Self::new(&card.config, device), SHIPPED_WEIGHTS)
    }

    /// A cache for [`Gpt::step`], empty.
    pub fn new_cache(&self) -> KvCache {
        KvCache::new(self.blocks.len())
    }

    /// Embeds `tokens` at positions `start..start + time`.
    ///
    /// # Shapes
    /// - `tokens`: `[batch, time]` → `[batch, time, width]`
    fn embed(&self, tokens: Tensor<2, Int>, start: usize) -> Tensor<3> {
        let [batch, time] = tokens.dims();
        let device = tokens.device();
        let positions = Tensor::<1, Int>::arange(start as i64..(start + time) as i64, &device) // [time]
            .reshape([1, time]); // [1, time]
        let x = self.token.forward(tokens); // [batch, time, width]
        let p = self.position.forward(positions); // [1, time, width]
        let width = p.dims()[2];
        x + p.expand([batch, time, width]) // [batch, time, width]
    }

    /// The next-token logits for one new token, using and extending `cache`.
    ///
    /// Its position is the number of tokens already cached. When the cache already holds a full window,
    /// it is rebuilt from the last `context − 1` tokens first, so that the result equals
    /// [`next_logits`](crate::next_logits) on the cropped context exactly.
    ///
    /// # Errors
    /// [`ModelError::BadToken`] for an id outside the vocabulary.
    pub fn step(&self, token: TokenId, cache: &mut KvCache) -> Result<Logits, ModelError> {
        if token >= self.vocab_size() {
            return Err(ModelError::BadToken(token));
        }
        if cache.len() == self.context {
            // The oldest token leaves the window and every other one moves one position: their keys and
            // values (which carry their positions) are all recomputed, in one batched pass.
            let keep = cache.tokens()[1..].to_vec();
            *cache = self.new_cache();
            self.prefill(&keep, cache);
        }
        let logits = self.step_unchecked(token, cache); // [vocab]
        Ok(Logits::from_f32(&to_vec(logits)?)?)
    }

    /// The next-token logits after each of `tokens`, fed after what `cache` holds: one pass through the
    /// blocks for all of them when they fit in the window (what speculative sampling's target does with
    /// the drafted tokens), one [`Gpt::step`] each otherwise. Equal to stepping them one by one, up to
    /// the rounding of batched arithmetic.
    ///
    /// # Errors
    /// [`ModelError::BadToken`] for an id outside the vocabulary.
    pub fn extend(&self, tokens: &[TokenId], cache: &mut KvCache) -> Result<Vec<Logits>, ModelError> {
        if let Some(&bad) = tokens.iter().find(|&&t| t >= self.vocab_size()) {
            return Err(ModelError::BadToken(bad));
        }
        if tokens.len() <= 1 || cache.len() + tokens.len() > self.context {
            return tokens.iter().map(|&t| self.step(t, cache)).collect();
        }
        let device = self.head.weight.val().device();
        let n = tokens.len();
        let ids: Vec<i64> = tokens.iter().map(|&t| t as i64).collect();
        let ids = Tensor::<2, Int>::from_data(TensorData::new(ids, [1, n]), &device); // [1, n]
        let mut x = self.embed(ids, cache.len()); // [1, n, width]
        for (block, layer) in self.blocks.iter().zip(cache.layers_mut()) {
            x = block.extend(x, layer); // [1, n, width]
        }
        for &t in tokens {
            cache.push_token(t);
        }
        let vocab = self.head.weight.val().dims()[1];
        let logits = to_vec(self.head.forward(self.norm.forward(x)).reshape([n * vocab]))?; // [n × vocab]
        logits.chunks(vocab).map(|row| Ok(Logits::from_f32(row)?)).collect()
    }

    /// Fills an empty `cache` with `tokens` (at positions 0, 1, …) in one pass per block.
    fn prefill(&self, tokens: &[TokenId], cache: &mut KvCache) {
        if tokens.is_empty() {
            return;
        }
        let device = self.head.weight.val().device();
        let ids: Vec<i64> = tokens.iter().map(|&t| t as i64).collect();
        let ids = Tensor::<2, Int>::from_data(TensorData::new(ids, [1, tokens.len()]), &device); // [1, time]
        let mut x = self.embed(ids, 0); // [1, time, width]
        for (block, layer) in self.blocks.iter().zip(cache.layers_mut()) {
            x = block.prefill(x, layer); // [1, time, width]
        }
        for &t in tokens {
            cache.push_token(t);
        }
    }

    /// One position through every block with the cache.
    ///
    /// # Shapes
    /// returns `[vocab]`
    fn step_unchecked(&self, token: TokenId, cache: &mut KvCache) -> Tensor<1> {
        let device = self.head.weight.val().device();
        let position = cache.len();
        let ids = Tensor::<2, Int>::from_data(TensorData::new(vec![token as i64], [1, 1]), &device); // [1, 1]
        let mut x = self.embed(ids, position); // [1, 1, width]
        for (block, layer) in self.blocks.iter().zip(cache.layers_mut()) {
            x = block.step(x, layer); // [1, 1, width]
        }
        cache.push_token(token);
        let vocab = self.head.weight.val().dims()[1];
        self.head.forward(self.norm.forward(x)).reshape([vocab]) // [vocab]
    }

    /// The context window: how many tokens, at most, one forward pass reads.
    pub fn context(&self) -> usize {
        self.context
    }
}

impl LanguageModel for Gpt {
    fn forward(&self, tokens: Tensor<2, Int>) -> Tensor<3> {
        let mut x = self.embed(tokens, 0); // [batch, time, width]
        for block in &self.blocks {
            x = block.forward(x); // [batch, time, width]
        }
        self.head.forward(self.norm.forward(x)) // [batch, time, vocab]
    }

    fn context_window(&self) -> usize {
        self.context
    }

    fn vocab_size(&self) -> usize {
        self.head.weight.val().dims()[1]
    }

    fn device(&self) -> Device {
        self.head.weight.val().device()
    }
}

/// Generates like [`generate`](crate::generate), but with a fresh cache: each step runs only the new
/// token. Stops after the end symbol.
///
/// # Errors
/// [`ModelError::EmptyContext`] for an empty prompt, [`ModelError::BadToken`] for ids outside the
/// vocabulary.
pub fn generate_cached<R: rand::Rng + ?Sized>(
    model: &Gpt,
    prompt: &[TokenId],
    max_new: usize,
    strategy: &sampling::Strategy,
    rng: &mut R,
) -> Result<Vec<TokenId>, ModelError> {
    generate_with_cache(model, &mut model.new_cache(), prompt, max_new, Some(crate::END), strategy, rng)
}

/// The autoregressive loop ([`sampling::generate`]) with `cache`: every prompt token but the last is
/// fed through the cache, then each step feeds only the newest token. Up to `max_new` tokens, stopping
/// after `stop` if it is drawn. The prompt's positions follow whatever `cache` already holds; afterwards
/// it holds every token fed, that is all but the last one generated.
///
/// # Errors
/// [`ModelError::EmptyContext`] for an empty prompt, [`ModelError::BadToken`] for ids outside the
/// vocabulary.
pub fn generate_with_cache<R: rand::Rng + ?Sized>(
    model: &Gpt,
    cache: &mut KvCache,
    prompt: &[TokenId],
    max_new: usize,
    stop: Option<TokenId>,
    strategy: &sampling::Strategy,
    rng: &mut R,
) -> Result<Vec<TokenId>, ModelError> {
    let (_, earlier) = prompt.split_last().ok_or(ModelError::EmptyContext)?;
    for &t in earlier {
        model.step(t, cache)?;
    }
    sampling::generate(prompt, max_new, stop, strategy, rng, |context| {
        let newest = *context.last().ok_or(ModelError::EmptyContext)?;
        model.step(newest, cache) // only the new token runs
    })
}

/// How the shipped transformer was trained, and how well it does: written beside its weights.
#[derive(Config, Debug, PartialEq)]
pub struct GptCard {
    /// The architecture.
    pub config: GptConfig,
    /// Where the names came from.
    pub corpus: String,
    /// Optimizer steps taken.
    pub steps: usize,
    /// Names per step.
    pub batch: usize,
    /// The seed of initialization and batching.
    pub seed: u64,
    /// Mean negative log-likelihood on the training split at the end, nats per symbol.
    pub train_loss: f64,
    /// Mean negative log-likelihood on the validation split at the end, nats per symbol.
    pub validation_loss: f64,
    /// The bigram's validation loss, for comparison.
    pub bigram_validation_loss: f64,
    /// Wall-clock training time, seconds.
    pub training_seconds: f64,
    /// Number of parameters.
    pub parameters: usize,
    /// The weights file, beside this card.
    pub weights: String,
    /// Its length in bytes: checked before the weights are used.
    pub weights_bytes: u64,
    /// Its SHA-256, in hexadecimal: checked before the weights are used.
    pub weights_sha256: String,
}

impl GptCard {
    /// The card of the shipped weights.
    ///
    /// # Errors
    /// [`ModelError::Weights`] if the shipped card does not parse.
    pub fn shipped() -> Result<Self, ModelError> {
        Self::load_binary(SHIPPED_CARD.as_bytes()).map_err(|e| ModelError::Weights(format!("model card: {e}")))
    }
}
