import { encoding, sha256 } from '@sigbox/core';
import { GO_OPENAPI_CODE, RekorError } from './errors.js';
import { decodeGoBase64 } from './go-base64.js';
import { isObject, notInEnum, patternMismatch, required } from './go-validate.js';
import { parseX509Verifier } from './public-key.js';

// openapi.yaml SearchIndex
const HASH_PATTERN = '^(sha512:)?[0-9a-fA-F]{128}$|^(sha256:)?[0-9a-fA-F]{64}$|^(sha1:)?[0-9a-fA-F]{40}$';
const HASH_RE = new RegExp(HASH_PATTERN);
const OPERATORS = ['and', 'or'];
const PKI_FORMATS = ['pgp', 'x509', 'minisign', 'ssh', 'tuf'];
const SUBJECT_MAX_LENGTH = 512;
// rekor pkg/util/sha.go PrefixSHA, by hex length.
const PREFIX_BY_LENGTH: Readonly<Record<number, string>> = { 40: 'sha1:', 64: 'sha256:', 96: 'sha384:', 128: 'sha512:' };
// go-openapi strfmt "email" (RFC 5322 addr-spec, simplified to what net/mail accepts in practice).
const EMAIL_RE = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/;
/**
 * Entry IDs one search answers: the newest this many, newest first; older matches are left out of the list.
 * Upstream (rekor v1.5.4 pkg/api/index.go) answers every match, in no order, so one popular identity made a
 * 240 KB answer; 1,000 IDs are ≈ 83 KB. A shorter list is what clients already handle (rekor-cli and cosign
 * read it as UUIDs to fetch), where an error would fail their search outright; narrow the query (the artifact
 * hash with `operator: and`) to reach older entries.
 */
export const MAX_SEARCH_INDEX_RESULTS = 1000;

/** What to look up: entries with any of the keys (`or`) or with all of them (`and`); the keys distinct. */
export interface IndexQuery {
  operator: 'and' | 'or';
  keys: string[];
}

function unprocessable(message: string, bodyCode: number): RekorError {
  return new RekorError('UNPROCESSABLE_INDEX_QUERY', message, { bodyCode });
}

function str(query: Record<string, unknown>, name: string): string {
  const v = query[name];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw unprocessable(`${name} in body must be of type string: "${typeof v}"`, GO_OPENAPI_CODE.INVALID_TYPE);
  return v;
}

function publicKeyKey(pk: unknown): string | undefined {
  if (pk === undefined || pk === null) return undefined;
  if (!isObject(pk)) throw unprocessable('publicKey in body must be of type object', GO_OPENAPI_CODE.INVALID_TYPE);
  const format = pk.format;
  if (typeof format !== 'string') throw unprocessable(required('publicKey.format'), GO_OPENAPI_CODE.REQUIRED);
  if (!PKI_FORMATS.includes(format)) throw unprocessable(notInEnum('publicKey.format', PKI_FORMATS), GO_OPENAPI_CODE.ENUM);
  // Sigbox only speaks x509 (the hashedrekord/dsse/intoto key type); upstream's message for other formats.
  if (format !== 'x509') throw new RekorError('INVALID_INDEX_QUERY', 'the PKI format requested is not supported by this server');
  try {
    const content = typeof pk.content === 'string' ? decodeGoBase64(pk.content) : new Uint8Array();
    const canonical = parseX509Verifier(content).canonicalPem;
    return encoding.toHex(sha256(encoding.utf8(canonical)));
  } catch (cause) {
    throw new RekorError('INVALID_INDEX_QUERY', 'public key provided could not be parsed', { cause });
  }
}

/**
 * Normalises a POST /api/v1/index/retrieve body (rekor pkg/api/index.go SearchIndexHandler): hash prefixed by
 * its length and lower-cased, publicKey → hex SHA-256 of the canonical PEM (no prefix), email and subject
 * lower-cased; operator defaults to `or`. Schema violations are go-swagger's 422.
 */
export function indexQueryKeys(body: unknown): IndexQuery {
  if (!isObject(body)) throw unprocessable('query in body is required', GO_OPENAPI_CODE.REQUIRED);
  const [hash, email, subject, operator] = ['hash', 'email', 'subject', 'operator'].map((n) => str(body, n)) as [string, string, string, string];
  if (email !== '' && !EMAIL_RE.test(email)) throw unprocessable(`email in body must be of type email: "${email}"`, GO_OPENAPI_CODE.INVALID_TYPE);
  if (hash !== '' && !HASH_RE.test(hash)) throw unprocessable(patternMismatch('hash', HASH_PATTERN), GO_OPENAPI_CODE.PATTERN);
  if (operator !== '' && !OPERATORS.includes(operator)) throw unprocessable(notInEnum('operator', OPERATORS), GO_OPENAPI_CODE.ENUM);
  if ('subject' in body && subject === '') throw unprocessable('subject in body should be at least 1 chars long', GO_OPENAPI_CODE.TOO_SHORT);
  if (subject.length > SUBJECT_MAX_LENGTH) throw unprocessable(`subject in body should be at most ${SUBJECT_MAX_LENGTH} chars long`, GO_OPENAPI_CODE.TOO_LONG);
  const keys: string[] = [];
  if (hash !== '') keys.push((hash.includes(':') ? hash : (PREFIX_BY_LENGTH[hash.length] ?? '') + hash).toLowerCase());
  const keyHash = publicKeyKey(body.publicKey);
  if (keyHash !== undefined) keys.push(keyHash);
  if (email !== '') keys.push(email.toLowerCase());
  if (subject !== '') keys.push(subject.toLowerCase());
  // An email that is also the subject is one key: `and` must not require it twice.
  return { operator: operator === 'and' ? 'and' : 'or', keys: [...new Set(keys)] };
}
