import type { Tile } from '@sigbox/merkle';
import type { LogEntry, LogKind } from './log-entry.js';
import type { TreeHead } from './tree-head.js';

/**
 * The thin edge between the monitor and one log's read API. Nothing a reader returns is trusted: the follower
 * verifies the head's signature, the consistency proof and, by rebuilding the root, every entry.
 */
export interface LogReader {
  readonly kind: LogKind;
  /** The log's URL (the alerts' `source`). */
  readonly url: string;
  /** The tree head as served, verbatim (checkpoint text, or STH JSON for CT). */
  treeHead(): Promise<string>;
  /** An RFC 6962 consistency proof from `from` entries to the (verified) head `to`. */
  consistencyProof(from: bigint, to: TreeHead): Promise<Uint8Array[]>;
  /** Entries [start, head.size) in order, in batches; `head` is verified and names the tree to read. */
  entries(start: bigint, head: TreeHead): AsyncIterable<LogEntry[]>;
  /**
   * The tree's right edge at `head` (merkle `tilesNeededForAppend(head.size)`), for starting at the current head
   * without reading the history. Only logs that serve tiles have it.
   */
  edge?(head: TreeHead): Promise<Tile[]>;
  /**
   * A tree the log no longer appends to (a Rekor v1 shard frozen by a key rotation), by its checkpoint origin: its
   * final signed head as served and a reader for that tree, or undefined when the log does not serve it.
   */
  previousTree?(origin: string): Promise<{ served: string; reader: LogReader } | undefined>;
}
