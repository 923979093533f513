import type { KeyObject } from 'node:crypto';
import { type Signer, spkiDer, toPem } from '@sigbox/core';
import { type LogTree, mapLogErrors } from '@sigbox/log';
import { prepareRoots, validateChain } from './chain.js';
import { checkLogKey } from './digitally-signed.js';
import { ctErrorOf } from './engine-errors.js';
import { CtError } from './errors.js';
import type { CtParam } from './params.js';
import { createPrecertValidator } from './precert-validator.js';
import { createReads } from './reads.js';
import {
  type AddedChain,
  type GetEntriesResponse,
  type GetEntryAndProofResponse,
  type GetProofByHashResponse,
  type GetRootsResponse,
  type GetSthConsistencyResponse,
  type GetSthResponse,
  addedChain,
} from './responses.js';
import { createSctSigner, encodeSct, logIdOf } from './sct.js';
import { createSthSource } from './sth.js';
import { type Submitted, createSubmitter } from './submit.js';

/** How long the CA waits for an SCT before giving up on the certificate (Fulcio's own CT client allows 30 s). */
export const DEFAULT_SCT_TIMEOUT_MS = 3000;

/** Structurally @sigbox/ca's SctIssuer (ctlog may not import ca): log a precertificate, get one serialized SCT. */
export interface SctIssuer {
  logPrecertificate(precertificateDer: Uint8Array, issuerChainDer: readonly Uint8Array[]): Promise<Uint8Array>;
}

export interface CtLogOptions {
  /** The tree the log serves, opened from `ctTreeDescription` by whoever owns (and closes) it. */
  tree: LogTree;
  /** The CT log key: ECDSA P-256, distinct from the Rekor and CA keys, kept across restarts; it signs the checkpoints too. */
  signer: Signer;
  /** Accepted roots (DER): the Fulcio root(s), also served by get-roots. */
  roots: readonly Uint8Array[];
  /** The time SCTs and STHs carry. */
  clock?: () => Date;
  sctTimeoutMs?: number;
}

/**
 * The RFC 6962 API's logic on the log engine; the HTTP edge only moves JSON in and out. Its operations fail with
 * CtErrors only (the engine's errors are mapped here); anything else is an unexpected failure (a generic 500).
 */
export interface CtLog {
  readonly publicKey: KeyObject;
  readonly publicKeyPem: string;
  /** SHA-256 of the log key's SPKI DER (RFC 6962 §3.2), the trusted root's `ctlogs[].logId.keyId`. */
  readonly logId: Uint8Array;
  /**
   * In-process SCTs for the CA: add-pre-chain of `[precert, ...issuerChain]`, bounded by `sctTimeoutMs`. Same
   * verdict as addPreChain, but an issuer chain is validated once and then remembered by its bytes, and the SCT
   * is signed once the entry is durably sequenced (its integration follows within the round the sequencing set going).
   */
  readonly sctIssuer: SctIssuer;
  addChain(chainDer: readonly Uint8Array[]): Promise<AddedChain>;
  addPreChain(chainDer: readonly Uint8Array[]): Promise<AddedChain>;
  getSth(): Promise<GetSthResponse>;
  getSthConsistency(first: CtParam, second: CtParam): Promise<GetSthConsistencyResponse>;
  getProofByHash(hash: string | undefined, treeSize: CtParam): Promise<GetProofByHashResponse>;
  getEntries(start: CtParam, end: CtParam): Promise<GetEntriesResponse>;
  getRoots(): GetRootsResponse;
  getEntryAndProof(leafIndex: CtParam, treeSize: CtParam): Promise<GetEntryAndProofResponse>;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CtError('TIMEOUT', `the CT log did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function createCtLog(options: CtLogOptions): CtLog {
  checkLogKey(options.signer.publicKey);
  const roots = prepareRoots(options.roots);
  const clock = options.clock ?? (() => new Date());
  const { tree, signer, sctTimeoutMs = DEFAULT_SCT_TIMEOUT_MS } = options;
  const submit = createSubmitter({ tree, sctSigner: createSctSigner(signer), clock });
  const toAdded = ({ sct, leafIndex, duplicate }: Submitted): AddedChain => addedChain(sct, leafIndex, duplicate);
  const validatePrecert = createPrecertValidator(roots);
  const answered = <A extends unknown[], R>(operation: (...args: A) => Promise<R>) => mapLogErrors(operation, ctErrorOf);
  // The functions below are async so that a validation failure rejects rather than throws at the caller.
  const logPrecertificate = answered(async (precert: Uint8Array, issuerChain: readonly Uint8Array[]) =>
    encodeSct((await submit(await validatePrecert(precert, issuerChain), 'sequenced')).sct),
  );
  const reads = createReads(tree, roots);

  return {
    publicKey: signer.publicKey,
    publicKeyPem: toPem('PUBLIC KEY', spkiDer(signer.publicKey)),
    logId: logIdOf(signer.publicKey),
    sctIssuer: { logPrecertificate: (precert, issuerChain) => withTimeout(logPrecertificate(precert, issuerChain), sctTimeoutMs) },
    addChain: answered(async (chainDer: readonly Uint8Array[]) => toAdded(await submit(validateChain(chainDer, roots, 'x509'), 'integrated'))),
    addPreChain: answered(async (chainDer: readonly Uint8Array[]) => toAdded(await submit(validateChain(chainDer, roots, 'precert'), 'integrated'))),
    getSth: answered(createSthSource(tree, signer, clock)),
    getSthConsistency: answered(reads.getSthConsistency),
    getProofByHash: answered(reads.getProofByHash),
    getEntries: answered(reads.getEntries),
    getRoots: reads.getRoots,
    getEntryAndProof: answered(reads.getEntryAndProof),
  };
}
