import { Metadata, MetadataKind, type Root, type Snapshot, type Targets, type Timestamp } from '@tufjs/models';
import { encoding } from '@sigbox/core';
import { TufError } from './error.js';
import { parseExpires } from './expires.js';
import type { RoleName } from './roles.js';

/** Any top-level metadata as @tufjs/models holds it. */
export type AnyMetadata = Metadata<Root> | Metadata<Targets> | Metadata<Snapshot> | Metadata<Timestamp>;

type JsonObject = Parameters<typeof Metadata.fromJSON>[1];

/** One signed metadata file: what the server stores and serves byte for byte. */
export interface SignedDocument {
  readonly role: RoleName;
  readonly version: number;
  readonly expires: Date;
  /** The exact JSON served (timestamp.json pins the snapshot by these bytes' length and hash). */
  readonly bytes: Uint8Array;
  /** `bytes` parsed: `{ signed, signatures }`. */
  readonly json: JsonObject;
}

/** Serialises metadata for serving: two-space JSON (root.json is handed to people as `--root`), one trailing newline. */
export function toDocument(metadata: AnyMetadata): SignedDocument {
  const json = metadata.toJSON();
  return {
    role: metadata.signed.type as RoleName,
    version: metadata.signed.version,
    expires: parseExpires(metadata.signed.expires),
    bytes: encoding.utf8(`${JSON.stringify(json, null, 2)}\n`),
    json,
  };
}

/** The @tufjs/models object behind a document (a fresh copy: callers may sign it without touching `doc`). */
export function toMetadata(doc: Pick<SignedDocument, 'role' | 'json'>): AnyMetadata {
  return fromJson(doc.role, doc.json);
}

/** Reads stored bytes back into a document, checking they are well-formed metadata of `role` when given. */
export function parseDocument(bytes: Uint8Array, role?: RoleName): SignedDocument {
  let json: JsonObject;
  try {
    json = JSON.parse(encoding.fromUtf8(bytes)) as JsonObject;
  } catch (cause) {
    throw new TufError('INVALID_METADATA', 'metadata is not JSON', { cause });
  }
  const type = (json as { signed?: { _type?: unknown } }).signed?._type;
  if (role !== undefined && type !== role) throw new TufError('INVALID_METADATA', `expected ${role} metadata, got ${String(type)}`);
  const metadata = fromJson(type as RoleName, json);
  return { ...toDocument(metadata), bytes: Uint8Array.from(bytes) };
}

function fromJson(role: RoleName, json: JsonObject): AnyMetadata {
  try {
    switch (role) {
      case 'root':
        return Metadata.fromJSON(MetadataKind.Root, structuredClone(json));
      case 'targets':
        return Metadata.fromJSON(MetadataKind.Targets, structuredClone(json));
      case 'snapshot':
        return Metadata.fromJSON(MetadataKind.Snapshot, structuredClone(json));
      case 'timestamp':
        return Metadata.fromJSON(MetadataKind.Timestamp, structuredClone(json));
      default:
        throw new Error(`unknown role ${String(role)}`);
    }
  } catch (cause) {
    throw new TufError('INVALID_METADATA', `not valid ${String(role)} metadata`, { cause });
  }
}
