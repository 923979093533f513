import { isObject } from '../go-validate.js';
import type { DsseEnvelope } from '../dsse-envelope.js';

const JSON_VALUE_START = /^[{["\-0-9tfn]/;

function goJsonSyntaxError(text: string): Error {
  const trimmed = text.trimStart();
  const first = trimmed[0];
  if (first === undefined) return new Error('unexpected end of JSON input');
  if (!JSON_VALUE_START.test(trimmed)) return new Error(`invalid character '${first}' looking for beginning of value`);
  return new Error('unexpected end of JSON input');
}

function goJsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

function stringField(obj: Record<string, unknown>, key: string, struct: string): string {
  const value = obj[key];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new Error(`json: cannot unmarshal ${goJsonType(value)} into Go struct field ${struct}.${key} of type string`);
  return value;
}

/**
 * `json.Unmarshal(envelope, &dsse.Envelope{})` as rekor's dsse type does it: unknown members ignored, null and
 * absent members empty, wrong types rejected with encoding/json's wording (syntax errors approximated).
 */
export function parseEnvelopeJson(text: string): DsseEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw goJsonSyntaxError(text);
  }
  if (value === null) return { payloadType: '', payload: '', signatures: [] };
  if (!isObject(value)) throw new Error(`json: cannot unmarshal ${goJsonType(value)} into Go value of type dsse.Envelope`);
  const sigs = value.signatures ?? [];
  if (!Array.isArray(sigs)) throw new Error(`json: cannot unmarshal ${goJsonType(sigs)} into Go struct field Envelope.signatures of type []dsse.Signature`);
  return {
    payloadType: stringField(value, 'payloadType', 'Envelope'),
    payload: stringField(value, 'payload', 'Envelope'),
    signatures: sigs.map((s) => {
      if (s === null) return { keyid: '', sig: '' };
      if (!isObject(s)) throw new Error(`json: cannot unmarshal ${goJsonType(s)} into Go struct field Envelope.signatures of type dsse.Signature`);
      return { keyid: stringField(s, 'keyid', 'Signature'), sig: stringField(s, 'sig', 'Signature') };
    }),
  };
}
