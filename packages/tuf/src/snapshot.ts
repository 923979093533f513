import { Metadata, MetaFile, Snapshot, Timestamp } from '@tufjs/models';
import { formatExpires } from './expires.js';
import { SPEC_VERSION } from './root.js';
import { checkVersion } from './roles.js';
import { sha256Hex } from './target-file.js';

export interface SnapshotOptions {
  readonly version: number;
  readonly expires: Date;
  /** The targets.json version this snapshot pins. */
  readonly targetsVersion: number;
}

/**
 * snapshot.json's `signed` part. `meta["targets.json"]` carries the version only, as the public Sigstore
 * repository does: length and hashes are optional (TUF spec §4.4) and every client checks them only when present
 * (go-tuf v0.7.0 `util.SnapshotFileMetaEqual`, python-tuf, tuf-js `MetaFile.verify`).
 */
export function buildSnapshot(options: SnapshotOptions): Metadata<Snapshot> {
  const meta = { 'targets.json': new MetaFile({ version: checkVersion(options.targetsVersion) }) };
  return new Metadata(new Snapshot({ version: checkVersion(options.version), specVersion: SPEC_VERSION, expires: formatExpires(options.expires), meta }));
}

export interface TimestampOptions {
  readonly version: number;
  readonly expires: Date;
  /** The signed snapshot this timestamp points at: its version and the exact bytes served. */
  readonly snapshot: { readonly version: number; readonly bytes: Uint8Array };
}

/**
 * timestamp.json's `signed` part, with the snapshot's length and SHA-256 as python-tuf's repository writes them:
 * a client then refuses a snapshot swapped under the same version (TUF spec §5.5.2).
 */
export function buildTimestamp(options: TimestampOptions): Metadata<Timestamp> {
  const { snapshot } = options;
  const snapshotMeta = new MetaFile({ version: checkVersion(snapshot.version), length: snapshot.bytes.byteLength, hashes: { sha256: sha256Hex(snapshot.bytes) } });
  return new Metadata(new Timestamp({ version: checkVersion(options.version), specVersion: SPEC_VERSION, expires: formatExpires(options.expires), snapshotMeta }));
}
