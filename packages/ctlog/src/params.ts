import { encoding } from '@sigbox/core';
import { CtError } from './errors.js';
import { MAX_CHAIN_LENGTH } from './chain.js';

/** A query parameter as the edge hands it over: the raw string (or absent), or an already parsed number. */
export type CtParam = string | number | bigint | undefined;

/** Go's strconv.ParseInt(s, 10, 64) syntax, which ctfe applies to every numeric parameter. */
const INT_RE = /^[+-]?\d{1,19}$/;
const MAX_INT64 = 0x7fff_ffff_ffff_ffffn;

/** Parses a numeric query parameter like ctfe does; missing, malformed or beyond int64 → BAD_REQUEST. */
export function parseParam(name: string, value: CtParam): bigint {
  let parsed: bigint | undefined;
  if (typeof value === 'bigint') parsed = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) parsed = BigInt(value);
  else if (typeof value === 'string' && INT_RE.test(value)) parsed = BigInt(value);
  if (parsed === undefined) throw new CtError('BAD_REQUEST', value === undefined || value === '' ? `parameter '${name}' is required` : `parameter '${name}' is malformed`);
  if (parsed > MAX_INT64 || parsed < -MAX_INT64 - 1n) throw new CtError('BAD_REQUEST', `parameter '${name}' is malformed`);
  return parsed;
}

/**
 * The body of add-chain and add-pre-chain (RFC 6962 §4.1): `{"chain": ["<base64 DER>", …]}`, leaf first.
 * ctfe answers 400 to anything else, including an empty chain.
 */
export function parseChainRequest(body: unknown): Uint8Array[] {
  const chain = (body as { chain?: unknown } | null | undefined)?.chain;
  if (typeof body !== 'object' || !Array.isArray(chain)) throw new CtError('BAD_REQUEST', 'body must be {"chain": [base64 DER certificates]}');
  if (chain.length === 0) throw new CtError('BAD_REQUEST', 'cert chain was empty');
  if (chain.length > MAX_CHAIN_LENGTH) throw new CtError('BAD_REQUEST', `chain has more than ${MAX_CHAIN_LENGTH} certificates`);
  return chain.map((item, i) => {
    if (typeof item !== 'string') throw new CtError('BAD_REQUEST', `chain[${i}] is not a string`);
    try {
      return encoding.fromBase64(item);
    } catch (cause) {
      throw new CtError('BAD_REQUEST', `chain[${i}] is not valid base64`, { cause });
    }
  });
}

/** A leaf hash parameter (get-proof-by-hash): standard base64 of 32 bytes. */
export function parseHashParam(value: string | undefined): Uint8Array {
  if (value === undefined || value === '') throw new CtError('BAD_REQUEST', 'missing / empty hash param for get-proof-by-hash');
  let hash: Uint8Array;
  try {
    hash = encoding.fromBase64(value);
  } catch (cause) {
    throw new CtError('BAD_REQUEST', 'invalid base64 hash', { cause });
  }
  if (hash.length !== 32) throw new CtError('BAD_REQUEST', 'leaf hash must be 32 bytes');
  return hash;
}
