// The browser's certificate reading (web/certificate.ts, a small DER reader) against certificates Node and
// @sigbox/x509 read: the SANs, validity and names must be what they say; the Fulcio OID table must be the policy's.
import { X509Certificate } from 'node:crypto';
import { EXTENSION_FIELDS } from '@sigbox/policy';
import { selfSignedCert } from '@sigbox/testkit';
import { describe, expect, it } from 'vitest';
import { decodeCertificate } from '../web/certificate.js';
import { ecdsaDerToP1363 } from '../web/der.js';
import { FULCIO_EXTENSIONS } from '../web/fulcio-oids.js';

describe('decodeCertificate', () => {
  it.each([
    [{ email: 'Someone@Example.com' }, 'email', 'Someone@Example.com'],
    [{ uri: 'https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main' }, 'uri', 'https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main'],
  ] as const)('reads %o as Node does', async (sans, kind, value) => {
    const cert = await selfSignedCert(sans);
    const facts = decodeCertificate(cert.der);
    const node = new X509Certificate(Buffer.from(cert.der));
    expect(facts.subjectAltNames).toEqual([{ kind, value }]);
    expect(facts.notBefore.getTime()).toBe(Date.parse(node.validFrom));
    expect(facts.notAfter.getTime()).toBe(Date.parse(node.validTo));
    expect(facts.serial.toUpperCase()).toBe(node.serialNumber.replace(/^0+/, '').padStart(facts.serial.length, '0'));
  });

  it('refuses bytes that are not a certificate', () => {
    expect(() => decodeCertificate(Uint8Array.of(0x30, 0x05, 0x02, 0x01))).toThrow(/DER/);
  });
});

describe('the Fulcio extension table', () => {
  it("names 1.8 onward exactly as @sigbox/policy's EXTENSION_FIELDS", () => {
    expect(FULCIO_EXTENSIONS.filter((f) => f.raw !== true).map(({ oid, name, title }) => ({ oid, name, title }))).toEqual(EXTENSION_FIELDS.map(({ oid, name, title }) => ({ oid, name, title })));
  });
});

describe('ecdsaDerToP1363', () => {
  it('pads short integers and drops the sign byte', () => {
    const der = Uint8Array.of(0x30, 0x07, 0x02, 0x02, 0x00, 0x80, 0x02, 0x01, 0x05);
    const out = ecdsaDerToP1363(der);
    expect(out.length).toBe(64);
    expect(out[31]).toBe(0x80);
    expect(out[63]).toBe(0x05);
  });
});
