/**
 * Entry point of a writer thread (see writer-thread-client.ts): the tree's sequencer and integrator with a database
 * pool of their own, driven by messages from the thread that opened the tree.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createDb } from '@sigbox/db';
import { createCheckpointNoteSigners } from './checkpoint-signers.js';
import type { LogDb } from './storage.js';
import type { LogTables } from './tables.js';
import { type FromWriter, type Outcome, type ToWriter, type WriterThreadData, serializeError } from './writer-thread-protocol.js';
import { openLocalWriter } from './tree-writer.js';

const data = workerData as WriterThreadData;
const port = parentPort as NonNullable<typeof parentPort>;
const post = (message: FromWriter): void => port.postMessage(message);

// A connection that dies is the failure of the statement using it (its batch or round answers UNAVAILABLE, and the
// next one reconnects), never of the thread: the pool's listeners take the error event.
const database = createDb({ ...data.database, maxConnections: data.maxConnections });
const db = database.kysely.withTables<LogTables>() as unknown as LogDb;
// The keys the opening thread was given, so every checkpoint is signed as it would have signed it.
const signers = createCheckpointNoteSigners(data.signers);

try {
  const writer = await openLocalWriter(
    db,
    { ...data.settings, signers, clock: () => new Date() },
    {
      onRound: (round, durationMs) => post({ type: 'round', round, durationMs }),
      onSequenced: (batchSize) => post({ type: 'sequenced', batchSize }),
    },
  );
  let outcomes: Outcome[] = [];
  const sendOutcomes = (): void => {
    if (outcomes.length === 0) return;
    const ready = outcomes;
    outcomes = [];
    post({ type: 'added', outcomes: ready });
  };
  const answer = (outcome: Outcome): void => {
    if (outcomes.length === 0) setImmediate(sendOutcomes);
    outcomes.push(outcome);
  };
  port.on('message', (message: ToWriter) => {
    switch (message.type) {
      case 'add':
        for (const { id, entry, until } of message.entries) {
          (until === 'sequenced' ? writer.sequence(entry) : writer.add(entry)).then(
            (value) => answer({ id, value }),
            (error: unknown) => answer({ id, error: serializeError(error) }),
          );
        }
        break;
      case 'drain':
        writer.drain().then(
          () => post({ type: 'drained', id: message.id, error: undefined }),
          (error: unknown) => post({ type: 'drained', id: message.id, error: serializeError(error) }),
        );
        break;
      case 'close':
        void (async () => {
          try {
            await writer.close();
            // Every entry taken is integrated now; its answer leaves before `closed` does.
            await new Promise((resolve) => setImmediate(resolve));
            sendOutcomes();
          } finally {
            await database.close().catch(() => undefined);
            post({ type: 'closed' });
          }
        })();
        break;
    }
  });
  post({ type: 'ready' });
} catch (error) {
  await database.close().catch(() => undefined);
  post({ type: 'start-failed', error: serializeError(error) });
}
