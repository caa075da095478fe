//! The one place the compute backend is chosen.
//!
//! Flex: burn's pure-Rust CPU backend, which builds for the browser without threads. Measured against
//! NdArray (deprecated upstream) on this lesson's models: in Chromium the cached transformer step runs
//! about 3.6 times faster (its fixed cost per tensor operation is much lower), training natively is about
//! 10 % faster, and the bundle is about 3 % larger. Figures in the README.
//!
//! NdArray, the backend the product's design named, stays a build option: `--features ndarray` runs
//! every model on it instead (CI runs this crate's tests that way once). burn marks it deprecated.

use burn::tensor::Device;

/// The device every model in the lesson runs on.
#[cfg(not(feature = "ndarray"))]
pub fn device() -> Device {
    Device::flex()
}

/// The device every model in the lesson runs on: NdArray, chosen at build time.
#[cfg(feature = "ndarray")]
#[allow(deprecated)] // chosen on purpose: the design named it, and it stays comparable
pub fn device() -> Device {
    Device::ndarray()
}
