export { Pkcs11Error, type Pkcs11ErrorCode } from './error.js';
export { openPkcs11Signer, type Pkcs11Signer, type Pkcs11SignerOptions } from './signer.js';
export { generatePkcs11Key, DEFAULT_RSA_BITS, type GeneratedPkcs11Key, type Pkcs11GenerateOptions } from './generate.js';
export type { TokenSelector } from './token.js';
export type { KeySelector } from './objects.js';
export type { Pkcs11KeyAlgorithm } from './public-key.js';
