//! The page's widgets: thin views over the structs in [`crate::state`].

pub mod temperature;
