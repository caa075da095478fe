//! The fixed case whose first 1,000 draws are stored, so that every platform can be checked against them.

use sampling::{Logits, Sampler, Strategy, Temperature, TokenId, TopK, TopP, seeded_rng};

/// The stored draws, one digit per token.
pub const STORED: &str = include_str!("draws.txt");

/// The seed of the fixed case.
pub const SEED: u64 = 2026;

/// The first `n` draws of the fixed case: six logits, τ = 0.8, top-k = 5, top-p = 0.95.
pub fn draws(n: usize) -> Vec<TokenId> {
    let logits = Logits::new(vec![2.0, 1.0, 0.5, 0.0, -1.0, -3.0]).unwrap();
    let sampler = Sampler::new(Temperature::new(0.8).unwrap(), TopK::new(5), TopP::new(0.95).unwrap());
    let mut rng = seeded_rng(SEED);
    (0..n).map(|_| Strategy::Sample(sampler).choose(&logits, &mut rng)).collect()
}

/// The stored draws, parsed.
pub fn stored() -> Vec<TokenId> {
    STORED.trim().bytes().map(|b| usize::from(b - b'0')).collect()
}

/// The draws as stored: one digit per token.
pub fn encode(tokens: &[TokenId]) -> String {
    tokens.iter().map(|t| t.to_string()).collect()
}

/// The bit patterns of the first four uniforms of seed 0, as computed natively.
pub const FIRST_UNIFORMS_SEED_0: [u64; 4] =
    [0x3fe6b0beecf4f347, 0x3fddd1a957eeb630, 0x3fe65f61a6503c54, 0x3faecec1491f3710];

/// The bit patterns of the first four uniforms of seed 0, as computed here.
pub fn first_uniforms_seed_0() -> [u64; 4] {
    let mut rng = seeded_rng(0);
    std::array::from_fn(|_| sampling::uniform(&mut rng).to_bits())
}
