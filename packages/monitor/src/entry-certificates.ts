import { bytesEqual, encoding, parsePemBlocks } from '@sigbox/core';
import type { LogEntry, LogKind } from './log-entry.js';

// Entries are attacker-chosen JSON: walk a bounded depth and never throw.
const MAX_DEPTH = 8;
const PEM_CERT_PREFIX = '-----BEGIN CERTIFICATE-----';
/** base64('-----BEGIN CERTIFICATE-----'): a string is decoded only when it starts so (digests and signatures never do). */
const PEM_CERT_PREFIX_B64 = Buffer.from(PEM_CERT_PREFIX).toString('base64').slice(0, 36);

function pemCertificates(text: string): Uint8Array[] {
  try {
    return parsePemBlocks(text).filter((b) => b.type === 'CERTIFICATE').map((b) => b.der);
  } catch {
    return [];
  }
}

/** A base64 string that decodes to a PEM certificate (Rekor v1: `publicKey.content`, dsse `verifier`, intoto `publicKey`). */
function fromBase64Pem(value: string): Uint8Array[] {
  if (!value.startsWith(PEM_CERT_PREFIX_B64)) return [];
  // Lenient decoding is enough: what is watched is only read, and the leaf hash covers the bytes as logged.
  const text = Buffer.from(value, 'base64').toString('utf8');
  return text.startsWith(PEM_CERT_PREFIX) ? pemCertificates(text) : [];
}

function walk(node: unknown, depth: number, out: Uint8Array[]): void {
  if (depth > MAX_DEPTH || node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (typeof value === 'string') {
      out.push(...fromBase64Pem(value));
    } else if (key === 'x509Certificate' && value !== null && typeof value === 'object' && typeof (value as { rawBytes?: unknown }).rawBytes === 'string') {
      // Rekor v2 (rekor-tiles protos): verifier.x509Certificate.rawBytes is the DER, base64.
      const der = Buffer.from((value as { rawBytes: string }).rawBytes, 'base64');
      if (der.length > 0) out.push(new Uint8Array(der.buffer, der.byteOffset, der.length));
    } else {
      walk(value, depth + 1, out);
    }
  }
}

function rekorCertificates(leaf: Uint8Array): Uint8Array[] {
  let body: unknown;
  try {
    body = JSON.parse(encoding.fromUtf8(leaf));
  } catch {
    return [];
  }
  const out: Uint8Array[] = [];
  walk(body, 0, out);
  return out;
}

/** uint24-length-prefixed ASN.1Cert at `offset` (RFC 6962 §3.1 / RFC 5246 opaque<1..2^24-1>). */
function uint24Cert(bytes: Uint8Array, offset: number): Uint8Array | undefined {
  if (bytes.length < offset + 3) return undefined;
  const length = ((bytes[offset] as number) << 16) | ((bytes[offset + 1] as number) << 8) | (bytes[offset + 2] as number);
  const end = offset + 3 + length;
  return length > 0 && end <= bytes.length ? bytes.subarray(offset + 3, end) : undefined;
}

/**
 * RFC 6962 §3.4 MerkleTreeLeaf: version 0, leaf type 0, timestamp (8), entry type (2); x509_entry (0) carries the
 * certificate; precert_entry (1) only the TBS, so the precertificate is read from the PrecertChainEntry extra data.
 */
function ctCertificates(entry: LogEntry): Uint8Array[] {
  const leaf = entry.leaf;
  if (leaf.length < 12 || leaf[0] !== 0 || leaf[1] !== 0) return [];
  const entryType = ((leaf[10] as number) << 8) | (leaf[11] as number);
  const cert = entryType === 0 ? uint24Cert(leaf, 12) : entryType === 1 && entry.extraData ? uint24Cert(entry.extraData, 0) : undefined;
  return cert === undefined ? [] : [cert];
}

/**
 * The signing certificates (DER) an entry carries; empty for entries signed with a plain key or that do not parse.
 * Deduplicated, in order.
 */
export function entryCertificates(kind: LogKind, entry: LogEntry): Uint8Array[] {
  const found = kind === 'ct' ? ctCertificates(entry) : rekorCertificates(entry.leaf);
  return found.filter((der, i) => !found.slice(0, i).some((earlier) => bytesEqual(earlier, der)));
}
