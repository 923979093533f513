import type { LogEntryTextParts } from './log-entry-text.js';

/**
 * What never changes about an integrated entry: its leaf hash, integration time, signed entry timestamp
 * and the JSON around its proof. Kept per index so a read needs no query, no fresh signature and no
 * serialization of the body — only the inclusion proof, which depends on the tree size, is built per read. Bounded by the bytes it holds, least recently used first
 * out; the database stays the only record (a miss just reads it).
 */
export interface EntryFacts {
  readonly leafHash: Uint8Array;
  /** Unix seconds: when the first checkpoint covering the entry was signed. */
  readonly integratedTime: number;
  readonly signedEntryTimestamp: Uint8Array;
  /** The JSON around the proof; the body is in it, base64 (bodyOfTextParts), so it is not kept a second time. */
  readonly text: LogEntryTextParts;
}

export interface EntryCache<V> {
  get(index: bigint): V | undefined;
  set(index: bigint, value: V): void;
  delete(index: bigint): void;
}

/** Per entry beside its body: the map slot, the hashes, the SET and the objects holding them. */
export const ENTRY_OVERHEAD_BYTES = 256;

/** The bytes an entry's facts hold: the JSON around its proof (the body within it) and the overhead. */
export const entryFactsBytes = (facts: EntryFacts): number => facts.text.head.length + facts.text.tail.length + ENTRY_OVERHEAD_BYTES;

/** A least-recently-used map by index, bounded by the bytes `size` says each value holds. */
export function createEntryCache<V>(maxBytes: number, size: (value: V) => number): EntryCache<V> {
  // A Map iterates in insertion order: re-inserting on a hit makes its first key the least recently used.
  const entries = new Map<bigint, V>();
  let bytes = 0;
  const remove = (index: bigint) => {
    const old = entries.get(index);
    if (old === undefined) return;
    entries.delete(index);
    bytes -= size(old);
  };
  return {
    get(index) {
      const facts = entries.get(index);
      if (facts !== undefined) {
        entries.delete(index);
        entries.set(index, facts);
      }
      return facts;
    },
    delete: remove,
    set(index, value) {
      remove(index);
      entries.set(index, value);
      bytes += size(value);
      for (const [oldest, evicted] of entries) {
        if (bytes <= maxBytes) break;
        entries.delete(oldest);
        bytes -= size(evicted);
      }
    },
  };
}
