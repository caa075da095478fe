//! The page's demonstrations that need a model, written against a function from a context to the next
//! token's logits: the model worker runs them on the models when the learner asks, and the build runs
//! them natively on the same models for the page's first state.

pub mod beam;
pub mod greedy;
pub mod kv;
pub mod speculative;
pub mod steps;
