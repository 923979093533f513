// The Rekor v2 personality (rekor-tiles): its own tree beside v1's, on the same engine.
export { RekorV2Error, REKOR_V2_ERROR_STATUS, type RekorV2ErrorCode } from './errors.js';
export { parseCreateEntryRequest, entryLeaf, type RekorV2Entry } from './create-entry-request.js';
export { KEY_DETAILS_DIGEST } from './key-details.js';
export { transparencyLogEntryJson, type TransparencyLogEntryJson, type TransparencyLogEntryParts } from './transparency-log-entry.js';
export { REKOR_V2_TREE_NAME, rekorV2Origin, rekorV2LogId, rekorV2TreeDescription, checkRekorV2Key, type RekorV2TreeOptions } from './rekor-v2-tree.js';
export { createRekorV2Log, type RekorV2Log, type RekorV2LogOptions } from './rekor-v2-log.js';
export type { CheckpointWitnessing } from './witnessing.js';
export { rekorV2IndexKeys, rekorV2IndexKeysOfLeaf } from './index-keys.js';
