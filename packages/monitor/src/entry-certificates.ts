import { bytesEqual, encoding, parsePemBlocks } from '@sigbox/core';
import { decodeMerkleTreeLeaf, decodePrecertExtraData } from '@sigbox/ctlog';
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

/**
 * RFC 6962 §3.4 MerkleTreeLeaf: an x509_entry carries the certificate; a precert_entry only the TBS, so the
 * precertificate is read from the get-entries PrecertChainEntry extra data (§4.6). Malformed bytes yield nothing.
 */
function ctCertificates(entry: LogEntry): Uint8Array[] {
  try {
    const signed = decodeMerkleTreeLeaf(entry.leaf).entry;
    const cert = signed.type === 'x509' ? signed.certificate : entry.extraData ? decodePrecertExtraData(entry.extraData).precertificate : undefined;
    return cert === undefined || cert.length === 0 ? [] : [cert];
  } catch {
    return [];
  }
}

/**
 * The signing certificates (DER) an entry carries; empty for entries signed with a plain key or that do not parse.
 * Deduplicated, in order.
 */
export function entryCertificates(kind: LogKind, entry: LogEntry): Uint8Array[] {
  const found = kind === 'ct' ? ctCertificates(entry) : rekorCertificates(entry.leaf);
  return found.filter((der, i) => !found.slice(0, i).some((earlier) => bytesEqual(earlier, der)));
}
