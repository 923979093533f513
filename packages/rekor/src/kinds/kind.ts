/** `insert`: createLogEntry (kind enabled, version insertable, writeOnly fields present); `search`: entries/retrieve. */
export type EntryMode = 'insert' | 'search';

/** A type's verdict on a spec: the canonical spec (before JCS) and the search-index keys it yields. */
export interface KindResult {
  spec: Record<string, unknown>;
  indexKeys: string[];
}

/**
 * One Rekor type version (rekor `types.EntryImpl`): Unmarshal + validation (signatures included), Insertable
 * when inserting, then Canonicalize and IndexKeys. Failures reject with Errors whose message is upstream's
 * `err.Error()`. Asynchronous because signatures are verified on the thread pool.
 */
export type ParseSpec = (spec: unknown, mode: EntryMode) => Promise<KindResult>;
