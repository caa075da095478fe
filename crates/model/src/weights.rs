//! Saving and loading any module's weights as burn's burnpack bytes.

use burn::module::{Module, ModuleMapper, Param};
use burn::store::ModuleRecord;
use burn::tensor::{Tensor, TensorData};

use crate::ModelError;

/// The weights of `module` as burnpack bytes.
///
/// # Errors
/// [`ModelError::Weights`] if burn cannot serialize them.
pub fn to_bytes<M: Module>(module: M) -> Result<Vec<u8>, ModelError> {
    let bytes = module.into_record().into_bytes().map_err(|e| ModelError::Weights(e.to_string()))?;
    Ok(bytes.to_vec())
}

/// `module` with the weights in `bytes` loaded into it; its shapes must match theirs.
///
/// # Errors
/// [`ModelError::Weights`] when the bytes are not weights of this architecture.
pub fn from_bytes<M: Module>(module: M, bytes: &[u8]) -> Result<M, ModelError> {
    let record = ModuleRecord::from_bytes(burn::tensor::Bytes::from_bytes_vec(bytes.to_vec()))
        .map_err(|e| ModelError::Weights(e.to_string()))?;
    module.try_load_record(record).map_err(|e| ModelError::Weights(e.to_string()))
}

/// Explicit mantissa bits the shipped weights keep: those of a half-precision number. The page downloads
/// weights compressed; a weight whose low 13 of 23 mantissa bits are zero compresses to about half. The
/// relative change to each weight is at most 2⁻¹¹ ≈ 0.05 %, and the card's losses are measured after it.
pub const SHIPPED_MANTISSA_BITS: u32 = 10;

/// `x` rounded to the nearest `f32` with only `bits` explicit mantissa bits (ties to even).
pub fn round_mantissa(x: f32, bits: u32) -> f32 {
    if !x.is_finite() || bits >= 23 {
        return x;
    }
    let drop = 23 - bits;
    let raw = x.to_bits();
    let odd = (raw >> drop) & 1;
    let rounded = (raw + (1 << (drop - 1)) - 1 + odd) & !((1 << drop) - 1);
    f32::from_bits(rounded)
}

/// `module` with every float weight rounded by [`round_mantissa`].
pub fn rounded<M: Module>(module: M, bits: u32) -> M {
    struct Rounder(u32);
    impl ModuleMapper for Rounder {
        fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
            let bits = self.0;
            param.map(|tensor| match tensor.clone().into_data().try_to_vec::<f32>() {
                Ok(values) => {
                    let values: Vec<f32> = values.into_iter().map(|v| round_mantissa(v, bits)).collect();
                    Tensor::from_data(TensorData::new(values, tensor.shape()), &tensor.device())
                }
                Err(_) => tensor, // not f32: left as it is
            })
        }
    }
    module.map(&mut Rounder(bits))
}
