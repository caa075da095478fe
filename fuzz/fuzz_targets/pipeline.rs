//! Pipelines of any stages in any order on arbitrary logits (checks in `fuzzing::pipeline`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::pipeline(data));
