import { encoding, sha256 } from '@sigbox/core';
import { decodeByteField } from '../go-base64.js';
import { goFieldName, goTypeName, hashObjectError, isObject, optionalString, patternMismatch, readHashObject, required, throwValidationList, tooFewItems, type HashObject } from '../go-validate.js';
import { verifyDsseEnvelope } from '../dsse-envelope.js';
import { parseEnvelopeJson } from './envelope-json.js';
import { inTotoIndexKeys } from './in-toto-keys.js';
import { verifierIndexKeys } from './verifier-keys.js';
import type { EntryMode, KindResult } from './kind.js';

// openapi DSSEV001Schema signatures[].signature pattern (std base64, padded).
const SIGNATURE_PATTERN = '^(?:[A-Za-z0-9+\\/]{4})*(?:[A-Za-z0-9+\\/]{2}==|[A-Za-z0-9+\\/]{3}=|[A-Za-z0-9+\\/]{4})$';
const SIGNATURE_RE = new RegExp(SIGNATURE_PATTERN);
const SHA256_ONLY = ['sha256'];

interface Decoded {
  proposed?: { envelope: string | undefined; verifiers: Uint8Array[] | undefined };
  signatures?: Array<{ signature: string | undefined; verifier: Uint8Array | undefined }>;
  envelopeHash?: HashObject;
  payloadHash?: HashObject;
}

const b64 = decodeByteField;

/** rekor dsse/v0.0.1 DecodeEntry (empty and non-string verifiers skipped). */
function decode(spec: unknown): Decoded {
  if (!isObject(spec)) throw new Error(`unsupported input type ${goTypeName(spec)} for DecodeEntry`);
  const d: Decoded = {};
  if (isObject(spec.proposedContent)) {
    const pc = spec.proposedContent;
    const verifiers = Array.isArray(pc.verifiers)
      ? pc.verifiers.filter((v): v is string => typeof v === 'string' && v !== '').map((v) => b64(v, 'verifier'))
      : undefined;
    d.proposed = { envelope: optionalString(pc.envelope), verifiers };
  }
  if (Array.isArray(spec.signatures)) {
    d.signatures = spec.signatures.filter(isObject).map((s) => ({
      signature: optionalString(s.signature),
      verifier: typeof s.verifier === 'string' && s.verifier !== '' ? b64(s.verifier, 'signature verifier') : undefined,
    }));
  }
  const envelopeHash = readHashObject(spec.envelopeHash);
  if (envelopeHash) d.envelopeHash = envelopeHash;
  const payloadHash = readHashObject(spec.payloadHash);
  if (payloadHash) d.payloadHash = payloadHash;
  return d;
}

function signaturesError(sigs: Decoded['signatures']): string | undefined {
  if (sigs === undefined) return undefined;
  if (sigs.length < 1) return tooFewItems('signatures', 1);
  for (const [i, s] of sigs.entries()) {
    if (s.signature === undefined) return required(`signatures.${i}.signature`);
    if (!SIGNATURE_RE.test(s.signature)) return patternMismatch(`signatures.${i}.signature`, SIGNATURE_PATTERN);
    if (s.verifier === undefined) return required(`signatures.${i}.verifier`);
  }
  return undefined;
}

function proposedError(p: Decoded['proposed']): string | undefined {
  if (p === undefined) return undefined;
  if (p.envelope === undefined) return required(goFieldName(['proposedContent'], 'envelope'));
  if (p.verifiers === undefined) return required(goFieldName(['proposedContent'], 'verifiers'));
  if (p.verifiers.length < 1) return tooFewItems(goFieldName(['proposedContent'], 'verifiers'), 1);
  return undefined;
}

function hashSpec(value: Uint8Array) {
  return { algorithm: 'sha256', value: encoding.toHex(sha256(value)) };
}

/** A proposed envelope: verify every signature, then derive the canonical, read-only fields. */
async function fromProposed(envelopeText: string, verifiers: Uint8Array[]): Promise<KindResult> {
  const env = parseEnvelopeJson(envelopeText);
  if (env.signatures.length === 0) throw new Error('DSSE envelope must contain 1 or more signatures');
  const { verifierBySig, payload } = await verifyDsseEnvelope(verifiers, env, true);
  const sorted = [...verifierBySig.keys()].sort();
  const signatures = sorted.map((sig) => ({ signature: sig, verifier: encoding.toBase64(encoding.utf8(verifierBySig.get(sig)?.canonicalPem ?? '')) }));
  const spec = { envelopeHash: hashSpec(encoding.utf8(envelopeText)), payloadHash: hashSpec(payload), signatures };
  // The hashes first: certificates' SANs and in-toto digests may run to thousands, and only MAX_INDEX_KEYS are kept.
  const indexKeys = [
    `sha256:${spec.payloadHash.value}`,
    `sha256:${spec.envelopeHash.value}`,
    ...sorted.flatMap((sig) => verifierIndexKeys(verifierBySig.get(sig))),
    ...inTotoIndexKeys(env.payloadType, payload),
  ];
  return { spec, indexKeys };
}

/**
 * dsse 0.0.1 (rekor pkg/types/dsse/v0.0.1/entry.go). Either `proposedContent` (insert) or the canonical
 * `envelopeHash` + `payloadHash` + `signatures` (accepted for search only, not verified), never both.
 */
export async function parseDsse(spec: unknown, mode: EntryMode): Promise<KindResult> {
  const d = decode(spec);
  throwValidationList([
    d.envelopeHash && hashObjectError(['envelopeHash'], d.envelopeHash, SHA256_ONLY),
    d.payloadHash && hashObjectError(['payloadHash'], d.payloadHash, SHA256_ONLY),
    proposedError(d.proposed),
    signaturesError(d.signatures),
  ]);
  const canonicalGiven = d.envelopeHash !== undefined || d.payloadHash !== undefined || (d.signatures?.length ?? 0) !== 0;
  if (d.proposed === undefined) {
    if (d.envelopeHash === undefined || d.payloadHash === undefined || (d.signatures?.length ?? 0) === 0) {
      throw new Error('either proposedContent or envelopeHash, payloadHash, and signatures must be present');
    }
    if (mode === 'insert') throw new Error('entry not insertable into log: missing proposed content');
    const signatures = [...(d.signatures ?? [])]
      .map((s) => ({ signature: s.signature as string, verifier: encoding.toBase64(s.verifier as Uint8Array) }))
      .sort((a, b) => (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0));
    return { spec: { envelopeHash: d.envelopeHash, payloadHash: d.payloadHash, signatures }, indexKeys: [] };
  }
  if (canonicalGiven) throw new Error('either proposedContent or envelopeHash, payloadHash, and signatures must be present but not both');
  return fromProposed(d.proposed.envelope as string, d.proposed.verifiers as Uint8Array[]);
}
