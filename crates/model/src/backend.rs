//! The one place the compute backend is chosen.
//!
//! Flex: burn's pure-Rust CPU backend, which builds for the browser without threads. Measured against
//! NdArray (deprecated upstream) on this lesson's models: in Chromium the cached transformer step runs
//! about 3.6 times faster (its fixed cost per tensor operation is much lower), training natively is about
//! 10 % faster, and the bundle is about 3 % larger. Figures in the README; switching back is this line and
//! the burn feature in the workspace manifest.

use burn::tensor::Device;

/// The device every model in the lesson runs on.
pub fn device() -> Device {
    Device::flex()
}
