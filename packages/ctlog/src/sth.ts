import type { Signer } from '@sigbox/core';
import type { LogTree } from '@sigbox/log';
import { encodeDigitallySigned } from './digitally-signed.js';
import { type GetSthResponse, b64 } from './responses.js';
import { signTreeHead } from './tree-head.js';

/**
 * get-sth (RFC 6962 §4.3): the newest integrated tree head, signed once per size and then served from memory.
 * Timestamps never go backwards within a process, and are taken after integration, so they are at least as
 * recent as every SCT in the tree (RFC 6962 §3.5), whose timestamps were fixed before sequencing.
 */
export function createSthSource(tree: LogTree, signer: Signer, clock: () => Date): () => Promise<GetSthResponse> {
  let cached: { size: bigint; sth: Promise<GetSthResponse> } | undefined;
  let lastTimestamp = 0;

  async function sign(size: bigint, rootHash: Uint8Array): Promise<GetSthResponse> {
    const timestamp = Math.max(clock().getTime(), lastTimestamp);
    lastTimestamp = timestamp;
    const signature = await signTreeHead(signer, { timestamp, treeSize: size, rootHash });
    return { tree_size: Number(size), timestamp, sha256_root_hash: b64(rootHash), tree_head_signature: b64(encodeDigitallySigned(signature)) };
  }

  return async () => {
    const latest = await tree.latest();
    if (cached && cached.size >= latest.size) return cached.sth;
    const entry = { size: latest.size, sth: sign(latest.size, latest.rootHash) };
    cached = entry;
    // A failed signature is not cached: the next call tries again.
    entry.sth.catch(() => {
      if (cached === entry) cached = undefined;
    });
    return entry.sth;
  };
}
