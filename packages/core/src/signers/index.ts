export {
  SIGNER_ALGORITHM_ATTRIBUTE,
  type AsyncSigner,
  type SignInput,
  type Signer,
  type SignerOptions,
} from './signer.js';
export {
  SIGNER_CONFIG_ERROR_CODES,
  SignerConfigError,
  type SignerConfigErrorCode,
} from './signer-config-error.js';
export { instrumentAsyncSigner, instrumentSigner, type InstrumentSignerOptions } from './instrument-signer.js';
export type { PrivateKeyInput } from './private-key-import.js';
export {
  createHmacSha256Signer,
  HMAC_KEY_ENCODINGS,
  type HmacKeyEncoding,
  type HmacSha256SignerOptions,
} from './hmac-sha256-signer.js';
export { createEd25519Signer, type Ed25519SignerOptions } from './ed25519-signer.js';
export {
  createEcdsaP256Signer,
  ECDSA_SIGNATURE_ENCODINGS,
  type EcdsaP256SignerOptions,
  type EcdsaSignatureEncoding,
} from './ecdsa-p256-signer.js';
