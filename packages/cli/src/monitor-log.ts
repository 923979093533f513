import { readFile } from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import { parsePublicKey } from '@sigbox/core';
import { createDb, runMigrations } from '@sigbox/db';
import {
  type DocumentStore,
  type LogReader,
  type NamedLogKey,
  type TreeHeadVerifier,
  createCheckpointVerifier,
  createCtReader,
  createDbDocumentStore,
  createFileDocumentStore,
  createRekorV1Reader,
  createSthVerifier,
  createTilesReader,
  logKeysFromTrustedRoot,
} from '@sigbox/monitor';
import { TRUSTED_ROOT_PATH } from '@sigbox/server';
import type { MonitorCommand } from './monitor-config.js';

// What `sigbox monitor` follows and where it keeps what it knows: the reader, the log's keys, the head verifier and
// the state/outbox documents, each from the validated command line.

/** A failure that ends the command with exit 2 and one line on stderr. */
export class MonitorFailure extends Error {}

/** For `tiles`, a URL without a path is this Sigbox: its Rekor v2 tiles at /api/v2. */
export function readerFor(command: MonitorCommand): LogReader {
  if (command.kind === 'rekor-v1') return createRekorV1Reader({ url: command.log });
  if (command.kind === 'ct') return createCtReader({ url: command.log });
  const prefix = new URL(command.log).pathname === '/' ? `${command.log}/api/v2` : command.log;
  return createTilesReader({ prefix });
}

export async function logKeys(command: MonitorCommand): Promise<NamedLogKey[]> {
  const named = command.trustUrl ?? command.log;
  const name = new URL(named).hostname;
  if (command.logKeyFile !== undefined) {
    let key: KeyObject;
    try {
      key = parsePublicKey(await readFile(command.logKeyFile, 'utf8'));
    } catch (err) {
      throw new MonitorFailure(`cannot read the log key ${command.logKeyFile}: ${(err as Error).message}`);
    }
    return [{ name, publicKey: key }];
  }
  const url = `${new URL(command.log).origin}${TRUSTED_ROOT_PATH}`;
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) }).catch((err: Error) => {
    throw new MonitorFailure(`cannot fetch ${url} for the log's keys (or give --log-key): ${err.message}`);
  });
  if (!res.ok) throw new MonitorFailure(`cannot fetch ${url} for the log's keys (or give --log-key): HTTP ${res.status}`);
  try {
    return logKeysFromTrustedRoot(await res.json(), named, command.kind);
  } catch (err) {
    throw new MonitorFailure(`${url}: ${(err as Error).message}`);
  }
}

export function verifierFor(command: MonitorCommand, keys: readonly NamedLogKey[]): TreeHeadVerifier {
  if (command.kind !== 'ct') return createCheckpointVerifier({ keys, rekorV1Strict: command.kind === 'rekor-v1' });
  const verifiers = keys.map((k) => createSthVerifier(k.publicKey));
  return (served) => {
    let last: unknown;
    for (const verify of verifiers) {
      try {
        return verify(served);
      } catch (err) {
        last = err;
      }
    }
    throw last;
  };
}

export async function documentStores(command: MonitorCommand, source: string): Promise<{ state: DocumentStore; outbox: DocumentStore; close(): Promise<void> }> {
  if (command.store.kind === 'file') {
    return { state: createFileDocumentStore(command.store.file), outbox: createFileDocumentStore(`${command.store.file}.outbox`), close: async () => {} };
  }
  const db = createDb({ url: command.store.url });
  await runMigrations(db);
  return { state: createDbDocumentStore(db.kysely, `state:${source}`), outbox: createDbDocumentStore(db.kysely, `outbox:${source}`), close: () => db.close() };
}
