import { GO_OPENAPI_CODE, RekorError } from './errors.js';
import { ENTRY_UUID_PATTERN } from './entry-id.js';

/** openapi.yaml SearchLogQuery: each list holds 1..10 items, and all of them together at most 10. */
export const MAX_SEARCH_ITEMS = 10;
const UUID_RE = new RegExp(ENTRY_UUID_PATTERN);

export interface SearchLogQuery {
  entryUUIDs: string[];
  logIndexes: bigint[];
  entries: unknown[];
}

function list(body: Record<string, unknown>, name: string): unknown[] {
  const value = body[name];
  // Go clients marshal empty slices as null: go-swagger treats that as absent.
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new RekorError('UNPROCESSABLE_ENTRY', `${name} in body must be of type array`, { bodyCode: GO_OPENAPI_CODE.INVALID_TYPE });
  if (value.length > MAX_SEARCH_ITEMS) {
    throw new RekorError('UNPROCESSABLE_ENTRY', `${name} in body should have at most ${MAX_SEARCH_ITEMS} items`, { bodyCode: GO_OPENAPI_CODE.TOO_LONG });
  }
  return value;
}

/** Validates a POST /api/v1/log/entries/retrieve body the way go-swagger binds it, then the total limit. */
export function parseSearchLogQuery(body: unknown): SearchLogQuery {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RekorError('UNPROCESSABLE_ENTRY', 'query in body must be of type object', { bodyCode: GO_OPENAPI_CODE.INVALID_TYPE });
  }
  const record = body as Record<string, unknown>;
  const entryUUIDs = list(record, 'entryUUIDs').map((u, i) => {
    if (typeof u !== 'string' || !UUID_RE.test(u)) {
      throw new RekorError('UNPROCESSABLE_ENTRY_ID', `entryUUIDs.${i} in body should match '${ENTRY_UUID_PATTERN}'`, { bodyCode: GO_OPENAPI_CODE.PATTERN });
    }
    return u;
  });
  const logIndexes = list(record, 'logIndexes').map((n, i) => {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      const bodyCode = typeof n === 'number' && n < 0 ? GO_OPENAPI_CODE.MIN : GO_OPENAPI_CODE.INVALID_TYPE;
      throw new RekorError('UNPROCESSABLE_ENTRY', `logIndexes.${i} in body should be greater than or equal to 0`, { bodyCode });
    }
    return BigInt(n);
  });
  const entries = list(record, 'entries');
  if (entryUUIDs.length + logIndexes.length + entries.length > MAX_SEARCH_ITEMS) {
    throw new RekorError('TOO_MANY_ENTRIES', `more than max allowed ${MAX_SEARCH_ITEMS} entries in request`);
  }
  return { entryUUIDs, logIndexes, entries };
}
