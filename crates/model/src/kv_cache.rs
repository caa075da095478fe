//! The key/value cache of [`Gpt::step`](crate::Gpt::step).

use burn::tensor::Tensor;
use sampling::TokenId;

/// Every key and value computed so far, per layer, and the tokens they came from.
///
/// # Shapes
/// Each layer holds keys and values of shape `[1, heads, t, head_dim]`, where t is [`KvCache::len`].
#[derive(Debug, Clone)]
pub struct KvCache {
    layers: Vec<LayerCache>,
    tokens: Vec<TokenId>,
}

/// One layer's keys and values.
#[derive(Debug, Clone, Default)]
pub(crate) struct LayerCache {
    /// `[1, heads, t, head_dim]`, or nothing before the first token.
    keys: Option<Tensor<4>>,
    /// `[1, heads, t, head_dim]`, or nothing before the first token.
    values: Option<Tensor<4>>,
}

impl LayerCache {
    /// Appends one position's key and value (`[1, heads, 1, head_dim]` each) and returns all of them
    /// (`[1, heads, t + 1, head_dim]` each).
    pub(crate) fn append(&mut self, k: Tensor<4>, v: Tensor<4>) -> (Tensor<4>, Tensor<4>) {
        let grow = |old: Option<Tensor<4>>, new: Tensor<4>| match old {
            Some(old) => Tensor::cat(vec![old, new], 2), // [1, heads, t + 1, head_dim]
            None => new,
        };
        let keys = grow(self.keys.take(), k);
        let values = grow(self.values.take(), v);
        self.keys = Some(keys.clone());
        self.values = Some(values.clone());
        (keys, values)
    }

    /// Replaces everything cached with `k` and `v` (`[1, heads, t, head_dim]` each): a rebuild.
    pub(crate) fn set(&mut self, k: Tensor<4>, v: Tensor<4>) {
        self.keys = Some(k);
        self.values = Some(v);
    }

    /// Keeps the first `len` positions only.
    pub(crate) fn truncate(&mut self, len: usize) {
        let keep = |t: Option<Tensor<4>>| {
            t.and_then(|t| {
                let [batch, heads, time, head_dim] = t.dims();
                (len > 0).then(|| if len < time { t.slice([0..batch, 0..heads, 0..len, 0..head_dim]) } else { t }) // [1, heads, len, head_dim]
            })
        };
        self.keys = keep(self.keys.take());
        self.values = keep(self.values.take());
    }

    /// The cached keys as rows, one per position: `[t][heads × head_dim]`.
    fn rows(tensor: Option<&Tensor<4>>) -> Vec<Vec<f32>> {
        let Some(t) = tensor else { return Vec::new() };
        let [_, heads, time, head_dim] = t.dims();
        let flat: Vec<f32> =
            t.clone().swap_dims(1, 2).reshape([time * heads * head_dim]).into_data().try_to_vec().unwrap_or_default(); // [time × heads × head_dim]
        flat.chunks(heads * head_dim).map(<[f32]>::to_vec).collect()
    }
}

impl KvCache {
    /// An empty cache for `layers` layers.
    pub(crate) fn new(layers: usize) -> Self {
        Self { layers: vec![LayerCache::default(); layers], tokens: Vec::new() }
    }

    /// How many positions are cached.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Whether nothing is cached yet.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The tokens whose keys and values are cached, in order.
    pub fn tokens(&self) -> &[TokenId] {
        &self.tokens
    }

    pub(crate) fn layers_mut(&mut self) -> impl Iterator<Item = &mut LayerCache> {
        self.layers.iter_mut()
    }

    pub(crate) fn push_token(&mut self, token: TokenId) {
        self.tokens.push(token);
    }

    /// Forgets the last `count` positions (all of them if there are fewer): what speculative sampling
    /// does with the drafted tokens after a rejection. The cache is then the one the kept tokens alone
    /// would have built.
    pub fn forget(&mut self, count: usize) {
        let len = self.len().saturating_sub(count);
        for layer in &mut self.layers {
            layer.truncate(len);
        }
        self.tokens.truncate(len);
    }

    /// Layer `layer`'s cached keys, one row per position (heads side by side), for drawing.
    pub fn keys(&self, layer: usize) -> Vec<Vec<f32>> {
        self.layers.get(layer).map(|l| LayerCache::rows(l.keys.as_ref())).unwrap_or_default()
    }

    /// Layer `layer`'s cached values, one row per position, for drawing.
    pub fn values(&self, layer: usize) -> Vec<Vec<f32>> {
        self.layers.get(layer).map(|l| LayerCache::rows(l.values.as_ref())).unwrap_or_default()
    }
}
