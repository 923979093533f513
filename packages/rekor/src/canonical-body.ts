import { encoding } from '@sigbox/core';
import { RekorError } from './errors.js';
import { isObject } from './go-validate.js';

/** A stored leaf read back: what responses and searches need to know about it. */
export interface CanonicalBody {
  kind: string;
  apiVersion: string;
  spec: Record<string, unknown>;
}

/** Parses leaf bytes written by {@link parseProposedEntry} (or by upstream Rekor, for imported logs). */
export function parseCanonicalBody(body: Uint8Array): CanonicalBody {
  let json: unknown;
  try {
    json = JSON.parse(encoding.fromUtf8(body));
  } catch (cause) {
    throw new RekorError('MALFORMED_ENTRY', 'stored entry body is not JSON', { cause });
  }
  if (!isObject(json) || typeof json.kind !== 'string' || typeof json.apiVersion !== 'string' || !isObject(json.spec)) {
    throw new RekorError('MALFORMED_ENTRY', 'stored entry body is not a Rekor entry');
  }
  return { kind: json.kind, apiVersion: json.apiVersion, spec: json.spec };
}

/** Kind and version of a stored leaf (e.g. for bundle `kindVersion`). */
export function entryKindVersion(body: Uint8Array): { kind: string; apiVersion: string } {
  const { kind, apiVersion } = parseCanonicalBody(body);
  return { kind, apiVersion };
}
