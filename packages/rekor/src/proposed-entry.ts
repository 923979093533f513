import { canonicalize, encoding } from '@sigbox/core';
import { hashLeaf } from '@sigbox/merkle';
import { EntryValidationError, GO_OPENAPI_CODE, RekorError } from './errors.js';
import { isObject, patternMismatch, required } from './go-validate.js';
import { parseDsse } from './kinds/dsse.js';
import { parseHashedrekord } from './kinds/hashedrekord.js';
import { parseIntoto } from './kinds/intoto.js';
import type { EntryMode, ParseSpec } from './kinds/kind.js';

/** The kinds and versions Sigbox accepts; the other kinds upstream knows are answered as disabled (see parserFor). */
const SUPPORTED: Readonly<Record<string, Readonly<Record<string, ParseSpec>>>> = {
  hashedrekord: { '0.0.1': parseHashedrekord },
  dsse: { '0.0.1': parseDsse },
  intoto: { '0.0.2': parseIntoto },
};
// Kinds upstream's ProposedEntry discriminator knows (pkg/generated/models/proposed_entry.go); others are 422.
const UPSTREAM_KINDS = ['alpine', 'cose', 'dsse', 'hashedrekord', 'helm', 'intoto', 'jar', 'rekord', 'rfc3161', 'rpm', 'tuf'];
// openapi.yaml ProposedEntry apiVersion pattern (semver).
const API_VERSION_PATTERN =
  '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$';
const API_VERSION_RE = new RegExp(API_VERSION_PATTERN.replaceAll('\\d', '[0-9]'));
/**
 * Search-index keys written per entry; the rest are dropped. An in-toto statement yields a key per subject and
 * material digest, and its payload is not in the leaf, so the leaf's size limit does not bound them: a 3 MiB
 * statement names ≈ 35,000 digests, whose rows took 1.5 s to write on PGlite (which runs on the event loop).
 * Upstream bounds none but indexes best effort (rekor v1.5.4 pkg/api/entries.go only logs a failed addToIndex),
 * so an entry past this limit is still logged, only not found by its later keys. Kinds list their hashes and
 * keys first, then certificates' SANs and in-toto digests (a certificate may carry thousands of SANs too).
 */
export const MAX_INDEX_KEYS = 256;

/** A validated, verified entry ready to be appended: the leaf bytes, their RFC 6962 hash and its index keys. */
export interface CanonicalEntry {
  kind: string;
  apiVersion: string;
  /** RFC 8785 JCS of `{"apiVersion","kind","spec"}`: the leaf, and (base64) the LogEntry `body`. */
  canonicalBody: Uint8Array;
  /** SHA-256(0x00 ‖ canonicalBody), RFC 6962's leaf hash: the entry UUID's bytes, handed to the engine as is. */
  leafHash: Uint8Array;
  /** Search-index keys, lower-cased (write side of /api/v1/index/retrieve). */
  indexKeys: string[];
}

function goJsonType(value: unknown): string {
  return Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value === 'object' ? 'object' : typeof value;
}

/** go-swagger's body binding: the discriminator and the ProposedEntry envelope fields. */
function bind(json: unknown): { kind: string; apiVersion: string; spec: unknown } {
  if (!isObject(json)) throw new RekorError('MALFORMED_ENTRY', `json: cannot unmarshal ${goJsonType(json)} into Go value of type models.targetedProposedEntry`);
  for (const field of ['kind', 'apiVersion'] as const) {
    const v = json[field];
    if (v !== undefined && v !== null && typeof v !== 'string') {
      throw new RekorError('MALFORMED_ENTRY', `json: cannot unmarshal ${goJsonType(v)} into Go struct field targetedProposedEntry.${field} of type string`);
    }
  }
  const { kind, apiVersion, spec } = json as { kind?: string; apiVersion?: string; spec?: unknown };
  if (!kind) throw new RekorError('UNPROCESSABLE_ENTRY', required('kind'), { bodyCode: GO_OPENAPI_CODE.REQUIRED });
  if (!UPSTREAM_KINDS.includes(kind)) throw new RekorError('UNPROCESSABLE_ENTRY', `invalid kind value: ${JSON.stringify(kind)}`);
  if (apiVersion === undefined || apiVersion === null) throw new RekorError('UNPROCESSABLE_ENTRY', required('apiVersion'), { bodyCode: GO_OPENAPI_CODE.REQUIRED });
  if (!API_VERSION_RE.test(apiVersion)) {
    throw new RekorError('UNPROCESSABLE_ENTRY', patternMismatch('apiVersion', API_VERSION_PATTERN), { bodyCode: GO_OPENAPI_CODE.PATTERN });
  }
  if (spec === undefined || spec === null) throw new RekorError('UNPROCESSABLE_ENTRY', required('spec'), { bodyCode: GO_OPENAPI_CODE.REQUIRED });
  return { kind, apiVersion, spec };
}

