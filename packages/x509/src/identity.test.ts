import { describe, expect, it } from 'vitest';
import { encode } from './der.js';
import { encodeFulcioExtensions, encodeSubjectAltName } from './identity.js';
import { FULCIO_OIDS } from './oids.js';

const hex = (b: Parameters<typeof encode>[0]) => Buffer.from(encode(b)).toString('hex');
const ascii = (s: string) => Buffer.from(s).toString('hex');

describe('encodeSubjectAltName', () => {
  it('writes a critical SAN with one rfc822Name or URI', () => {
    // 30 L { 06 03 551d11, 01 01 ff, 04 L { 30 L { 81 L "a@b.dev" } } }
    expect(hex(encodeSubjectAltName({ kind: 'email', value: 'a@b.dev' }))).toBe(`30150603551d110101ff040b30098107${ascii('a@b.dev')}`);
    expect(hex(encodeSubjectAltName({ kind: 'uri', value: 'https://x.y/z' }))).toContain(`860d${ascii('https://x.y/z')}`);
  });

  it('writes a username as otherName 1.3.6.1.4.1.57264.1.7 with [0] EXPLICIT UTF8String', () => {
    const value = 'alice!corp.example';
    // otherName [0] { type-id, [0] { UTF8String } } inside GeneralNames inside the critical extension
    const otherName = `a022060a2b0601040183bf300107a0140c12${ascii(value)}`;
    expect(hex(encodeSubjectAltName({ kind: 'username', value }))).toBe(`30300603551d110101ff04263024${otherName}`);
  });

  it('refuses non-ASCII or empty IA5 names and unknown kinds', () => {
    expect(() => encodeSubjectAltName({ kind: 'email', value: 'ü@b.dev' })).toThrow(/ASCII/);
    expect(() => encodeSubjectAltName({ kind: 'uri', value: '' })).toThrow(/ASCII/);
    expect(() => encodeSubjectAltName({ kind: 'dns' as 'uri', value: 'x' })).toThrow(/unsupported SAN/);
  });
});

describe('encodeFulcioExtensions', () => {
  it('writes 1.1–1.6 as raw UTF-8 and 1.8+ as a DER UTF8String, never critical', () => {
    const [v1, v8] = encodeFulcioExtensions([
      { oid: FULCIO_OIDS.issuer, value: 'https://iss' },
      { oid: FULCIO_OIDS.issuerV2, value: 'https://iss' },
    ]).map(hex);
    expect(v1).toBe(`3019060a2b0601040183bf300101040b${ascii('https://iss')}`);
    expect(v8).toBe(`301b060a2b0601040183bf300108040d0c0b${ascii('https://iss')}`);
  });

  it('encodes non-ASCII values as UTF-8 bytes', () => {
    const [ext] = encodeFulcioExtensions([{ oid: FULCIO_OIDS.buildTrigger, value: 'püsh' }]).map(hex);
    expect(ext?.endsWith(`0c05${Buffer.from('püsh', 'utf8').toString('hex')}`)).toBe(true);
  });

  it('skips empty values, as fulcio Render does', () => {
    expect(encodeFulcioExtensions([{ oid: FULCIO_OIDS.issuer, value: 'x' }, { oid: FULCIO_OIDS.deploymentEnvironment, value: '' }])).toHaveLength(1);
  });

  it('refuses out-of-order or duplicate OIDs, 1.7 and OIDs outside the arc', () => {
    expect(() => encodeFulcioExtensions([{ oid: FULCIO_OIDS.issuerV2, value: 'x' }, { oid: FULCIO_OIDS.issuer, value: 'x' }])).toThrow(/order/);
    expect(() => encodeFulcioExtensions([{ oid: FULCIO_OIDS.issuer, value: 'x' }, { oid: FULCIO_OIDS.issuer, value: 'x' }])).toThrow(/order/);
    expect(() => encodeFulcioExtensions([{ oid: FULCIO_OIDS.otherName, value: 'x' }])).toThrow(/not a Fulcio/);
    expect(() => encodeFulcioExtensions([{ oid: '1.3.6.1.4.1.57264.2.1', value: 'x' }])).toThrow(/not a Fulcio/);
    expect(() => encodeFulcioExtensions([{ oid: '2.5.29.17', value: 'x' }])).toThrow(/not a Fulcio/);
  });
});
