export { CtError, CT_ERROR_STATUS, type CtErrorCode } from './errors.js';
export { createCtLog, DEFAULT_SCT_TIMEOUT_MS, type CtLog, type CtLogOptions, type SctIssuer } from './ct-log.js';
export { ctTreeDescription, CT_TREE_NAME, DEFAULT_CT_INTEGRATION_INTERVAL_MS, type CtTreeOptions } from './ct-tree.js';
export {
  ENTRY_TYPE,
  type EntryType,
  type SignedEntry,
  type TimestampedEntry,
  encodeMerkleTreeLeaf,
  decodeMerkleTreeLeaf,
} from './merkle-tree-leaf.js';
export { type Sct, type SctSigner, SCT_VERSION_V1, logIdOf, sctSignedData, encodeSct, decodeSct, createSctSigner, signSct, verifySct } from './sct.js';
export {
  type DigitallySigned,
  HASH_SHA256,
  SIGNATURE_ECDSA,
  SIGNATURE_RSA,
  encodeDigitallySigned,
  decodeDigitallySigned,
  verifyDigitallySigned,
} from './digitally-signed.js';
export { type TreeHead, treeHeadSignatureInput, signTreeHead, verifyTreeHead } from './tree-head.js';
export {
  type PrecertChainEntry,
  encodeX509ExtraData,
  decodeX509ExtraData,
  encodePrecertExtraData,
  decodePrecertExtraData,
} from './extra-data.js';
export { validateChain, prepareRoots, MAX_CHAIN_LENGTH, type AcceptedRoots, type ValidatedChain } from './chain.js';
export { parseChainRequest, parseParam, parseHashParam, type CtParam } from './params.js';
export { MAX_GET_ENTRIES } from './reads.js';
export { entryIdentity } from './submit.js';
export { ctIndexKeys, ctIndexKeysOfEntry } from './index-keys.js';
export type {
  AddChainResponse,
  AddedChain,
  GetSthResponse,
  GetSthConsistencyResponse,
  GetProofByHashResponse,
  GetEntriesResponse,
  GetEntryAndProofResponse,
  GetRootsResponse,
  LeafEntry,
} from './responses.js';
