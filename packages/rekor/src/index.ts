export { RekorError, REKOR_ERROR_STATUS, GO_OPENAPI_CODE, type RekorErrorCode } from './errors.js';
export { parseProposedEntry, canonicalizeSearchEntry, MAX_INDEX_KEYS, type CanonicalEntry } from './proposed-entry.js';
export { MAX_DSSE_SIGNATURES, MAX_DSSE_VERIFIERS, MAX_DSSE_VERIFIED_BYTES } from './dsse-limits.js';
export { parseCanonicalBody, entryKindVersion, type CanonicalBody } from './canonical-body.js';
export {
  entryUuid,
  entryId,
  parseEntryRef,
  logIdHex,
  ENTRY_UUID_PATTERN,
  TREE_ID_HEX_LENGTH,
  UUID_HEX_LENGTH,
  ENTRY_ID_HEX_LENGTH,
  type EntryRef,
} from './entry-id.js';
export { entryTimestampPayload, signEntryTimestamp, verifyEntryTimestamp, type EntryTimestampFields } from './entry-timestamp.js';
export { logEntryJson, type LogEntryParts, type LogEntryAnon, type LogEntryMap } from './log-entry.js';
export { indexQueryKeys, MAX_SEARCH_INDEX_RESULTS, type IndexQuery } from './index-query.js';
export { preAuthEncoding } from './dsse-envelope.js';
export { createRekorLog, type RekorLog, type RekorLogOptions, type LogInfo, type InactiveShardLogInfo } from './rekor-log.js';
export { createShardedRekorLog, type ShardedRekorLog, type ShardedRekorLogOptions, type RekorShard, type ShardRange } from './sharded-rekor-log.js';
export { DEFAULT_ENTRY_CACHE_BYTES } from './entry-facts.js';
export { rekorTreeDescription, rekorShardTreeName, REKOR_TREE_NAME, type RekorTreeOptions } from './rekor-tree.js';
export { parseSearchLogQuery, MAX_SEARCH_ITEMS, type SearchLogQuery } from './search-query.js';
// Rekor v2 (rekor-tiles): v2/.
export * from './v2/index.js';
