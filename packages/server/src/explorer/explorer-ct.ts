import type { explorer } from '@sigbox/api';
import { encoding } from '@sigbox/core';
import { decodeMerkleTreeLeaf, decodePrecertExtraData, decodeX509ExtraData } from '@sigbox/ctlog';
import type { Database } from '@sigbox/db';
import type { Operation } from '../pipeline/operation.js';
import { operationsOf } from '../pipeline/operation.js';
import { RequestProblem } from '../pipeline/request-problem.js';
import { type EntryRow, entriesByKey, entryAt, newestEntries } from './explorer-queries.js';
import { badRequest, intParam } from './query-params.js';

type CertificateEntry = explorer.components['schemas']['CertificateEntry'];

const DEFAULT_LIST_LIMIT = 20;
const DEFAULT_SEARCH_LIMIT = 50;
const MAX_LIMIT = 100;

/**
 * A CT entry as the explorer shows it: the certificate as submitted (for a precert entry the precertificate, kept in
 * extra_data: the leaf holds only its TBS without the poison), its chain, and the SCT timestamp from the leaf.
 */
export function certificateEntryOf(row: EntryRow): CertificateEntry {
  const leaf = decodeMerkleTreeLeaf(row.data);
  const extra = row.extra ?? new Uint8Array();
  if (leaf.entry.type === 'precert') {
    const { precertificate, chain } = decodePrecertExtraData(extra);
    return { leafIndex: Number(row.idx), timestamp: leaf.timestamp, entryType: 'precert', certificate: encoding.toBase64(precertificate), chain: chain.map((c) => encoding.toBase64(c)) };
  }
  const chain = decodeX509ExtraData(extra);
  return { leafIndex: Number(row.idx), timestamp: leaf.timestamp, entryType: 'x509', certificate: encoding.toBase64(leaf.entry.certificate), chain: chain.map((c) => encoding.toBase64(c)) };
}

const op = operationsOf<explorer.paths>();

/** The certificates pages' reads over the CT tree taking entries now (`treeId()`; undefined without a CT log). */
export function ctOperations(db: Database, treeId: () => bigint | undefined): Operation[] {
  const list = op.get('/sigbox/v1/explorer/ct/entries', async ({ query }) => {
    const limit = intParam(query, 'limit', { min: 1, max: MAX_LIMIT }) ?? DEFAULT_LIST_LIMIT;
    const before = intParam(query, 'before', { min: 0 });
    const tree = treeId();
    const entries = tree === undefined ? [] : (await newestEntries(db, tree, before === undefined ? undefined : BigInt(before), limit)).map(certificateEntryOf);
    const last = entries.at(-1);
    return { status: 200, body: entries.length === limit && last !== undefined && last.leafIndex > 0 ? { entries, nextBefore: last.leafIndex } : { entries } };
  });
  const search = op.get('/sigbox/v1/explorer/ct/search', async ({ query }) => {
    const subject = typeof query.subject === 'string' ? query.subject.trim().toLowerCase() : '';
    if (subject === '') throw badRequest('subject is required');
    const limit = intParam(query, 'limit', { min: 1, max: MAX_LIMIT }) ?? DEFAULT_SEARCH_LIMIT;
    const tree = treeId();
    return { status: 200, body: { entries: tree === undefined ? [] : (await entriesByKey(db, tree, subject, limit)).map(certificateEntryOf) } };
  });
  const one = op.get('/sigbox/v1/explorer/ct/entries/{leafIndex}', async ({ params }) => {
    const raw = params.leafIndex as unknown as string;
    if (!/^\d{1,18}$/.test(raw)) throw badRequest('leafIndex must be a non-negative integer');
    const tree = treeId();
    const row = tree === undefined ? undefined : await entryAt(db, tree, BigInt(raw));
    if (row === undefined) throw new RequestProblem('NOT_FOUND', 404, `no CT entry ${raw}`);
    return { status: 200, body: certificateEntryOf(row) };
  });
  return [list, search, one];
}
