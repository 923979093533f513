import { sha256 } from '@sigbox/core';
import { LogError, type LogTree } from '@sigbox/log';
import type { ValidatedChain } from './chain.js';
import { encodePrecertExtraData, encodeX509ExtraData } from './extra-data.js';
import { ctIndexKeys } from './index-keys.js';
import { ENTRY_TYPE, type EntryType, type TimestampedEntry, decodeMerkleTreeLeaf, encodeMerkleTreeLeaf } from './merkle-tree-leaf.js';
import type { Sct, SctSigner } from './sct.js';
import { TlsWriter } from './tls.js';

/** Sigbox's SCTs carry no extensions (RFC 6962 §3.2 `CtExtensions`: clients accept TesseraCT's leaf-index extension, but need none). */
const NO_EXTENSIONS = new Uint8Array(0);

export interface SubmitDeps {
  tree: LogTree;
  sctSigner: SctSigner;
  clock: () => Date;
}

/** A logged chain: its SCT (the original one for a resubmission) and where its entry sits. */
export interface Submitted {
  sct: Sct;
  leafIndex: bigint;
  /** True when the chain's leaf was logged before: the SCT carries the original timestamp. */
  duplicate: boolean;
}

/**
 * What makes two submissions the same entry: the entry type and the leaf certificate's DER (ctfe's leaf identity
 * hash is SHA-256 of the leaf certificate). Another chain for the same leaf is the same entry.
 */
export function entryIdentity(type: EntryType, leafDer: Uint8Array): Uint8Array {
  return sha256(new TlsWriter().u16(ENTRY_TYPE[type]).bytes(), leafDer);
}

function extraData(type: EntryType, path: Uint8Array[]): Uint8Array {
  const [leaf, ...chain] = path as [Uint8Array, ...Uint8Array[]];
  return type === 'x509' ? encodeX509ExtraData(chain) : encodePrecertExtraData({ precertificate: leaf, chain });
}

/**
 * How far an entry goes before its SCT is signed. An SCT promises integration within the maximum merge delay, so
 * `sequenced` (durably, with its index) is enough for it; add-chain and add-pre-chain still wait for
 * `integrated`, so a submitter who asks for a proof right after gets one.
 */
export type SubmitUntil = 'sequenced' | 'integrated';

/** add-chain / add-pre-chain (RFC 6962 §4.1–4.2) after validation: sequence (and integrate), then sign the SCT. */
export function createSubmitter(deps: SubmitDeps): (validated: ValidatedChain, until: SubmitUntil) => Promise<Submitted> {
  async function loggedEntry(index: bigint): Promise<TimestampedEntry> {
    const stored = await deps.tree.entry(index);
    if (!stored) throw new LogError('CORRUPT_STATE', `entry ${index} is in the log but cannot be read`);
    return decodeMerkleTreeLeaf(stored.data);
  }

  return async ({ path, entry }, until) => {
    // The timestamp is fixed before sequencing and is part of the leaf: the SCT promises exactly this leaf.
    const timestamped: TimestampedEntry = { timestamp: deps.clock().getTime(), entry, extensions: NO_EXTENSIONS };
    const toLog = { data: encodeMerkleTreeLeaf(timestamped), identity: entryIdentity(entry.type, path[0] as Uint8Array), extra: extraData(entry.type, path), keys: ctIndexKeys(path[0] as Uint8Array) };
    const added = await (until === 'sequenced' ? deps.tree.sequence(toLog) : deps.tree.add(toLog));
    // A resubmission gets its original SCT back (ctfe: "Always use the returned leaf as the basis for an SCT"):
    // same timestamp, same signed data, so any signature over it is that SCT.
    const logged = added.duplicate ? await loggedEntry(added.index) : timestamped;
    return { sct: await deps.sctSigner.sign(logged), leafIndex: added.index, duplicate: added.duplicate };
  };
}
