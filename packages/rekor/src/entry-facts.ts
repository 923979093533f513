import { type Signer, encoding } from '@sigbox/core';
import type { IntegratedState, LogTree } from '@sigbox/log';
import { ENTRY_OVERHEAD_BYTES, type EntryFacts, createEntryCache, entryFactsBytes } from './entry-cache.js';
import { entryId } from './entry-id.js';
import { entryTimestampPayload, signEntryTimestamp } from './entry-timestamp.js';
import { logEntryTextParts } from './log-entry-text.js';

/**
 * Memory for entries kept for reads, by default (`sigbox up --entry-cache-mib`): two thirds for integrated entries
 * with their SETs and the JSON around their proofs, one third for entries read ahead but not yet asked for (no SET
 * signed yet). 48 MiB keeps the last ≈ 24,000 hashedrekord entries with a public key (bench/log's; ≈ 12,000
 * with a certificate) and a few dozen bundles read ahead; more makes random reads of an older, larger log cheaper,
 * at that much more resident memory (bench/memory/README.md has the trade measured).
 */
export const DEFAULT_ENTRY_CACHE_BYTES = 48 * 1024 * 1024;
/**
 * A miss reads the whole aligned range of this many entries (one C2SP entry bundle): monitors read in order,
 * and a process that did not create an entry (another worker, a restart) then fills its cache with one
 * query per 256 entries instead of one per entry.
 */
const READ_AHEAD_ENTRIES = 256n;

type StoredEntry = { index: bigint; data: Uint8Array; leafHash: Uint8Array; integratedAt: Date };

export interface EntryFactsStore {
  /** The facts of an entry just integrated (the create path): its SET is signed here, once. */
  record(index: bigint, body: Uint8Array, leafHash: Uint8Array, integratedAt: Date): Promise<EntryFacts>;
  /** An integrated entry's facts and the state to prove it in; undefined beyond the integrated tree. */
  read(index: bigint): Promise<{ facts: EntryFacts; state: IntegratedState } | undefined>;
}

/**
 * What reads of the Rekor log need per entry, from memory when this process has it: a SET covers fixed facts of
 * an entry (body, time, index), so one signature serves every later read, and an entry this process created or
 * read before is proven with no query at all. The database stays the only record. Indexes are the tree's own; the
 * SET and the JSON carry the log's global index, `indexOffset` (the entries of the shards before this one) above it.
 */
export function createEntryFactsStore(tree: LogTree, signer: Signer, logId: string, cacheBytes = DEFAULT_ENTRY_CACHE_BYTES, indexOffset = 0n): EntryFactsStore {
  const known = createEntryCache(Math.floor((cacheBytes * 2) / 3), entryFactsBytes);
  const readAhead = createEntryCache<StoredEntry>(Math.floor(cacheBytes / 3), (e) => e.data.length + ENTRY_OVERHEAD_BYTES);
  const readingAhead = new Map<bigint, Promise<void>>();

  async function record(index: bigint, body: Uint8Array, leafHash: Uint8Array, integratedAt: Date): Promise<EntryFacts> {
    const integratedTime = Math.floor(integratedAt.getTime() / 1000);
    const logIndex = indexOffset + index;
    const payload = entryTimestampPayload({ body: encoding.toBase64(body), integratedTime, logID: logId, logIndex });
    const signedEntryTimestamp = await signEntryTimestamp(payload, signer);
    const text = logEntryTextParts({ entryId: entryId(tree.treeId, leafHash), body, integratedTime, logId, logIndex, signedEntryTimestamp });
    const facts = { leafHash, integratedTime, signedEntryTimestamp, text };
    known.set(index, facts);
    return facts;
  }

  /** Reads the aligned range holding `index` into `readAhead`, once for any number of concurrent misses. */
  function readRangeOf(index: bigint, size: bigint): Promise<void> {
    const start = index - (index % READ_AHEAD_ENTRIES);
    let reading = readingAhead.get(start);
    if (!reading) {
      const end = start + READ_AHEAD_ENTRIES < size ? start + READ_AHEAD_ENTRIES : size;
      reading = tree.integratedEntries(start, end).then((rows) => {
        for (const row of rows) readAhead.set(row.index, row);
      });
      readingAhead.set(start, reading);
      void reading.finally(() => readingAhead.delete(start)).catch(() => undefined);
    }
    return reading;
  }

  return {
    record,
    async read(index) {
      const knownState = tree.known();
      const state = knownState !== undefined && index < knownState.size ? knownState : await tree.latest();
      if (index < 0n || index >= state.size) return undefined;
      const cached = known.get(index);
      if (cached) return { facts: cached, state };
      if (!readAhead.get(index)) await readRangeOf(index, state.size);
      const stored = readAhead.get(index) ?? (await tree.integratedEntry(index));
      if (!stored) return undefined;
      readAhead.delete(index);
      // A concurrent read of the same entry may have recorded it meanwhile: keep one SET per entry.
      return { facts: known.get(index) ?? (await record(index, stored.data, stored.leafHash, stored.integratedAt)), state };
    },
  };
}
