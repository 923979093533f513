import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeEntryBundle, parseEntryBundle } from './entry-bundle.js';
import { errorCode } from './__fixtures__/error-code.js';

describe('entry bundles (C2SP tlog-tiles)', () => {
  it('prefixes each entry with its big-endian uint16 length', () => {
    const bundle = encodeEntryBundle([Uint8Array.of(0xaa), new Uint8Array(0x0102).fill(7), new Uint8Array(0)]);
    expect([...bundle.subarray(0, 3)]).toEqual([0x00, 0x01, 0xaa]);
    expect([...bundle.subarray(3, 5)]).toEqual([0x01, 0x02]);
    expect([...bundle.subarray(5 + 0x0102)]).toEqual([0x00, 0x00]);
    expect(bundle.length).toBe(3 + 2 + 0x0102 + 2);
  });

  it('round-trips entries of every size up to 65535 bytes, empty ones included', () => {
    const entries = [0, 1, 255, 256, 4096, 65_535].map((n) => new Uint8Array(crypto.randomBytes(n)));
    expect(parseEntryBundle(encodeEntryBundle(entries))).toEqual(entries);
    const full = Array.from({ length: 256 }, (_, i) => new Uint8Array(crypto.randomBytes(i)));
    expect(parseEntryBundle(encodeEntryBundle(full))).toEqual(full);
  });

  it('encodes no entries as no bytes and parses no bytes as no entries', () => {
    expect(encodeEntryBundle([])).toEqual(new Uint8Array(0));
    expect(parseEntryBundle(new Uint8Array(0))).toEqual([]);
  });

  it('refuses an entry longer than 65535 bytes', () => {
    expect(errorCode(() => encodeEntryBundle([new Uint8Array(65_535)]))).toBe('no error');
    expect(errorCode(() => encodeEntryBundle([Uint8Array.of(1), new Uint8Array(65_536)]))).toBe('ENTRY_TOO_LARGE');
  });

  it('refuses bytes that end inside a length or inside an entry', () => {
    const bundle = encodeEntryBundle([Uint8Array.of(1, 2, 3), Uint8Array.of(4, 5)]);
    expect(errorCode(() => parseEntryBundle(bundle))).toBe('no error');
    expect(errorCode(() => parseEntryBundle(bundle.subarray(0, 1)))).toBe('INVALID_TILE'); // half a length
    expect(errorCode(() => parseEntryBundle(bundle.subarray(0, 6)))).toBe('INVALID_TILE'); // second length cut
    expect(errorCode(() => parseEntryBundle(bundle.subarray(0, 4)))).toBe('INVALID_TILE'); // first entry cut
    expect(errorCode(() => parseEntryBundle(bundle.subarray(0, bundle.length - 1)))).toBe('INVALID_TILE'); // last entry cut
    expect(errorCode(() => parseEntryBundle(Uint8Array.of(0xff, 0xff)))).toBe('INVALID_TILE'); // promises 65535 bytes
  });
});
