/**
 * Entry point of a writer thread (see writer-thread-client.ts): the sequencers and integrators of every tree its
 * process opened on one database, each tree with a database pool of its own, driven by messages from the thread
 * that opened the trees.
 */
import { parentPort } from 'node:worker_threads';
import { createDb } from '@sigbox/db';
import { createCheckpointNoteSigners } from './checkpoint-signers.js';
import type { LogDb } from './storage.js';
import type { LogTables } from './tables.js';
import { type FromWriter, type Outcome, type ToWriter, type TreeWriterData, serializeError } from './writer-thread-protocol.js';
import { type TreeWriter, openLocalWriter } from './tree-writer.js';

const port = parentPort as NonNullable<typeof parentPort>;
const post = (message: FromWriter): void => port.postMessage(message);

interface HostedTree {
  /** Settles once the tree's writer is open (or failed to open): later messages for the tree wait on it. */
  readonly opened: Promise<TreeWriter | undefined>;
  /** Queues an add's outcome; a tree's outcomes of one event-loop turn go back as one message. */
  answer(outcome: Outcome): void;
  close(): Promise<void>;
}

const trees = new Map<number, HostedTree>();

function openTree(tree: number, data: TreeWriterData): HostedTree {
  // A connection that dies is the failure of the statement using it (its batch or round answers UNAVAILABLE, and
  // the next one reconnects), never of the thread: the pool's listeners take the error event.
  const database = createDb({ ...data.database, maxConnections: data.maxConnections });
  const db = database.kysely.withTables<LogTables>() as unknown as LogDb;
  // The keys the opening thread was given, so every checkpoint is signed as it would have signed it.
  const signers = createCheckpointNoteSigners(data.signers);
  const opened = openLocalWriter(
    db,
    { ...data.settings, signers, clock: () => new Date() },
    {
      onRound: (round, durationMs) => post({ type: 'round', tree, round, durationMs }),
      onSequenced: (batchSize) => post({ type: 'sequenced', tree, batchSize }),
    },
  ).then(
    (writer) => {
      post({ type: 'ready', tree });
      return writer;
    },
    async (error: unknown) => {
      await database.close().catch(() => undefined);
      // The opening side gives the tree up on this answer and sends nothing more for it.
      trees.delete(tree);
      post({ type: 'start-failed', tree, error: serializeError(error) });
      return undefined;
    },
  );

  let outcomes: Outcome[] = [];
  const sendOutcomes = (): void => {
    if (outcomes.length === 0) return;
    const ready = outcomes;
    outcomes = [];
    post({ type: 'added', tree, outcomes: ready });
  };
  const answer = (outcome: Outcome): void => {
    if (outcomes.length === 0) setImmediate(sendOutcomes);
    outcomes.push(outcome);
  };

  return {
    opened,
    answer,
    async close() {
      const writer = await opened;
      if (writer === undefined) return;
      try {
        await writer.close();
        // Every entry taken is integrated now; its answer leaves before `closed` does.
        await new Promise((resolve) => setImmediate(resolve));
        sendOutcomes();
      } finally {
        await database.close().catch(() => undefined);
      }
    },
  };
}

port.on('message', (message: ToWriter) => {
  if (message.type === 'open') {
    trees.set(message.tree, openTree(message.tree, message.data));
    return;
  }
  const hosted = trees.get(message.tree);
  if (hosted === undefined) return; // the opening thread sends nothing for a tree it has not opened
  switch (message.type) {
    case 'add':
      void hosted.opened.then((writer) => {
        for (const { id, entry, until } of message.entries) {
          const written = writer === undefined ? Promise.reject(new Error('the log writer did not open')) : until === 'sequenced' ? writer.sequence(entry) : writer.add(entry);
          written.then(
            (value) => hosted.answer({ id, value }),
            (error: unknown) => hosted.answer({ id, error: serializeError(error) }),
          );
        }
      });
      break;
    case 'drain':
      void hosted.opened
        .then((writer) => writer?.drain())
        .then(
          () => post({ type: 'drained', tree: message.tree, id: message.id, error: undefined }),
          (error: unknown) => post({ type: 'drained', tree: message.tree, id: message.id, error: serializeError(error) }),
        );
      break;
    case 'close':
      void hosted.close().finally(() => {
        trees.delete(message.tree);
        post({ type: 'closed', tree: message.tree });
      });
      break;
  }
});
