import type { ThreadDbOptions } from '@sigbox/db';
import type { ThreadCheckpointSigner } from './checkpoint-signers.js';
import { LogError, type LogErrorCode } from './errors.js';
import type { IntegrationRound } from './integrator.js';
import type { EntryToSequence, Sequenced } from './sequencer.js';
import type { WriterSettings, WrittenEntry } from './tree-writer.js';

/** What a writer thread starts with (`workerData`): plain data and KeyObjects, which cross threads. */
export interface WriterThreadData {
  /** The opening thread's database, timeouts included; the thread's pool has `maxConnections` of its own. */
  database: ThreadDbOptions;
  maxConnections: number;
  settings: WriterSettings;
  signers: readonly ThreadCheckpointSigner[];
}

/** Adds travel in one message per event-loop turn each way: a message wakes the other thread, which costs more than copying. */
export type ToWriter = { type: 'add'; entries: Array<{ id: number; entry: EntryToSequence; until: Until }> } | { type: 'drain'; id: number } | { type: 'close' };

/** What an add waits for: `TreeWriter.sequence` or `TreeWriter.add`. */
export type Until = 'sequenced' | 'integrated';

export type Outcome = { id: number; value: WrittenEntry | Sequenced } | { id: number; error: SerializedError };

export type FromWriter =
  | { type: 'ready' }
  | { type: 'start-failed'; error: SerializedError }
  | { type: 'round'; round: IntegrationRound; durationMs: number }
  | { type: 'sequenced'; batchSize: number }
  | { type: 'added'; outcomes: Outcome[] }
  | { type: 'drained'; id: number; error: SerializedError | undefined }
  | { type: 'closed' };

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
