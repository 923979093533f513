import { describe, expect, it } from 'vitest';
import { encode, integer, oid, octetString, time } from './der.js';
import { decodeOid, readElement } from './der-reader.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('der encoder', () => {
  it('encodes OIDs with multi-byte arcs (57264 → 83 BF 30) and decodes them back', () => {
    expect(hex(oid('1.3.6.1.4.1.57264.1.8'))).toBe('060a2b0601040183bf300108');
    expect(hex(oid('1.2.840.10045.4.3.3'))).toBe('06082a8648ce3d040303');
    for (const dotted of ['1.3.6.1.4.1.57264.1.24', '2.5.29.37.0', '1.3.101.112', '2.999.1']) {
      expect(decodeOid(oid(dotted).subarray(2))).toBe(dotted);
    }
  });

  it('encodes INTEGERs minimally, with a 0x00 pad only when the high bit is set', () => {
    expect(hex(encode(integer(0n)))).toBe('020100');
    expect(hex(encode(integer(127n)))).toBe('02017f');
    expect(hex(encode(integer(128n)))).toBe('02020080');
    expect(hex(encode(integer(0x1234n)))).toBe('02021234');
  });

  it('uses short and long length forms at the right boundaries', () => {
    expect(hex(encode(octetString(new Uint8Array(127)))).slice(0, 4)).toBe('047f');
    expect(hex(encode(octetString(new Uint8Array(128)))).slice(0, 6)).toBe('048180');
    expect(hex(encode(octetString(new Uint8Array(256)))).slice(0, 8)).toBe('04820100');
    expect(hex(encode(octetString(new Uint8Array(65536)))).slice(0, 10)).toBe('0483010000');
  });

  it('writes UTCTime before 2050 and GeneralizedTime from 2050, whole seconds', () => {
    expect(Buffer.from(encode(time(new Date('2024-03-19T22:41:15.966Z')))).toString('latin1')).toBe('\x17\x0d240319224115Z');
    expect(Buffer.from(encode(time(new Date('2049-12-31T23:59:59Z')))).toString('latin1')).toBe('\x17\x0d491231235959Z');
    expect(Buffer.from(encode(time(new Date('2050-01-01T00:00:00Z')))).toString('latin1')).toBe('\x18\x0f20500101000000Z');
  });
});

describe('der reader', () => {
  it('rejects indefinite, non-minimal and overlong lengths', () => {
    expect(() => readElement(Uint8Array.from([0x30, 0x80, 0, 0]))).toThrow(/length form/);
    expect(() => readElement(Uint8Array.from([0x04, 0x81, 0x05, 1, 2, 3, 4, 5]))).toThrow(/non-minimal/);
    expect(() => readElement(Uint8Array.from([0x04, 0x05, 1, 2]))).toThrow(/past end/);
    expect(readElement(Uint8Array.from([0x04, 0x02, 1, 2]))).toEqual({ tag: 4, start: 0, contentStart: 2, end: 4 });
  });

  it('refuses OID arcs padded with 0x80, empty and truncated OIDs', () => {
    expect(decodeOid(Uint8Array.of(0x2b, 0x06, 0x01, 0x80 | 0x01, 0x00))).toBe('1.3.6.1.128');
    expect(() => decodeOid(Uint8Array.of(0x2b, 0x06, 0x80, 0x01))).toThrow(/non-minimal/);
    expect(() => decodeOid(Uint8Array.of(0x80, 0x2b))).toThrow(/non-minimal/);
    expect(() => decodeOid(Uint8Array.of())).toThrow(/empty/);
    expect(() => decodeOid(Uint8Array.of(0x2b, 0x86))).toThrow(/truncated/);
  });
});
