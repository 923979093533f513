import type { KeyObject } from 'node:crypto';
import { type Signer, spkiDer, toPem } from '@sigbox/core';
import type { Database } from '@sigbox/db';
import { type IntegrationRound, type LogTree, openLogTree } from '@sigbox/log';
import { createNoteSigner } from '@sigbox/merkle';
import { prepareRoots, validateChain } from './chain.js';
import { checkLogKey } from './digitally-signed.js';
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

/** The tree's name in the log engine's database. */
export const CT_TREE_NAME = 'ct';
/** How long the CA waits for an SCT before giving up on the certificate (Fulcio's own CT client allows 30 s). */
export const DEFAULT_SCT_TIMEOUT_MS = 3000;
/**
 * The CA's SCTs wait only for sequencing, so the CT tree integrates at most 20 times a second under load: a round
 * costs the same whatever it integrates (bench/ca). add-chain answers, and STHs, wait up to this much longer.
 */
export const DEFAULT_CT_INTEGRATION_INTERVAL_MS = 50;

/** Structurally @sigbox/ca's SctIssuer (ctlog may not import ca): log a precertificate, get one serialized SCT. */
export interface SctIssuer {
  logPrecertificate(precertificateDer: Uint8Array, issuerChainDer: readonly Uint8Array[]): Promise<Uint8Array>;
}

export interface CtLogOptions {
  database: Database;
  /** The CT log key: ECDSA P-256, distinct from the Rekor and CA keys, kept across restarts. */
  signer: Signer;
  /** Hostname of the public URL: the engine's checkpoints are signed as origin `<hostname>/ct`. */
  hostname: string;
  /** Accepted roots (DER): the Fulcio root(s), also served by get-roots. */
  roots: readonly Uint8Array[];
  clock?: () => Date;
  sctTimeoutMs?: number;
  batchSize?: number;
  batchMaxAgeMs?: number;
  batchQuietMs?: number;
  /** Least time between the starts of two integration rounds; default {@link DEFAULT_CT_INTEGRATION_INTERVAL_MS}. */
  integrationIntervalMs?: number;
  maxPending?: number;
  onIntegrated?: (round: IntegrationRound, durationMs: number) => void;
  onSequenced?: (batchSize: number) => void;
}

/** The RFC 6962 API's logic on the log engine; the HTTP edge only moves JSON in and out. */
export interface CtLog {
  readonly tree: LogTree;
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
  close(): Promise<void>;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CtError('TIMEOUT', `the CT log did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export async function createCtLog(options: CtLogOptions): Promise<CtLog> {
  checkLogKey(options.signer.publicKey);
  const roots = prepareRoots(options.roots);
  const clock = options.clock ?? (() => new Date());
  const origin = `${options.hostname}/ct`;
  const { signer, sctTimeoutMs = DEFAULT_SCT_TIMEOUT_MS } = options;
  const tree = await openLogTree(options.database, {
    name: CT_TREE_NAME,
    origin: () => origin,
    // CT clients read STHs, not checkpoints; the engine still signs one per size, with the CT key under the origin.
    signers: [createNoteSigner(origin, signer)],
    // Only an injected clock goes to the engine: with one, the engine keeps its writer on this thread.
    ...(options.clock ? { clock: options.clock } : {}),
    batchSize: options.batchSize,
    batchMaxAgeMs: options.batchMaxAgeMs,
    batchQuietMs: options.batchQuietMs,
    integrationIntervalMs: options.integrationIntervalMs ?? DEFAULT_CT_INTEGRATION_INTERVAL_MS,
    maxPending: options.maxPending,
    onIntegrated: options.onIntegrated,
    onSequenced: options.onSequenced,
  });
  const submit = createSubmitter({ tree, sctSigner: createSctSigner(signer), clock });
  const toAdded = ({ sct, leafIndex, duplicate }: Submitted): AddedChain => addedChain(sct, leafIndex, duplicate);
  const validatePrecert = createPrecertValidator(roots);
  // The functions below are async so that a validation failure rejects rather than throws at the caller.
  const logPrecertificate = async (precert: Uint8Array, issuerChain: readonly Uint8Array[]) =>
    encodeSct((await submit(await validatePrecert(precert, issuerChain), 'sequenced')).sct);

  return {
    tree,
    publicKey: signer.publicKey,
    publicKeyPem: toPem('PUBLIC KEY', spkiDer(signer.publicKey)),
    logId: logIdOf(signer.publicKey),
    sctIssuer: { logPrecertificate: (precert, issuerChain) => withTimeout(logPrecertificate(precert, issuerChain), sctTimeoutMs) },
    addChain: async (chainDer) => toAdded(await submit(validateChain(chainDer, roots, 'x509'), 'integrated')),
    addPreChain: async (chainDer) => toAdded(await submit(validateChain(chainDer, roots, 'precert'), 'integrated')),
    getSth: createSthSource(tree, signer, clock),
    ...createReads(tree, roots),
    close: () => tree.close(),
  };
}
