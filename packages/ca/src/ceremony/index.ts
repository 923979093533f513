export { CeremonyError, type CeremonyErrorCode } from './error.js';
export { CA_FILES, caPaths, type CaFile, type CaPaths, type HsmConfig } from './layout.js';
export { CA_KEY_ALGORITHMS, DEFAULT_CA_KEY_ALGORITHM, CA_RSA_BITS, type CaKeyAlgorithm } from './file-keys.js';
export type { CaKeyOptions } from './ca-keys.js';
export type { HsmLogin } from './hsm-keys.js';
export {
  initCa,
  DEFAULT_ROOT_VALIDITY_YEARS,
  DEFAULT_INTERMEDIATE_VALIDITY_YEARS,
  type InitCaOptions,
  type InitializedCa,
  type CaName,
} from './init.js';
export { loadCa, type LoadCaOptions, type LoadedCa } from './load.js';
export { ensureDevCa, DEV_CA_SUBJECT } from './dev.js';
export { createCaCsr, type CreateCaCsrOptions, type CsrKeyOptions, type CaCsr } from './csr.js';
export { importIntermediate, type ImportIntermediateOptions } from './import.js';
