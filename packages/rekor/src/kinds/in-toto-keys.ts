import { encoding } from '@sigbox/core';
import { isObject } from '../go-validate.js';

// in-toto-golang in_toto.PayloadType
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** `alg:digest` for every entry of each `{digest: {alg: hex}}` item; null when the shape does not decode in Go. */
function digestKeys(items: unknown): string[] | null {
  if (items === undefined || items === null) return [];
  if (!Array.isArray(items)) return null;
  const keys: string[] = [];
  for (const item of items) {
    if (item === null) continue;
    if (!isObject(item)) return null;
    const digest = item.digest;
    if (digest === undefined || digest === null) continue;
    if (!isObject(digest)) return null;
    // Go ranges over a map (random order); sorted here so keys are deterministic.
    for (const alg of Object.keys(digest).sort()) {
      const value = digest[alg];
      if (typeof value !== 'string') return null;
      keys.push(`${alg}:${value}`);
    }
  }
  return keys;
}

/**
 * Index keys from an in-toto statement payload (rekor dsse/intoto `indexKeyExtract`): subject digests, then
 * SLSA v0.2 `predicate.materials` digests. A payload that does not decode yields no keys.
 */
export function inTotoIndexKeys(payloadType: string, payload: Uint8Array): string[] {
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) return [];
  let statement: unknown;
  try {
    statement = JSON.parse(encoding.fromUtf8(payload));
  } catch {
    return [];
  }
  if (!isObject(statement)) return [];
  const subjects = digestKeys(statement.subject);
  if (subjects === null) return [];
  const materials = isObject(statement.predicate) ? digestKeys(statement.predicate.materials) : [];
  return [...subjects, ...(materials ?? [])];
}
