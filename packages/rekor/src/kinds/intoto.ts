import { encoding, sha256 } from '@sigbox/core';
import { decodeByteField, decodeGoBase64 } from '../go-base64.js';
import { goFieldName, goTypeName, hashObjectError, isObject, optionalString, readHashObject, required, throwValidationList, tooFewItems, type HashObject } from '../go-validate.js';
import { verifyDsseEnvelope } from '../dsse-envelope.js';
import { EntryValidationError } from '../errors.js';
import { parseX509Verifier } from '../public-key.js';
import { inTotoIndexKeys } from './in-toto-keys.js';
import { verifierIndexKeys } from './verifier-keys.js';
import type { EntryMode, KindResult } from './kind.js';

const SHA256_ONLY = ['sha256'];
const ENVELOPE = ['content', 'envelope'];

interface Sig {
  keyid: string;
  sig: Uint8Array | undefined;
  publicKey: Uint8Array | undefined;
}
interface Decoded {
  payloadType: string | undefined;
  payload: Uint8Array | undefined;
  signatures: Sig[] | undefined;
  hash: HashObject | undefined;
  payloadHash: HashObject | undefined;
}

function b64(value: unknown, what: string): Uint8Array | undefined {
  return typeof value !== 'string' ? undefined : decodeByteField(value, what);
}

/** rekor intoto/v0.0.2 DecodeEntry; payload, sig and publicKey are `format: byte`, hence the double base64. */
function decode(spec: unknown): Decoded {
  if (!isObject(spec)) throw new Error(`unsupported input type ${goTypeName(spec)} for DecodeEntry`);
  const content = isObject(spec.content) ? spec.content : {};
  const env = isObject(content.envelope) ? content.envelope : {};
  return {
    payloadType: optionalString(env.payloadType),
    payload: env.payload === '' ? undefined : b64(env.payload, 'payload'),
    signatures: Array.isArray(env.signatures)
      ? env.signatures.filter(isObject).map((s) => ({
          keyid: optionalString(s.keyid) ?? '',
          sig: b64(s.sig, 'signature'),
          publicKey: b64(s.publicKey, 'public key'),
        }))
      : undefined,
    hash: readHashObject(content.hash),
    payloadHash: readHashObject(content.payloadHash),
  };
}

/** IntotoV002Schema.Validate: the whole `content` property reports its first failure. */
function contentError(d: Decoded): string | undefined {
  if (d.payloadType === undefined) return required(goFieldName(ENVELOPE, 'payloadType'));
  if (d.signatures === undefined) return required(goFieldName(ENVELOPE, 'signatures'));
  if (d.signatures.length < 1) return tooFewItems(goFieldName(ENVELOPE, 'signatures'), 1);
  for (const [i, s] of d.signatures.entries()) {
    if (s.publicKey === undefined) return required(goFieldName(ENVELOPE, `signatures.${i}.publicKey`));
    if (s.sig === undefined) return required(goFieldName(ENVELOPE, `signatures.${i}.sig`));
  }
  return (d.hash && hashObjectError(['content', 'hash'], d.hash, SHA256_ONLY)) ?? (d.payloadHash && hashObjectError(['content', 'payloadHash'], d.payloadHash, SHA256_ONLY));
}

function insertableError(d: Decoded): string | undefined {
  if (d.payload === undefined || d.payload.length === 0) return 'missing envelope content';
  if (!d.payloadType) return 'missing payloadType content';
  for (const s of d.signatures ?? []) {
    if (!s.sig?.length) return 'missing signature content';
    if (!s.publicKey?.length) return 'missing publicKey content';
  }
  return undefined;
}

/** Go's string([]byte): never fails; invalid UTF-8 simply cannot be valid base64 later. */
const goString = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Verify the envelope and recompute payloadHash (rekor V002Entry.Unmarshal); the client `hash` is kept. */
async function verify(d: Decoded): Promise<{ payloadHash: HashObject; keys: string[] }> {
  const inner = goString(d.payload as Uint8Array);
  const sigs = d.signatures as Sig[];
  const env = { payloadType: d.payloadType as string, payload: inner, signatures: sigs.map((s) => ({ keyid: s.keyid, sig: goString(s.sig as Uint8Array) })) };
  await verifyDsseEnvelope(sigs.map((s) => s.publicKey as Uint8Array), env, false);
  let payload: Uint8Array;
  try {
    payload = decodeGoBase64(inner);
  } catch (err) {
    throw new Error(`could not decode envelope payload: ${(err as Error).message}`);
  }
  const payloadHash = { algorithm: 'sha256', value: encoding.toHex(sha256(payload)) };
  // The hash first: certificates' SANs and in-toto digests may run to thousands, and only MAX_INDEX_KEYS are kept.
  const keys = [`sha256:${payloadHash.value}`, ...sigs.flatMap((s) => verifierIndexKeys(parseX509Verifier(s.publicKey as Uint8Array))), ...inTotoIndexKeys(env.payloadType, payload)];
  return { payloadHash, keys };
}

/**
 * intoto 0.0.2 (rekor pkg/types/intoto/v0.0.2/entry.go). Canonical: envelope without payload, signatures as
 * submitted (keyid omitted when empty), client `hash`, recomputed `payloadHash`.
 */
export async function parseIntoto(spec: unknown, mode: EntryMode): Promise<KindResult> {
  const d = decode(spec);
  throwValidationList([contentError(d)]);
  let indexKeys: string[] = [];
  if (d.payload !== undefined && d.payload.length > 0) {
    const verified = await verify(d);
    d.payloadHash = verified.payloadHash;
    indexKeys = verified.keys;
  }
  if (mode === 'insert') {
    const why = insertableError(d);
    if (why) throw new Error(`entry not insertable into log: ${why}`);
  }
  // Canonicalize failures are not input errors upstream: createLogEntry answers 500.
  if (d.hash === undefined) throw new EntryValidationError('missing envelope digest', { internal: true });
  if (d.payloadHash === undefined) throw new EntryValidationError('missing payload digest', { internal: true });
  const signatures = (d.signatures as Sig[]).map((s) => ({
    ...(s.keyid === '' ? {} : { keyid: s.keyid }),
    publicKey: encoding.toBase64(s.publicKey as Uint8Array),
    sig: encoding.toBase64(s.sig as Uint8Array),
  }));
  const content = { envelope: { payloadType: d.payloadType, signatures }, hash: d.hash, payloadHash: d.payloadHash };
  return { spec: { content }, indexKeys };
}
