import { bytesEqual, encoding, sha256 } from '@sigbox/core';
import type { MonitorAlert } from './alert.js';
import type { TreeHead } from './tree-head.js';

/** The last verified head as the state keeps it. */
export interface VerifiedHead {
  readonly size: bigint;
  readonly rootHash: Uint8Array;
  readonly signed: string;
}

/** What to do with a newly served, signature-checked head. */
export type HeadVerdict =
  | { readonly action: 'unchanged' }
  | { readonly action: 'catch-up'; readonly from: bigint; readonly to: bigint }
  | { readonly action: 'alert'; readonly alert: MonitorAlert };

const hex = (b: Uint8Array) => encoding.toHex(b);

/**
 * Compares a verified new head with the last verified one (pure). Smaller: a rollback, since a log never shrinks
 * (RFC 9162 §8.2: a monitor must see heads only grow). Same size, other root: a fork (two trees under one key).
 * Larger: entries to read and prove; the caller then checks consistency and the rebuilt root.
 */
export function judgeHead(source: string, last: VerifiedHead | undefined, next: TreeHead): HeadVerdict {
  const from = last?.size ?? 0n;
  if (last === undefined && next.size === 0n) return { action: 'unchanged' };
  if (last !== undefined && next.size < last.size) {
    return {
      action: 'alert',
      alert: {
        id: `rollback:${source}:${last.size}:${hex(next.rootHash)}:${next.size}`,
        kind: 'rollback',
        rule: 'rollback',
        source,
        message: `log ${source} served a signed tree of ${next.size} entries after one of ${last.size}`,
        details: { verified: last.signed, served: next.signed },
      },
    };
  }
  if (last !== undefined && next.size === last.size) {
    return bytesEqual(next.rootHash, last.rootHash) ? { action: 'unchanged' } : { action: 'alert', alert: forkAlert(source, last, next, 'same size, different root') };
  }
  return { action: 'catch-up', from, to: next.size };
}

/** Two signed heads that cannot both be views of one append-only tree. */
export function forkAlert(source: string, last: VerifiedHead, next: TreeHead, why: string): MonitorAlert {
  return {
    id: `fork:${source}:${last.size}:${hex(last.rootHash)}:${next.size}:${hex(next.rootHash)}`,
    kind: 'fork',
    rule: 'fork',
    source,
    message: `log ${source} forked: its tree of ${next.size} entries is not an extension of the verified tree of ${last.size} (${why})`,
    details: { verified: last.signed, served: next.signed, why },
  };
}

/** A head whose signature does not verify: never trusted, evidence kept. */
export function badSignatureAlert(source: string, served: string, error: unknown): MonitorAlert {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    id: `bad-signature:${source}:${hex(sha256(encoding.utf8(served)))}`,
    kind: 'bad-signature',
    rule: 'bad-signature',
    source,
    message: `log ${source} served a tree head whose signature does not verify: ${reason}`,
    details: { served, reason },
  };
}

/** The entries read rebuild another root than the signed one: the log served entries that are not in its tree. */
export function badInclusionAlert(source: string, next: TreeHead, rebuilt: Uint8Array, from: bigint): MonitorAlert {
  return {
    id: `bad-inclusion:${source}:${from}:${next.size}:${hex(next.rootHash)}:${hex(rebuilt)}`,
    kind: 'bad-inclusion',
    rule: 'bad-inclusion',
    source,
    message: `log ${source}: entries ${from}..${next.size - 1n} it served do not hash to the root it signed`,
    details: { served: next.signed, rebuiltRoot: hex(rebuilt), from: from.toString() },
  };
}
