//! Plain state behind the widgets: no Leptos, no DOM, tested natively.

pub mod temperature;
