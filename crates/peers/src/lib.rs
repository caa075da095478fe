//! Nothing to build: this crate exists for `benches/peers.rs`, which measures the sampling core against
//! the libraries a user might pick instead.
