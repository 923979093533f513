import { LogError, type LogTree } from '@sigbox/log';
import { isValidConsistency } from '@sigbox/merkle';
import type { AcceptedRoots } from './chain.js';
import { CtError } from './errors.js';
import { type CtParam, parseHashParam, parseParam } from './params.js';
import { type GetEntriesResponse, type GetEntryAndProofResponse, type GetProofByHashResponse, type GetSthConsistencyResponse, b64 } from './responses.js';

/** Entries per get-entries call (RFC 6962 §4.6 lets a log return fewer); one full tile of 256 leaves. */
export const MAX_GET_ENTRIES = 256;

const badRequest = (message: string): never => {
  throw new CtError('BAD_REQUEST', message);
};

/** The read endpoints of RFC 6962 §4.4–4.8 with ctfe's parameter checks (trillian/ctfe/handlers.go). */
export function createReads(tree: LogTree, roots: AcceptedRoots) {
  /** The root at `size`, or BAD_REQUEST when the log has not integrated that far. */
  async function rootAt(size: bigint, message: (integrated: bigint) => string): Promise<Uint8Array> {
    const latest = await tree.latest();
    if (size > latest.size) badRequest(message(latest.size));
    return size === latest.size ? latest.rootHash : tree.rootAt(size);
  }

  return {
    async getSthConsistency(first: CtParam, second: CtParam): Promise<GetSthConsistencyResponse> {
      const [size1, size2] = [parseParam('first', first), parseParam('second', second)];
      if (size1 < 0n || size2 < 0n) badRequest(`first and second params cannot be <0: ${size1} ${size2}`);
      if (size2 < size1) badRequest(`invalid first, second params: ${size1} ${size2}`);
      const root2 = await rootAt(size2, (got) => `need tree size: ${size2} for proof but only got: ${got}`);
      // ctfe answers an empty proof from size 0; equal sizes need none either.
      if (size1 === 0n || size1 === size2) return { consistency: [] };
      const proof = await tree.consistencyProof(size1, size2);
      if (!isValidConsistency(size1, size2, proof, await tree.rootAt(size1), root2)) {
        throw new LogError('PROOF_SELF_CHECK_FAILED', `consistency proof ${size1} → ${size2} does not verify`);
      }
      return { consistency: proof.map(b64) };
    },

    async getProofByHash(hash: string | undefined, treeSize: CtParam): Promise<GetProofByHashResponse> {
      const leafHash = parseHashParam(hash);
      const size = parseParam('tree_size', treeSize);
      if (size < 1n) badRequest(`missing or invalid tree_size: ${size}`);
      const latest = await tree.latest();
      if (size > latest.size) throw new CtError('NOT_FOUND', `log returned tree size: ${latest.size} but we expected: ${size}`);
      const index = await tree.findByLeafHash(leafHash);
      if (index === undefined || index >= size) throw new CtError('NOT_FOUND', 'no leaf with this hash in the tree of that size');
      const rootHash = size === latest.size ? latest.rootHash : await tree.rootAt(size);
      const path = await tree.proveInclusion(index, leafHash, { size, rootHash, checkpoint: '' });
      return { leaf_index: Number(index), audit_path: path.map(b64) };
    },

    async getEntries(start: CtParam, end: CtParam): Promise<GetEntriesResponse> {
      const [from, to] = [parseParam('start', start), parseParam('end', end)];
      if (from < 0n || to < 0n) badRequest(`start (${from}) and end (${to}) parameters must be >= 0`);
      if (from > to) badRequest(`start (${from}) and end (${to}) is not a valid range`);
      const last = to - from + 1n > MAX_GET_ENTRIES ? from + BigInt(MAX_GET_ENTRIES) - 1n : to;
      const { size } = await tree.latest();
      if (from >= size) badRequest(`need tree size: ${from + 1n} to get leaves but only got: ${size}`);
      const entries = await tree.entries(from, last + 1n);
      return { entries: entries.map((e) => ({ leaf_input: b64(e.data), extra_data: b64(e.extra ?? new Uint8Array(0)) })) };
    },

    getRoots: () => ({ certificates: roots.der.map(b64) }),

    async getEntryAndProof(leafIndex: CtParam, treeSize: CtParam): Promise<GetEntryAndProofResponse> {
      const [index, size] = [parseParam('leaf_index', leafIndex), parseParam('tree_size', treeSize)];
      if (size <= 0n) badRequest(`tree_size must be > 0, got: ${size}`);
      if (index < 0n) badRequest(`leaf_index must be >= 0, got: ${index}`);
      if (index >= size) badRequest(`leaf_index ${index} out of range for tree of size ${size}`);
      const rootHash = await rootAt(size, (got) => `need tree size: ${size} for proof but only got: ${got}`);
      const entry = await tree.entry(index);
      if (!entry) throw new LogError('CORRUPT_STATE', `entry ${index} is integrated but cannot be read`);
      const path = await tree.proveInclusion(index, entry.leafHash, { size, rootHash, checkpoint: '' });
      return { leaf_input: b64(entry.data), extra_data: b64(entry.extra ?? new Uint8Array(0)), audit_path: path.map(b64) };
    },
  };
}
