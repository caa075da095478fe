//! Saving and loading any module's weights as burn's burnpack bytes.

use burn::module::{Module, ModuleMapper, Param, Quantizer};
use burn::store::ModuleRecord;
use burn::tensor::Tensor;
use burn::tensor::quantization::{Calibration, QuantScheme, QuantStore, QuantValue, ScaleDtype};

use crate::ModelError;

/// The weights of `module` as burnpack bytes.
///
/// # Errors
/// [`ModelError::Weights`] if burn cannot serialize them.
pub fn to_bytes<M: Module>(module: M) -> Result<Vec<u8>, ModelError> {
    let bytes = module.into_record().into_bytes().map_err(|e| ModelError::Weights(e.to_string()))?;
    Ok(bytes.to_vec())
}

/// `module` with the weights in `bytes` loaded into it, in `f32` (quantized weights are dequantized);
/// its shapes must match theirs.
///
/// # Errors
/// [`ModelError::Weights`] when the bytes are not weights of this architecture.
pub fn from_bytes<M: Module>(module: M, bytes: &[u8]) -> Result<M, ModelError> {
    let record = ModuleRecord::from_bytes(burn::tensor::Bytes::from_bytes_vec(bytes.to_vec()))
        .map_err(|e| ModelError::Weights(e.to_string()))?;
    let loaded = module.try_load_record(record).map_err(|e| ModelError::Weights(e.to_string()))?;
    Ok(dequantized(loaded))
}

/// `module` with every float weight stored as 8-bit integers and one `f32` scale per tensor (burn's
/// symmetric Q8 quantization, min–max calibrated): how the shipped transformer is saved. Its weights then
/// download at about a third of their `f32` size; every figure on the model card is measured after
/// [`dequantized`], which is what the page runs.
pub fn quantized<M: Module>(module: M) -> M {
    let scheme =
        QuantScheme::default().with_value(QuantValue::Q8S).with_store(QuantStore::Native).per_tensor(ScaleDtype::F32);
    module.quantize_weights(&mut Quantizer::new(Calibration::MinMax, scheme))
}

/// `module` with every quantized weight turned back into `f32` (others are left as they are).
pub fn dequantized<M: Module>(module: M) -> M {
    struct Dequantizer;
    impl ModuleMapper for Dequantizer {
        fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
            param.map(Tensor::dequantize)
        }
    }
    module.map(&mut Dequantizer)
}

/// The SHA-256 of `bytes`, in hexadecimal: how a card names its weights file.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks that `bytes`, read from the file `name`, are the ones a card describes: `length` bytes with
/// the SHA-256 `sha256`. A truncated, padded or corrupt file never reaches burn.
///
/// # Errors
/// [`ModelError::Unavailable`] saying which check failed, as a sentence.
pub fn check(name: &str, bytes: &[u8], length: u64, sha256: &str) -> Result<(), ModelError> {
    if bytes.len() as u64 != length {
        return Err(ModelError::Unavailable(format!(
            "{name} has {} bytes where its card says {length}: the file is incomplete or not this model's",
            bytes.len()
        )));
    }
    if sha256_hex(bytes) != sha256 {
        return Err(ModelError::Unavailable(format!("{name} does not match its card's SHA-256: the file is damaged")));
    }
    Ok(())
}
