import crypto from 'node:crypto';
import { spkiDer } from '@sigbox/core';
import { TAG, bitString, encode, sequence } from '../der.js';
import { bitStringBytes, children, raw, readWhole } from '../der-reader.js';

/** `publicKey`'s SPKI with its EC point in another SEC 1 §2.3.3 form; the AlgorithmIdentifier is kept as it is. */
export function pointReencoded(publicKey: crypto.KeyObject, curve: string, form: 'uncompressed' | 'compressed' | 'hybrid'): Uint8Array {
  const spki = new Uint8Array(spkiDer(publicKey));
  const info = readWhole(spki, TAG.SEQUENCE);
  const [algorithm, key] = children(spki, info);
  const point = crypto.ECDH.convertKey(Buffer.from(bitStringBytes(spki, key!)), curve, undefined, undefined, form) as Buffer;
  return encode(sequence(raw(spki, algorithm!), bitString(point)));
}
