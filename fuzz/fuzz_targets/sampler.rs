//! The sampler's public API on arbitrary logits and settings (checks in `fuzzing::sampler`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::sampler(data));
