import { encoding } from '@sigbox/core';

/**
 * A strict reader of protobuf JSON (https://protobuf.dev/programming-guides/json/) for the few messages of the
 * Rekor v2 write API, as grpc-gateway's `runtime.JSONPb{UnmarshalOptions: {DiscardUnknown: false}}` reads them
 * (rekor-tiles internal/server/http.go at 74e3eb0e9b4203ee30912eb35c3467c551ef37c9): a field may be named by its
 * JSON (lowerCamel) or proto (snake_case) name, once; unknown fields are refused; `null` means unset; bytes are
 * base64, standard or URL-safe, padding optional (protojson `unmarshalBytes`). Errors are plain Errors whose
 * message is the detail the personality logs.
 */

/** One message's fields: JSON name → proto name. */
export type MessageFields = Readonly<Record<string, string>>;

export class ProtoJsonError extends Error {}

/** Reads an object of `fields`: the values by JSON name, nulls left out. */
export function readMessage(value: unknown, fields: MessageFields, what: string): Map<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ProtoJsonError(`${what}: expected a JSON object`);
  const byName = new Map<string, string>();
  for (const [json, proto] of Object.entries(fields)) {
    byName.set(json, json);
    byName.set(proto, json);
  }
  const out = new Map<string, unknown>();
  const seen = new Set<string>();
  for (const [key, v] of Object.entries(value)) {
    const json = byName.get(key);
    if (json === undefined) throw new ProtoJsonError(`${what}: unknown field ${JSON.stringify(key)}`);
    if (seen.has(json)) throw new ProtoJsonError(`${what}: duplicate field ${JSON.stringify(key)}`);
    seen.add(json);
    if (v !== null && v !== undefined) out.set(json, v);
  }
  return out;
}

/** The one member of a oneof that is set (several set: an error; none: undefined). */
export function oneOf(message: Map<string, unknown>, members: readonly string[], what: string): string | undefined {
  const set = members.filter((m) => message.has(m));
  if (set.length > 1) throw new ProtoJsonError(`${what}: oneof field already set (${set.join(', ')})`);
  return set[0];
}

const STD = /^[A-Za-z0-9+/]*$/;
const URL_SAFE = /^[A-Za-z0-9\-_]*$/;

/** A bytes field: base64 as protojson takes it; absent is empty (proto3 default). */
export function readBytes(value: unknown, what: string): Uint8Array {
  if (value === undefined) return new Uint8Array(0);
  if (typeof value !== 'string') throw new ProtoJsonError(`${what}: invalid value for bytes field`);
  const unpadded = value.endsWith('==') ? value.slice(0, -2) : value.endsWith('=') ? value.slice(0, -1) : value;
  const padded = unpadded.length % 4 === 0 ? unpadded : unpadded + '='.repeat(4 - (unpadded.length % 4));
  // A padded text must be padded right (Go's decoder checks), and one char past a multiple of 4 is never base64.
  if (unpadded.length % 4 === 1 || (value !== unpadded && value !== padded)) throw new ProtoJsonError(`${what}: invalid value for bytes field`);
  if (STD.test(unpadded)) return encoding.fromBase64(padded);
  if (URL_SAFE.test(unpadded)) return encoding.fromBase64(padded.replaceAll('-', '+').replaceAll('_', '/'));
  throw new ProtoJsonError(`${what}: invalid value for bytes field`);
}

/** A string field; absent is empty. */
export function readString(value: unknown, what: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') throw new ProtoJsonError(`${what}: invalid value for string field`);
  return value;
}

/** A repeated field; absent is empty. */
export function readList(value: unknown, what: string): readonly unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ProtoJsonError(`${what}: invalid value for repeated field`);
  if (value.includes(null)) throw new ProtoJsonError(`${what}: null in repeated field`);
  return value;
}
