import type { RequestHeaders } from '@sigbox/api';
import { MAX_INT64, parseUint64 } from '@sigbox/core';
import { GO_OPENAPI_CODE } from '@sigbox/rekor';
import { HttpError } from '../http-error.js';

function unprocessable(code: number, message: string): HttpError {
  return new HttpError(422, { code, message });
}

/**
 * An int64 query parameter as go-swagger binds it: absent → `undefined` (or 422 when required), anything but
 * one decimal integer ≥ `min` → 422 with go-openapi's wording and code.
 */
export function int64Query(query: Readonly<Record<string, unknown>>, name: string, options: { required: true; min?: bigint }): bigint;
export function int64Query(query: Readonly<Record<string, unknown>>, name: string, options?: { required?: false; min?: bigint }): bigint | undefined;
export function int64Query(query: Readonly<Record<string, unknown>>, name: string, options: { required?: boolean; min?: bigint } = {}): bigint | undefined {
  const raw = query[name];
  if (raw === undefined || raw === '') {
    if (options.required) throw unprocessable(GO_OPENAPI_CODE.REQUIRED, `${name} in query is required`);
    return undefined;
  }
  if (typeof raw !== 'string') throw unprocessable(GO_OPENAPI_CODE.INVALID_TYPE, `${name} in query must be of type int64: ${JSON.stringify(raw)}`);
  let value: bigint;
  try {
    value = raw.startsWith('-') ? -parseUint64(raw.slice(1), MAX_INT64 + 1n) : parseUint64(raw, MAX_INT64);
  } catch {
    throw unprocessable(GO_OPENAPI_CODE.INVALID_TYPE, `${name} in query must be of type int64: "${raw}"`);
  }
  const min = options.min ?? 0n;
  if (value < min) throw unprocessable(GO_OPENAPI_CODE.MIN, `${name} in query should be greater than or equal to ${min}`);
  return value;
}

/**
 * A required body parameter as go-swagger binds it: a request without a body (`runtime.HasBody` false, which
 * includes `Content-Length: 0`) is 422 `<name> in body is required` before any handler logic runs.
 */
export function requiredBody(body: unknown, headers: RequestHeaders, name: string): unknown {
  if (body === undefined || headers['content-length'] === '0') throw unprocessable(GO_OPENAPI_CODE.REQUIRED, `${name} in body is required`);
  return body;
}
