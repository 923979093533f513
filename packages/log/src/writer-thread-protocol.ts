import type { ThreadDbOptions } from '@sigbox/db';
import type { ThreadCheckpointSigner } from './checkpoint-signers.js';
import { LogError, type LogErrorCode } from './errors.js';
import type { IntegrationRound } from './integrator.js';
import type { EntryToSequence, Sequenced } from './sequencer.js';
import type { WriterSettings, WrittenEntry } from './tree-writer.js';

/**
 * What a writer thread hosts for one tree (sent with `open`): plain data and KeyObjects, which cross threads. One
 * thread hosts every tree its process opens on one database; each tree has a pool of its own there.
 */
export interface TreeWriterData {
  /** The opening thread's database, timeouts included; the tree's pool has `maxConnections` of its own. */
  database: ThreadDbOptions;
  maxConnections: number;
  settings: WriterSettings;
  signers: readonly ThreadCheckpointSigner[];
}

/**
 * Messages name their tree by a number the opening thread gave it. Adds travel in one message per tree and
 * event-loop turn each way: a message wakes the other thread, which costs more than copying.
 */
export type ToWriter =
  | { type: 'open'; tree: number; data: TreeWriterData }
  | { type: 'add'; tree: number; entries: Array<{ id: number; entry: EntryToSequence; until: Until }> }
  | { type: 'drain'; tree: number; id: number }
  | { type: 'close'; tree: number };

/** What an add waits for: `TreeWriter.sequence` or `TreeWriter.add`. */
export type Until = 'sequenced' | 'integrated';

export type Outcome = { id: number; value: WrittenEntry | Sequenced } | { id: number; error: SerializedError };

export type FromWriter =
  | { type: 'ready'; tree: number }
  | { type: 'start-failed'; tree: number; error: SerializedError }
  | { type: 'round'; tree: number; round: IntegrationRound; durationMs: number }
  | { type: 'sequenced'; tree: number; batchSize: number }
  | { type: 'added'; tree: number; outcomes: Outcome[] }
  | { type: 'drained'; tree: number; id: number; error: SerializedError | undefined }
  | { type: 'closed'; tree: number };

export interface SerializedError {
  name: string;
  message: string;
  code: string | undefined;
  details: Record<string, unknown> | undefined;
}

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), code: undefined, details: undefined };
  const { code, details } = error as { code?: unknown; details?: unknown };
  return {
    name: error.name,
    message: error.message,
    code: typeof code === 'string' ? code : undefined,
    // Details are plain data by convention; anything else would not survive the copy anyway.
    details: details !== null && typeof details === 'object' ? (structuredCloneable(details) as Record<string, unknown>) : undefined,
  };
}

/** The error again on this side: a LogError stays a LogError (callers branch on its code), others keep name and code. */
export function deserializeError(error: SerializedError): Error {
  if (error.name === 'LogError' && error.code !== undefined) {
    return new LogError(error.code as LogErrorCode, error.message, error.details === undefined ? {} : { details: error.details });
  }
  return Object.assign(new Error(error.message), { name: error.name, ...(error.code === undefined ? {} : { code: error.code }) });
}

function structuredCloneable(value: object): unknown {
  try {
    return structuredClone(value);
  } catch {
    return undefined;
  }
}
