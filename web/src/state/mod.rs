//! Plain state behind the widgets: no Leptos, no DOM, tested natively.

pub mod axes;
pub mod bars;
pub mod beam;
pub mod beyond;
pub mod engines;
pub mod greedy;
pub mod kv;
pub mod nucleus;
pub mod predict;
pub mod projection;
pub mod quiz;
pub mod samples;
pub mod sliders;
pub mod speculative;
pub mod steps;
pub mod strip;
pub mod temperature;
pub mod text;
pub mod text_bars;
pub mod text_beam;
pub mod text_kv;
pub mod text_loop;
