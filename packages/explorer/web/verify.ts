import { equal, fromBase64, fromHex, sha256, toHex, utf8 } from './bytes.js';
import { ecdsaDerToP1363 } from './der.js';

/** An inclusion proof as both logs answer it (hex hashes). */
export interface InclusionProof {
  readonly logIndex: number;
  readonly treeSize: number;
  readonly rootHash: string;
  readonly hashes: readonly string[];
  readonly checkpoint: string;
}

/** A log key of trusted_root.json (`tlogs[]`): SPKI DER, its key details, and its 32-byte log ID. */
export interface TrustedLogKey {
  readonly baseUrl: string;
  readonly spki: Uint8Array;
  readonly keyDetails: string;
  readonly keyId: Uint8Array;
}

/** One check of the "verified in your browser" list. */
export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** RFC 6962 §2.1: leaf hash = SHA-256(0x00 ‖ leaf), node hash = SHA-256(0x01 ‖ left ‖ right). */
export const leafHash = (leaf: Uint8Array) => sha256(Uint8Array.of(0), leaf);
const nodeHash = (l: Uint8Array, r: Uint8Array) => sha256(Uint8Array.of(1), l, r);

/** The root an inclusion proof leads to (RFC 9162 §2.1.3.2), or an Error when the proof has the wrong shape. */
export async function rootFromInclusionProof(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[]): Promise<Uint8Array> {
  if (!(index >= 0 && index < size)) throw new Error(`index ${index} is outside a tree of size ${size}`);
  // Every hash is SHA-256: a shorter one is a malformed answer, not a hash (transparency-dev/merkle checks the same).
  if (leaf.length !== 32 || proof.some((p) => p.length !== 32)) throw new Error('the proof holds a hash that is not 32 bytes');
  let fn = BigInt(index);
  let sn = BigInt(size - 1);
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) throw new Error('the proof is longer than the tree is deep');
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) throw new Error('the proof is shorter than the tree is deep');
  return r;
}

/** A checkpoint note (C2SP tlog-checkpoint, signed-note): its signed text, body lines and signature lines. */
export function parseNote(note: string): { text: string; origin: string; size: number; rootHash: Uint8Array; signatures: Array<{ name: string; hint: Uint8Array; sig: Uint8Array }> } {
  const split = note.indexOf('\n\n');
  if (split < 0) throw new Error('the checkpoint has no signature block');
  const text = note.slice(0, split + 1);
  const [origin, size, root] = text.split('\n');
  if (!origin || !size || !/^\d+$/.test(size) || !root) throw new Error('the checkpoint body is malformed');
  const signatures = note
    .slice(split + 2)
    .split('\n')
    .filter((l) => l.startsWith('— '))
    .map((line) => {
      const [, name, b64] = line.split(' ');
      const bytes = fromBase64(b64 ?? '');
      return { name: name ?? '', hint: bytes.subarray(0, 4), sig: bytes.subarray(4) };
    });
  return { text, origin, size: Number(size), rootHash: fromBase64(root), signatures };
}

async function verifyWith(key: TrustedLogKey, sig: Uint8Array, message: Uint8Array): Promise<boolean> {
  const data = message as Uint8Array<ArrayBuffer>;
  const spki = key.spki as Uint8Array<ArrayBuffer>;
  if (key.keyDetails === 'PKIX_ED25519') {
    const k = await crypto.subtle.importKey('spki', spki, { name: 'Ed25519' }, false, ['verify']);
    return crypto.subtle.verify({ name: 'Ed25519' }, k, sig as Uint8Array<ArrayBuffer>, data);
  }
  if (key.keyDetails === 'PKIX_ECDSA_P256_SHA_256') {
    const k = await crypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    return crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, k, ecdsaDerToP1363(sig) as Uint8Array<ArrayBuffer>, data);
  }
  return false;
}

/**
 * The three facts an entry's proof rests on, each checked here with WebCrypto: the body is the leaf the proof is
 * for, the proof leads to the checkpoint's root, and the checkpoint is signed by a log key of trusted_root.json
 * (the note signature whose 4-byte key hint is the start of that key's log ID: SHA-256 of the SPKI for ECDSA,
 * C2SP's SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key) for Ed25519 — both what trusted_root.json carries as `logId.keyId`).
 */
