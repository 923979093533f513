import { X509Error } from './error.js';

const MAX_U16 = 0xffff;

/**
 * The TLS-encoded SignedCertificateTimestampList of RFC 6962 §3.3: `opaque SerializedSCT<1..2^16-1>` inside
 * `SerializedSCT sct_list<1..2^16-1>`, i.e. u16 total length, then u16 length ‖ bytes per SCT.
 */
export function encodeSctList(serializedScts: Uint8Array[]): Uint8Array {
  if (serializedScts.length === 0) throw new X509Error('INVALID_REQUEST', 'an SCT list needs at least one SCT');
  let total = 0;
  for (const sct of serializedScts) {
    if (sct.length === 0 || sct.length > MAX_U16) throw new X509Error('INVALID_REQUEST', 'SCT length out of range');
    total += 2 + sct.length;
  }
  if (total > MAX_U16) throw new X509Error('INVALID_REQUEST', 'SCT list too long');
  const out = new Uint8Array(2 + total);
  const view = new DataView(out.buffer);
  view.setUint16(0, total);
  let offset = 2;
  for (const sct of serializedScts) {
    view.setUint16(offset, sct.length);
    out.set(sct, offset + 2);
    offset += 2 + sct.length;
  }
  return out;
}

/** The serialized SCTs of a TLS list; throws unless the list is well-formed and non-empty. */
export function decodeSctList(list: Uint8Array): Uint8Array[] {
  const bad = (why: string): never => {
    throw new X509Error('INVALID_REQUEST', `malformed SCT list: ${why}`);
  };
  if (list.length < 2) bad('truncated');
  const view = new DataView(list.buffer, list.byteOffset, list.byteLength);
  if (view.getUint16(0) !== list.length - 2) bad('length prefix mismatch');
  const out: Uint8Array[] = [];
  for (let offset = 2; offset < list.length; ) {
    if (offset + 2 > list.length) bad('truncated entry');
    const length = view.getUint16(offset);
    if (length === 0 || offset + 2 + length > list.length) bad('entry length');
    out.push(list.subarray(offset + 2, offset + 2 + length));
    offset += 2 + length;
  }
  if (out.length === 0) bad('empty');
  return out;
}
