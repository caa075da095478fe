//! Plain state behind the widgets: no Leptos, no DOM, tested natively.

pub mod bars;
pub mod kv;
pub mod nucleus;
pub mod projection;
pub mod samples;
pub mod sliders;
pub mod temperature;
