import { CtError } from './errors.js';
import { TlsReader, TlsWriter } from './tls.js';

/** RFC 6962 §3.1 `LogEntryType`. */
export const ENTRY_TYPE = { x509: 0, precert: 1 } as const;
export type EntryType = keyof typeof ENTRY_TYPE;

/** `MerkleLeafType timestamped_entry(0)` and `Version v1(0)` (RFC 6962 §3.4). */
const LEAF_VERSION_V1 = 0;
const LEAF_TYPE_TIMESTAMPED_ENTRY = 0;
/** SHA-256 of the issuing CA's SubjectPublicKeyInfo. */
export const ISSUER_KEY_HASH_LENGTH = 32;

/**
 * What a log entry signs (RFC 6962 §3.1 `signed_entry`): the whole certificate for x509 entries; for precert
 * entries the issuer's key hash and the precertificate TBS with the poison removed (`PreCert`).
 */
export type SignedEntry =
  | { type: 'x509'; certificate: Uint8Array }
  | { type: 'precert'; issuerKeyHash: Uint8Array; tbsCertificate: Uint8Array };

/** `TimestampedEntry` (RFC 6962 §3.4): the part an SCT and its Merkle leaf share. */
export interface TimestampedEntry {
  /** Milliseconds since the epoch, fixed when the log accepted the chain. */
  timestamp: number;
  entry: SignedEntry;
  /** `CtExtensions`: empty for Sigbox (TesseraCT puts the leaf index here; clients ignore it). */
  extensions: Uint8Array;
}

/** `entry_type ‖ signed_entry` as both the leaf and the SCT signature input carry it. */
export function writeSignedEntry(w: TlsWriter, entry: SignedEntry): TlsWriter {
  w.u16(ENTRY_TYPE[entry.type]);
  if (entry.type === 'x509') return w.vector24(entry.certificate);
  return w.fixed(entry.issuerKeyHash, ISSUER_KEY_HASH_LENGTH).vector24(entry.tbsCertificate);
}

export function readSignedEntry(r: TlsReader): SignedEntry {
  const type = r.u16();
  if (type === ENTRY_TYPE.x509) return { type: 'x509', certificate: r.vector24() };
  if (type === ENTRY_TYPE.precert) return { type: 'precert', issuerKeyHash: r.fixed(ISSUER_KEY_HASH_LENGTH), tbsCertificate: r.vector24() };
  throw new CtError('MALFORMED', `unknown entry type ${type}`);
}

/**
 * The `MerkleTreeLeaf` (RFC 6962 §3.4), i.e. get-entries' `leaf_input`, hashed into the tree as
 * SHA-256(0x00 ‖ leaf): `u8 version ‖ u8 leaf_type ‖ u64 timestamp ‖ u16 entry_type ‖ signed_entry ‖ extensions<0..2^16-1>`.
 */
export function encodeMerkleTreeLeaf(entry: TimestampedEntry): Uint8Array {
  const w = new TlsWriter().u8(LEAF_VERSION_V1).u8(LEAF_TYPE_TIMESTAMPED_ENTRY).u64(entry.timestamp);
  return writeSignedEntry(w, entry.entry).vector16(entry.extensions).bytes();
}

export function decodeMerkleTreeLeaf(leaf: Uint8Array): TimestampedEntry {
  const r = new TlsReader(leaf, 'MerkleTreeLeaf');
  if (r.u8() !== LEAF_VERSION_V1) throw new CtError('MALFORMED', 'MerkleTreeLeaf: unsupported version');
  if (r.u8() !== LEAF_TYPE_TIMESTAMPED_ENTRY) throw new CtError('MALFORMED', 'MerkleTreeLeaf: unsupported leaf type');
  const timestamp = r.u64();
  const entry = readSignedEntry(r);
  const extensions = r.vector16();
  r.end();
  return { timestamp, entry, extensions };
}
