//! Saving and loading any module's weights as burn's burnpack bytes.

use burn::module::Module;
use burn::store::ModuleRecord;

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
