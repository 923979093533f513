import { bytesEqual } from '@sigbox/core';
import { type CheckpointKey, type IntegratedState, type LogError, type LogTree, mapLogErrors } from '@sigbox/log';
import { parseCheckpoint } from '@sigbox/merkle';
import { type RekorV2Entry, parseCreateEntryRequest } from './create-entry-request.js';
import { READ_ONLY_TEXT, RekorV2Error } from './errors.js';
import { rekorV2LogId } from './rekor-v2-tree.js';
import { type TransparencyLogEntryJson, transparencyLogEntryJson } from './transparency-log-entry.js';
import type { CheckpointWitnessing } from './witnessing.js';

export interface RekorV2LogOptions {
  /** The tree, opened from `rekorV2TreeDescription` by whoever owns (and closes) it. */
  tree: LogTree;
  /** The checkpoint key (its public half names the log: `logId.keyId`). */
  key: CheckpointKey;
  /** Witness cosignatures, when the box runs witnessing; without it the log's own checkpoints are answered. */
  witnessing?: CheckpointWitnessing | undefined;
  /** Told why a witnessed checkpoint could not be used (the log's own is answered instead). */
  onWitnessingFailed?: ((error: unknown) => void) | undefined;
}

/** The Rekor v2 API's logic on the engine; the HTTP edge only moves JSON in and out. Fails with RekorV2Errors only. */
export interface RekorV2Log {
  readonly tree: LogTree;
  /** The C2SP key ID of the checkpoint key under the origin (`logId.keyId`). */
  readonly logId: Uint8Array;
  readonly origin: string;
  /** POST /api/v2/log/entries: the entry once a checkpoint covers it, with an inclusion proof verified against it. */
  createEntry(body: unknown): Promise<TransparencyLogEntryJson>;
  /** GET /api/v2/checkpoint: the witnessed note when it is of the newest size, else the log's own newest. */
  checkpoint(): Promise<string>;
}

/** What an engine failure means to a v2 client (rekor-tiles service.go CreateEntry). */
function rekorV2ErrorOf(error: LogError): RekorV2Error {
  switch (error.code) {
    case 'PUSHBACK':
    case 'CLOSED':
    case 'UNAVAILABLE':
      return new RekorV2Error('UNAVAILABLE', 'reached max pushback; retry', { cause: error });
    case 'TREE_FROZEN':
      return new RekorV2Error('READ_ONLY', READ_ONLY_TEXT, { cause: error });
    case 'ENTRY_TOO_LARGE':
      return new RekorV2Error('INVALID_ARGUMENT', 'invalid entry', { cause: error });
    default:
      return new RekorV2Error('INTERNAL', 'failed to integrate entry', { cause: error });
  }
}

export function createRekorV2Log(options: RekorV2LogOptions): RekorV2Log {
  const { tree, witnessing } = options;
  const logId = rekorV2LogId(tree.origin, options.key);

  /** The witnessed state covering `index`, or undefined (fail-open) when there is none or it does not fit. */
  async function witnessedState(index: bigint): Promise<IntegratedState | undefined> {
    if (!witnessing) return undefined;
    try {
      const note = await witnessing.cosigned(index + 1n);
      if (note === undefined) return undefined;
      const { origin, size, rootHash } = parseCheckpoint(note);
      if (origin !== tree.origin || size <= index) throw new Error(`witnessed checkpoint ${origin}/${size} does not cover ${index}`);
      return { size, rootHash, checkpoint: note };
    } catch (error) {
      options.onWitnessingFailed?.(error);
      return undefined;
    }
  }

  async function answer(entry: RekorV2Entry, index: bigint, leafHash: Uint8Array, own: IntegratedState): Promise<TransparencyLogEntryJson> {
    let state = own;
    let hashes: Uint8Array[] | undefined;
    const witnessed = await witnessedState(index);
    if (witnessed) {
      // proveInclusion checks the proof against the witnessed root: a note whose root is not this tree's fails here.
      try {
        hashes = await tree.proveInclusion(index, leafHash, witnessed);
        state = witnessed;
      } catch (error) {
        options.onWitnessingFailed?.(error);
      }
    }
    hashes ??= await tree.proveInclusion(index, leafHash, own);
    return transparencyLogEntryJson({
      logIndex: index,
      logId,
      kind: entry.kind,
      version: entry.version,
      treeSize: state.size,
      rootHash: state.rootHash,
      hashes,
      checkpoint: state.checkpoint,
      canonicalizedBody: entry.leaf,
    });
  }

  async function createEntry(body: unknown): Promise<TransparencyLogEntryJson> {
    const entry = await parseCreateEntryRequest(body);
    const added = await tree.add({ data: entry.leaf, keys: entry.indexKeys });
    if (added.duplicate) {
      throw new RekorV2Error('ALREADY_EXISTS', `an equivalent entry already exists in the transparency log with index ${added.index}`, {
        details: { logIndex: added.index },
      });
    }
    return answer(entry, added.index, added.leafHash, added.checkpoint);
  }

  async function checkpoint(): Promise<string> {
    const own = await tree.latest();
    if (!witnessing) return own.checkpoint;
    try {
      const note = await witnessing.latest();
      if (note !== undefined) {
        const witnessed = parseCheckpoint(note);
        if (witnessed.origin === tree.origin && witnessed.size === own.size && bytesEqual(witnessed.rootHash, own.rootHash)) return note;
      }
    } catch (error) {
      options.onWitnessingFailed?.(error);
    }
    return own.checkpoint;
  }

  return {
    tree,
    logId,
    origin: tree.origin,
    createEntry: mapLogErrors(createEntry, rekorV2ErrorOf),
    checkpoint: mapLogErrors(checkpoint, rekorV2ErrorOf),
  };
}
