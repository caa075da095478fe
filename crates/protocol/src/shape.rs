//! The transformer's shape: what its weights, its work per step and the page's numbers about it follow
//! from.

use serde::{Deserialize, Serialize};

/// The shape of the transformer. The defaults are the shipped model's (a test holds them to its card).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GptConfig {
    /// Symbols in the vocabulary.
    pub vocab: usize,
    /// The context window: at most this many tokens are read.
    pub context: usize,
    /// The width of every token's vector (the model dimension).
    pub width: usize,
    /// Attention heads per layer; `width` must be a multiple of it.
    pub heads: usize,
    /// Transformer blocks.
    pub layers: usize,
}

impl Default for GptConfig {
    fn default() -> Self {
        Self { vocab: 27, context: 16, width: 48, heads: 4, layers: 2 }
    }
}

impl GptConfig {
    /// The shipped model's shape.
    pub fn new() -> Self {
        Self::default()
    }

    /// The same shape with `vocab` symbols.
    pub fn with_vocab(self, vocab: usize) -> Self {
        Self { vocab, ..self }
    }

    /// The same shape with a window of `context` tokens.
    pub fn with_context(self, context: usize) -> Self {
        Self { context, ..self }
    }

    /// The same shape `width` wide.
    pub fn with_width(self, width: usize) -> Self {
        Self { width, ..self }
    }

    /// The same shape with `heads` heads per layer.
    pub fn with_heads(self, heads: usize) -> Self {
        Self { heads, ..self }
    }

    /// The same shape with `layers` blocks.
    pub fn with_layers(self, layers: usize) -> Self {
        Self { layers, ..self }
    }

    /// The width of one head.
    pub fn head_dim(&self) -> usize {
        self.width / self.heads
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builders_change_one_field_each() {
        let c = GptConfig::new().with_vocab(5).with_context(8).with_width(12).with_heads(3).with_layers(1);
        assert_eq!(c, GptConfig { vocab: 5, context: 8, width: 12, heads: 3, layers: 1 });
        assert_eq!(c.head_dim(), 4);
        assert_eq!(GptConfig::new(), GptConfig { vocab: 27, context: 16, width: 48, heads: 4, layers: 2 });
    }
}
