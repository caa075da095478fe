//! The one place the compute backend is chosen.
//!
//! NdArray: a CPU backend that builds for the browser without threads. burn marks it deprecated in
//! favour of Flex; the performance issue weighs the two by measurement, and switching is this line.

use burn::tensor::Device;

/// The device every model in the lesson runs on.
#[allow(deprecated)] // NdArray is the stack's chosen backend until the performance issue measures Flex.
pub fn device() -> Device {
    Device::ndarray()
}
