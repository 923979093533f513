import 'reflect-metadata';
import { AsnConvert } from '@peculiar/asn1-schema';
import { TimeStampReq } from '@peculiar/asn1-tsp';
import { bytesEqual } from '@sigbox/core';
import { TsaError } from './error.js';
import { HASHES, type HashName, OID, hashByOid } from './oids.js';

/** A timestamp request, whichever form it came in, checked as upstream checks it. */
export interface TimestampRequest {
  hashAlgorithm: HashName;
  digest: Uint8Array;
  /** The nonce INTEGER, echoed verbatim in the TSTInfo (RFC 3161 §2.4.2). */
  nonce?: bigint;
  reqPolicy?: string;
  /** Whether the client asked for the TSA certificate in the reply (`certReq`, JSON `certificates`). */
  certReq: boolean;
}

export interface RequestPolicy {
  /** Policies a request may name; default the sigstore policy alone (upstream `--tsa-policy-oids`/default). */
  acceptedPolicies?: readonly string[];
}

/** Upstream's JSON bound (pkg/api/timestamp.go maxJSONRequestBytes): the nonce parses in quadratic time. */
export const MAX_JSON_REQUEST_BYTES = 1024;
/** A DER request is ~100 bytes; anything far larger is refused before the parser sees it. */
export const MAX_DER_REQUEST_BYTES = 16 * 1024;

/**
 * Parses a DER `TimeStampReq` (RFC 3161 §2.4.1, `application/timestamp-query`). Non-DER encodings (trailing
 * bytes, non-minimal lengths, an explicit DEFAULT) are refused as Go's encoding/asn1 under digitorus/timestamp
 * refuses them: the input must re-encode to itself.
 */
export function parseTimestampRequest(der: Uint8Array, policy: RequestPolicy = {}): TimestampRequest {
  if (der.length > MAX_DER_REQUEST_BYTES) throw new TsaError('REQUEST_TOO_LARGE', `request exceeds ${MAX_DER_REQUEST_BYTES} bytes`);
  let req: TimeStampReq;
  try {
    req = AsnConvert.parse(der, TimeStampReq);
    if (!bytesEqual(new Uint8Array(AsnConvert.serialize(req)), der)) throw new Error('not DER: the request does not re-encode to itself');
  } catch (err) {
    throw new TsaError('MALFORMED_REQUEST', `malformed TimeStampReq: ${(err as Error).message}`, { cause: err });
  }
  if (req.version !== 1) throw new TsaError('MALFORMED_REQUEST', `unsupported TimeStampReq version ${req.version}`);
  const oid = req.messageImprint.hashAlgorithm.algorithm;
  return checkRequest(
    {
      hashAlgorithm: hashFromOid(oid),
      digest: new Uint8Array(req.messageImprint.hashedMessage.buffer),
      ...(req.nonce ? { nonce: integerValue(new Uint8Array(req.nonce)) } : {}),
      ...(req.reqPolicy ? { reqPolicy: req.reqPolicy } : {}),
      certReq: req.certReq,
    },
    (req.extensions?.length ?? 0) > 0,
    policy,
  );
}

function hashFromOid(oid: string): HashName {
  if (oid === OID.sha1) throw new TsaError('WEAK_HASH', 'weak hash algorithm: must be SHA-256, SHA-384, or SHA-512');
  const name = hashByOid(oid);
  if (!name) throw new TsaError('UNSUPPORTED_HASH', `unsupported hash algorithm: ${oid}`);
  return name;
}

/** Two's-complement big-endian INTEGER content → bigint. */
function integerValue(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return (bytes[0] ?? 0) & 0x80 ? value - (1n << BigInt(bytes.length * 8)) : value;
}

/** What upstream's verifyTimestampRequest checks after either parser (pkg/api/timestamp.go, verification.VerifyRequest). */
function checkRequest(req: TimestampRequest, hasExtensions: boolean, policy: RequestPolicy): TimestampRequest {
  const expected = HASHES[req.hashAlgorithm].length;
  if (req.digest.length !== expected) {
    throw new TsaError('INCONSISTENT_DIGEST_LENGTH', `digest length inconsistent with specified hash algorithm: expected ${expected} bytes, got ${req.digest.length} bytes`);
  }
  if (req.reqPolicy !== undefined && !(policy.acceptedPolicies ?? [OID.sigstorePolicy]).includes(req.reqPolicy)) {
    throw new TsaError('UNACCEPTED_POLICY', `unaccepted policy ${req.reqPolicy}`);
  }
  // Upstream refuses request extensions unless --allow-custom-extensions; Sigbox has no such flag.
  if (hasExtensions) throw new TsaError('UNACCEPTED_EXTENSION', 'requested extensions are not supported');
  return req;
}

