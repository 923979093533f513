import fc from 'fast-check';

/**
 * Inputs for property tests of readers: a real encoding (a certificate, a CSR, a token, a PEM) with a few random
 * edits, which reach a parser's error paths far more often than random bytes do.
 */

// DER length octets at their edges (short form maximum, long forms, indefinite) and other boundary bytes.
const EDGE_BYTES = [0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0xff];

type Edit = (bytes: Uint8Array) => Uint8Array;

const at = (bytes: Uint8Array, index: number) => (bytes.length === 0 ? 0 : index % (bytes.length + 1));
const splice = (bytes: Uint8Array, start: number, remove: number, insert: Uint8Array = new Uint8Array()) =>
  Uint8Array.from([...bytes.subarray(0, start), ...insert, ...bytes.subarray(start + remove)]);

const edit: fc.Arbitrary<Edit> = fc.oneof(
  // one byte set to a random or a boundary value
  fc.tuple(fc.nat(), fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(...EDGE_BYTES))).map(([i, value]): Edit => (b) => (b.length === 0 ? b : splice(b, i % b.length, 1, Uint8Array.of(value)))),
  // a few random bytes inserted
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([i, bytes]): Edit => (b) => splice(b, at(b, i), 0, bytes)),
  // a run deleted
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 16 })).map(([i, n]): Edit => (b) => splice(b, at(b, i), n)),
  // truncated
  fc.nat().map((i): Edit => (b) => b.subarray(0, at(b, i))),
  // a slice repeated in place (nested or doubled structures)
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 64 })).map(([i, n]): Edit => (b) => {
    const start = at(b, i);
    return splice(b, start, 0, b.subarray(start, start + n));
  }),
);

/** `base` with 1 to `maxEdits` random edits: bytes set (to boundary values too), inserted, deleted, truncated, repeated. */
export function mutatedBytes(base: Uint8Array, maxEdits = 4): fc.Arbitrary<Uint8Array> {
  return fc.array(edit, { minLength: 1, maxLength: maxEdits }).map((edits) => edits.reduce<Uint8Array>((bytes, apply) => apply(bytes), Uint8Array.from(base)));
}

/** {@link mutatedBytes} of a text's latin1 bytes, as text: ASCII encodings (tokens, PEM) with any byte let in. */
export function mutatedText(base: string, maxEdits = 4): fc.Arbitrary<string> {
  return mutatedBytes(Buffer.from(base, 'latin1'), maxEdits).map((bytes) => Buffer.from(bytes).toString('latin1'));
}