export async function verifyEntryProof(body: Uint8Array, proof: InclusionProof, keys: readonly TrustedLogKey[]): Promise<Check[]> {
  const checks: Check[] = [];
  let note: ReturnType<typeof parseNote> | undefined;
  try {
    note = parseNote(proof.checkpoint);
  } catch (err) {
    checks.push({ name: 'Checkpoint readable', ok: false, detail: (err as Error).message });
  }
  const leaf = await leafHash(body);
  try {
    const root = await rootFromInclusionProof(proof.logIndex, proof.treeSize, leaf, proof.hashes.map(fromHex));
    const matchesProof = equal(root, fromHex(proof.rootHash));
    const matchesNote = note !== undefined && note.size === proof.treeSize && equal(root, note.rootHash);
    checks.push({
      name: 'Inclusion proof',
      ok: matchesProof && matchesNote,
      detail: !matchesNote
        ? 'the proof does not lead to the signed checkpoint’s root'
        : matchesProof
          ? `the entry's leaf hash leads to the checkpoint's root for a tree of ${proof.treeSize}`
          : 'the answer names a root hash other than the one its proof leads to',
    });
  } catch (err) {
    checks.push({ name: 'Inclusion proof', ok: false, detail: (err as Error).message });
  }
  if (note) {
    let signedBy: TrustedLogKey | undefined;
    for (const s of note.signatures) {
      for (const key of keys.filter((k) => equal(k.keyId.subarray(0, 4), s.hint))) {
        if (await verifyWith(key, s.sig, utf8(note.text)).catch(() => false)) signedBy = key;
      }
    }
    checks.push({
      name: 'Checkpoint signature',
      ok: signedBy !== undefined,
      detail: signedBy ? `signed by the ${signedBy.keyDetails === 'PKIX_ED25519' ? 'Ed25519' : 'ECDSA P-256'} log key of ${signedBy.baseUrl} in trusted_root.json` : 'no signature on the checkpoint verifies with a log key of trusted_root.json',
    });
  }
  return checks;
}

/** What a Rekor v1 signed entry timestamp covers (rekor pkg/api/entries.go `signEntry`, v1.5.4). */
export interface EntryTimestamp {
  readonly body: string;
  readonly integratedTime: number;
  /** Hex SHA-256 of the log key's SPKI. */
  readonly logID: string;
  readonly logIndex: number;
  /** Base64 ASN.1 ECDSA signature. */
  readonly signedEntryTimestamp: string;
}

/**
 * A v1 entry's signed entry timestamp: ECDSA P-256 over RFC 8785 JCS of {body, integratedTime, logID, logIndex}
 * (four keys in that order, a string and integers: JSON.stringify of them in sorted order is their JCS), by the
 * trusted_root.json log key whose log ID the entry names.
 */
export async function verifyEntryTimestamp(set: EntryTimestamp, keys: readonly TrustedLogKey[]): Promise<Check> {
  const name = 'Signed entry timestamp';
  const key = keys.find((k) => toHex(k.keyId) === set.logID.toLowerCase() && k.keyDetails === 'PKIX_ECDSA_P256_SHA_256');
  if (!key) return { name, ok: false, detail: `no ECDSA log key with ID ${set.logID.slice(0, 16)}… in trusted_root.json` };
  const payload = utf8(JSON.stringify({ body: set.body, integratedTime: set.integratedTime, logID: set.logID, logIndex: set.logIndex }));
  const ok = await verifyWith(key, fromBase64(set.signedEntryTimestamp), payload).catch(() => false);
  return { name, ok, detail: ok ? `the log signed this body, time and index with its key of ${key.baseUrl}` : 'the signature does not cover this body, time and index' };
}

/** The log keys of a trusted_root.json document. */
export function trustedLogKeys(trustedRoot: unknown): TrustedLogKey[] {
  const tlogs = (trustedRoot as { tlogs?: unknown[] }).tlogs ?? [];
  return tlogs.flatMap((t) => {
    const tlog = t as { baseUrl?: string; publicKey?: { rawBytes?: string; keyDetails?: string }; logId?: { keyId?: string } };
    if (!tlog.publicKey?.rawBytes || !tlog.logId?.keyId) return [];
    return [{ baseUrl: tlog.baseUrl ?? '', spki: fromBase64(tlog.publicKey.rawBytes), keyDetails: tlog.publicKey.keyDetails ?? '', keyId: fromBase64(tlog.logId.keyId) }];
  });
}

