//! Seeded, portable randomness.

/// The generator for everything a learner or a test expects to replay: ChaCha with 8 rounds. Its output
/// is fixed by the algorithm (and checked against reference vectors by its crate), so a seed gives the
/// same stream on every platform, natively and in WebAssembly. `StdRng` promises no such thing.
pub type SeededRng = rand_chacha::ChaCha8Rng;

/// A generator from a 64-bit seed.
pub fn seeded_rng(seed: u64) -> SeededRng {
    rand::SeedableRng::seed_from_u64(seed)
}

/// A uniform number in [0, 1): the top 53 bits of one 64-bit output, times 2⁻⁵³. Written out rather
/// than left to a library's float conversion so that the stream of draws is fixed by this line.
pub fn uniform<R: rand::Rng + ?Sized>(rng: &mut R) -> f64 {
    const SCALE: f64 = 1.0 / (1u64 << 53) as f64;
    (rng.next_u64() >> 11) as f64 * SCALE
}

/// u clamped to [0, 1); NaN becomes 0.
pub(crate) fn clamp_unit(u: f64) -> f64 {
    if u.is_nan() { 0.0 } else { u.clamp(0.0, 1.0 - f64::EPSILON / 2.0) }
}
