export * as encoding from './encoding.js';
export { BaseError, CoreError, type CoreErrorCode } from './error.js';
export { toPem, fromPem, parsePemBlocks, type PemBlock } from './pem.js';
export { canonicalize } from './canonical-json.js';
export { sha256, bytesEqual } from './hash.js';
export { readBodyWithin } from './body.js';
export { parseUint64, MAX_UINT64, MAX_INT64 } from './uint64.js';
export {
  type KeyAlgorithm,
  EC_SPKI_PREFIX,
  SIGNATURE_DIGEST,
  keyAlgorithm,
  parsePrivateKey,
  parsePublicKey,
  spkiDer,
  privateKeyToPem,
  generatePrivateKey,
} from './keys.js';
export {
  type Signer,
  createKeySigner,
  createEphemeralSigner,
  loadFileSigner,
  loadOrCreateFileSigner,
  loadOrCreatePrivateKey,
  loadPrivateKey,
  verifySignature,
} from './signer.js';
export { derToP1363, p1363ToDer } from './ecdsa-signature.js';
