import { encoding, sha256 } from '@sigbox/core';
import { decodeByteField } from '../go-base64.js';
import { goTypeName, hashObjectError, isObject, readHashObject, required, throwValidationList, type HashObject } from '../go-validate.js';
import { DIGEST_LENGTH, verifyPrehashed, type DigestAlgorithm } from '../prehashed.js';
import { assertVerifierChain, parseX509Verifier, type X509Verifier } from '../public-key.js';
import { assertAlgorithmAllowed } from '../algorithm-policy.js';
import type { EntryMode, KindResult } from './kind.js';

const HASH_ALGORITHMS = ['sha256', 'sha384', 'sha512'] as const;

interface Decoded {
  signature?: { content: Uint8Array | undefined; publicKey?: { content: Uint8Array | undefined } };
  hash?: HashObject;
}

function decodeBytes(value: unknown, what: string): Uint8Array | undefined {
  return typeof value !== 'string' || value === '' ? undefined : decodeByteField(value, what);
}

/** rekor hashedrekord/v0.0.1 DecodeEntry: wrong-typed members are treated as absent. */
function decode(spec: unknown): Decoded {
  if (!isObject(spec)) throw new Error(`unsupported input type ${goTypeName(spec)} for DecodeEntry`);
  const out: Decoded = {};
  if (isObject(spec.signature)) {
    const sig = spec.signature;
    out.signature = { content: decodeBytes(sig.content, 'signature content') };
    if (isObject(sig.publicKey)) out.signature.publicKey = { content: decodeBytes(sig.publicKey.content, 'public key content') };
  }
  if (isObject(spec.data)) {
    const hash = readHashObject(spec.data.hash);
    if (hash) out.hash = hash;
  }
  return out;
}

function goHexDecode(hex: string): Uint8Array {
  const bad = [...hex].find((c) => !/[0-9a-fA-F]/.test(c));
  if (bad !== undefined) {
    const cp = bad.codePointAt(0) as number;
    throw new Error(`encoding/hex: invalid byte: U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${bad}'`);
  }
  return encoding.fromHex(hex);
}

/** rekor hashedrekord V001Entry.validate: parse key, check digest length, verify the signature over the digest. */
async function validate(d: Required<Decoded>): Promise<{ verifier: X509Verifier; signature: Uint8Array; alg: DigestAlgorithm; rawKey: Uint8Array }> {
  const signature = d.signature.content ?? new Uint8Array();
  if (d.signature.publicKey === undefined) throw new Error('missing public key');
  const rawKey = d.signature.publicKey.content ?? new Uint8Array();
  const verifier = parseX509Verifier(rawKey);
  const hash = d.hash as { algorithm: DigestAlgorithm; value: string };
  const alg: DigestAlgorithm = hash.algorithm;
  if (hash.value.length !== DIGEST_LENGTH[alg] * 2) throw new Error('invalid value for hash');
  const digest = goHexDecode(hash.value);
  try {
    assertVerifierChain(verifier);
    await verifyPrehashed(verifier.key, alg, digest, signature);
  } catch (err) {
    throw new Error(`verifying signature: ${(err as Error).message}`);
  }
  return { verifier, signature, alg, rawKey };
}

/**
 * hashedrekord 0.0.1 (rekor pkg/types/hashedrekord/v0.0.1/entry.go). Canonical spec keeps the signature as
 * submitted, the key or certificate(s) re-encoded as Go PEM, and the hash exactly as submitted.
 */
export async function parseHashedrekord(spec: unknown, mode: EntryMode): Promise<KindResult> {
  const d = decode(spec);
  throwValidationList([
    d.hash === undefined ? required('data') : hashObjectError(['data', 'hash'], d.hash, HASH_ALGORITHMS),
    d.signature === undefined ? required('signature') : undefined,
  ]);
  const { verifier, signature, alg, rawKey } = await validate(d as Required<Decoded>);
  if (mode === 'insert') assertAlgorithmAllowed(verifier, alg);
  const hash = d.hash as { algorithm: string; value: string };
  const canonical = {
    data: { hash: { algorithm: hash.algorithm, value: hash.value } },
    signature: { content: encoding.toBase64(signature), publicKey: { content: encoding.toBase64(encoding.utf8(verifier.canonicalPem)) } },
  };
  // The key and the artifact first: a certificate may carry thousands of SANs, and only MAX_INDEX_KEYS are kept.
  const indexKeys = [encoding.toHex(sha256(rawKey)), `${hash.algorithm}:${hash.value}`, ...verifier.subjects()];
  return { spec: canonical, indexKeys };
}
