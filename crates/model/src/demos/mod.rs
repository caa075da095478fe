//! The page's demonstrations that need the transformer's cache: the KV-cache recording and the
//! comparison of its two paths, and speculative sampling round by round. (Those that need only the
//! next logits are written against a function in `protocol::demos`.)

pub mod kv;
pub mod speculative;
