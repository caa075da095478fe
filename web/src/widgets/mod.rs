//! The page's widgets: thin views over the structs in [`crate::state`].

pub mod axes;
pub mod bars;
pub mod beam;
pub mod beyond;
pub mod control;
pub mod drag;
pub mod engines;
pub mod kv;
pub mod nucleus;
pub mod predict;
pub mod slider;
pub mod speculative;
pub mod stages;
pub mod steps;
pub mod strip;
pub mod temperature;
pub mod text;
pub mod text_bars;
pub mod text_beam;
pub mod text_kv;
pub mod text_loop;
