import { CoreError } from './error.js';

/**
 * RFC 8785 JSON Canonicalization Scheme. Rekor bodies and SETs are signed over these bytes, so this must
 * agree with Go's `gowebpki/jcs` byte for byte: keys sorted by UTF-16 code units (JS string comparison),
 * ECMAScript number serialisation, and JSON.stringify's minimal string escaping (which RFC 8785 §3.2.2.2 adopts).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8785
 */
export function canonicalize(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new CoreError('INVALID_JSON', 'non-finite number cannot be canonicalized');
      return JSON.stringify(value);
    case 'bigint':
      // A bigint serialises as an integer literal; callers use it for uint64 fields that exceed 2^53.
      return value.toString();
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => canonicalize(v ?? null)).join(',')}]`;
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
        return canonicalize((value as { toJSON: () => unknown }).toJSON());
      }
      const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalize(v)}`).join(',')}}`;
    }
    default:
      throw new CoreError('INVALID_JSON', `cannot canonicalize a ${typeof value}`);
  }
}