const DOTTED_OID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))+$/;
const JSON_HASHES: Readonly<Record<string, HashName>> = { sha256: 'sha256', sha384: 'sha384', sha512: 'sha512' };

/**
 * Parses upstream's JSON request (`application/json`): `{"artifactHash": base64 digest, "hashAlgorithm":
 * "sha256"|"sha384"|"sha512" (any case), "certificates": bool, "nonce": integer, "tsaPolicyOID": dotted}`
 * (pkg/api/timestamp.go ParseJSONRequest). The nonce keeps every digit: it is read from the JSON source text.
 */
export function parseJsonTimestampRequest(body: Uint8Array | string, policy: RequestPolicy = {}): TimestampRequest {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  if (bytes.length > MAX_JSON_REQUEST_BYTES) throw new TsaError('REQUEST_TOO_LARGE', `request exceeds ${MAX_JSON_REQUEST_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'), (key, value, context?: { source?: string }) =>
      key.toLowerCase() === 'nonce' && typeof value === 'number' && context?.source ? jsonInteger(context.source, value) : value,
    );
  } catch (err) {
    throw new TsaError('MALFORMED_REQUEST', `failed to parse JSON into request: ${(err as Error).message}`, { cause: err });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new TsaError('MALFORMED_REQUEST', 'the JSON request is not an object');
  const fields = jsonFields(json as Record<string, unknown>);
  const { artifactHash = '', hashAlgorithm = '', certificates = false, nonce = null, tsaPolicyOID = '' } = fields;
  if (typeof artifactHash !== 'string' || typeof hashAlgorithm !== 'string' || typeof tsaPolicyOID !== 'string') {
    throw new TsaError('MALFORMED_REQUEST', 'artifactHash, hashAlgorithm and tsaPolicyOID must be strings');
  }
  if (typeof certificates !== 'boolean') throw new TsaError('MALFORMED_REQUEST', 'certificates must be a boolean');
  if (nonce !== null && typeof nonce !== 'bigint') throw new TsaError('MALFORMED_REQUEST', 'nonce must be an integer');
  const algorithm = hashAlgorithm.toLowerCase();
  if (algorithm === 'sha1') throw new TsaError('WEAK_HASH', 'weak hash algorithm: must be SHA-256, SHA-384, or SHA-512');
  const name = JSON_HASHES[algorithm];
  if (!name) throw new TsaError('UNSUPPORTED_HASH', `unsupported hash algorithm: ${hashAlgorithm}`);
  if (tsaPolicyOID !== '' && (!DOTTED_OID.test(tsaPolicyOID) || tsaPolicyOID.split('.').length > 128)) {
    throw new TsaError('INVALID_POLICY_OID', `invalid policy OID ${JSON.stringify(tsaPolicyOID.slice(0, 64))}`);
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(artifactHash) || artifactHash.length % 4 !== 0) {
    throw new TsaError('MALFORMED_REQUEST', 'failed to decode base64 encoded artifact hash');
  }
  return checkRequest(
    {
      hashAlgorithm: name,
      digest: new Uint8Array(Buffer.from(artifactHash, 'base64')),
      ...(nonce !== null ? { nonce } : {}),
      ...(tsaPolicyOID !== '' ? { reqPolicy: tsaPolicyOID } : {}),
      certReq: certificates,
    },
    false,
    policy,
  );
}

const JSON_FIELDS = ['artifactHash', 'hashAlgorithm', 'certificates', 'nonce', 'tsaPolicyOID'] as const;

/**
 * The request's fields as Go's encoding/json fills upstream's JSONRequest: keys match case-insensitively (an exact
 * match wins), unknown keys are ignored, and null leaves a field at its zero value.
 */
function jsonFields(object: Record<string, unknown>): Partial<Record<(typeof JSON_FIELDS)[number], unknown>> {
  const out: Partial<Record<(typeof JSON_FIELDS)[number], unknown>> = {};
  for (const field of JSON_FIELDS) {
    const key = Object.hasOwn(object, field) ? field : Object.keys(object).findLast((k) => k.toLowerCase() === field.toLowerCase());
    const value = key === undefined ? undefined : object[key];
    if (value !== undefined && value !== null) out[field] = value;
  }
  return out;
}

/**
 * A JSON number's source as a bigint when it is an integer, as Go's big.Int.UnmarshalJSON reads it (no fraction, no
 * exponent); otherwise the number, which the nonce check then refuses (and which is fine under an ignored key).
 */
function jsonInteger(source: string, value: number): bigint | number {
  return /^-?[0-9]+$/.test(source) ? BigInt(source) : value;
}
