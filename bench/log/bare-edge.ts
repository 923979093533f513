/**
 * The yardstick: a minimal Express app doing the per-request work of POST /api/v1/log/entries that does
 * not depend on the log — JSON parse, `parseProposedEntry` (key parse, signature verify, canonicalize,
 * leaf hash), a signed entry timestamp and a LogEntry response of Sigbox's shape — with no database, no
 * tree, no logging and no metrics. Runs as its own process (like `sigbox up`), started by main.ts:
 * `node --import tsx --conditions=@sigbox/source bench/log/bare-edge.ts [WORKERS]`; prints `listening on <url>`.
 * With WORKERS > 1 it runs that many processes behind one port (node:cluster), as `sigbox up --workers`.
 */
import cluster from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { createEphemeralSigner, encoding } from '@sigbox/core';
import { entryId, entryTimestampPayload, logEntryJson, logIdHex, parseProposedEntry, signEntryTimestamp } from '@sigbox/rekor';
import express from 'express';

/** Same limit as Sigbox's Rekor API (server app.ts; rekor-tiles' 4 MiB). */
const BODY_LIMIT = '4mb';
const TREE_ID = 1n;

const signer = createEphemeralSigner('ecdsa-p256');
const logId = logIdHex(signer.publicKey);
let nextIndex = 0;

const app = express();
app.use(express.json({ limit: BODY_LIMIT }));
app.post('/api/v1/log/entries', async (req, res) => {
  let entry;
  try {
    entry = await parseProposedEntry(req.body);
  } catch {
    res.status(400).json({ code: 400, message: 'invalid entry' });
    return;
  }
  const logIndex = nextIndex++;
  const integratedTime = Math.floor(Date.now() / 1000);
  const body = encoding.toBase64(entry.canonicalBody);
  const set = await signEntryTimestamp(entryTimestampPayload({ body, integratedTime, logID: logId, logIndex }), signer);
  const id = entryId(TREE_ID, entry.leafHash);
  // A one-leaf "proof" of the same shape, so the response costs what Sigbox's costs to serialise and send.
  const inclusionProof = { logIndex, treeSize: logIndex + 1, rootHash: entry.leafHash, hashes: [], checkpoint: 'bare edge\n1\nAA==\n' };
  res.status(201).set({ ETag: id, Location: `/api/v1/log/entries/${id}` });
  res.json(logEntryJson({ entryId: id, body: entry.canonicalBody, integratedTime, logId, logIndex, inclusionProof, signedEntryTimestamp: set }));
});

const WORKERS = Number(process.argv[2] ?? '1');

if (WORKERS > 1 && cluster.isPrimary) {
  const workers = Array.from({ length: WORKERS }, () => cluster.fork());
  let listening = 0;
  cluster.on('listening', (_worker, address) => {
    if (++listening === WORKERS) process.stderr.write(`bare edge listening on http://127.0.0.1:${address.port} with ${WORKERS} processes\n`);
  });
  process.on('SIGTERM', () => {
    for (const w of workers) w.process.kill('SIGTERM');
    cluster.on('exit', () => Object.keys(cluster.workers ?? {}).length === 0 && process.exit(0));
  });
} else {
  const server = app.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    if (cluster.isPrimary) process.stderr.write(`bare edge listening on http://127.0.0.1:${port}\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