function parserFor(kind: string, apiVersion: string, mode: EntryMode): ParseSpec {
  const versions = SUPPORTED[kind];
  // Upstream knows these kinds; Sigbox answers as a server with them disabled (pkg/types/entries.go).
  if (versions === undefined) throw new EntryValidationError(`entry kind '${kind}' is not enabled for submission on this server`);
  const parse = versions[apiVersion];
  if (parse !== undefined) return parse;
  if (mode === 'insert' && kind === 'intoto' && apiVersion === '0.0.1') {
    throw new EntryValidationError(`entry kind '${kind}' does not support inserting entries of version '${apiVersion}'`);
  }
  throw new EntryValidationError(`${kind} implementation for version '${apiVersion}' not found: unable to locate entry for version ${apiVersion}`);
}

/** Index keys as written: lower-cased, each once, at most MAX_INDEX_KEYS of them in the kind's order. */
function indexKeysOf(keys: readonly string[]): string[] {
  return [...new Set(keys.map((k) => k.toLowerCase()))].slice(0, MAX_INDEX_KEYS);
}

async function canonicalEntry(json: unknown, mode: EntryMode): Promise<CanonicalEntry> {
  const { kind, apiVersion, spec } = bind(json);
  try {
    const result = await parserFor(kind, apiVersion, mode)(spec, mode);
    const canonicalBody = encoding.utf8(canonicalize({ apiVersion, kind, spec: result.spec }));
    const leafHash = hashLeaf(canonicalBody);
    return { kind, apiVersion, canonicalBody, leafHash, indexKeys: indexKeysOf(result.indexKeys) };
  } catch (err) {
    if (err instanceof RekorError) throw err;
    const detail = (err as Error).message;
    if (mode === 'search') throw new RekorError('INVALID_ENTRY', detail, { cause: err });
    if (err instanceof EntryValidationError && err.internal) throw new RekorError('CANONICALIZATION_FAILED', 'error generating canonicalized entry', { cause: err });
    throw new RekorError('INVALID_ENTRY', `error processing entry: ${detail}`, { cause: err });
  }
}

/**
 * Validates a ProposedEntry for POST /api/v1/log/entries as upstream createLogEntry does, **verifying its
 * signature(s)** against the submitted key or certificate, and returns the canonical leaf. Rejects with a
 * RekorError with upstream's status and text (`error processing entry: …`).
 */
export function parseProposedEntry(json: unknown): Promise<CanonicalEntry> {
  return canonicalEntry(json, 'insert');
}

/**
 * The leaf a ProposedEntry in POST /api/v1/log/entries/retrieve `entries` stands for (upstream UnmarshalEntry +
 * CanonicalizeEntry, no kind/insertable/algorithm checks). Signatures are verified when the spec carries them
 * (hashedrekord always; dsse/intoto only in their proposed form; canonical forms are taken as they are).
 * Errors are the bare upstream text, answered 400.
 */
export function canonicalizeSearchEntry(json: unknown): Promise<CanonicalEntry> {
  return canonicalEntry(json, 'search');
}
