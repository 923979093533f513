import { encoding } from '@sigbox/core';
import { testCertificate } from '@sigbox/testkit';
import { describe, expect, it } from 'vitest';
import { entryCertificates } from './entry-certificates.js';

const b64 = (text: string) => encoding.toBase64(encoding.utf8(text));
const leaf = (body: unknown) => ({ index: 0n, leaf: encoding.utf8(JSON.stringify(body)) });

describe('entryCertificates', async () => {
  const cert = await testCertificate({ name: 'CN=a' });
  const other = await testCertificate({ name: 'CN=b' });
  const hex = (list: Uint8Array[]) => list.map((d) => encoding.toHex(d));

  it('finds the certificates of every Rekor entry shape, once each, and nothing in a plain key or junk', () => {
    const shapes = {
      'hashedrekord 0.0.1': { kind: 'hashedrekord', spec: { signature: { content: 'c2ln', publicKey: { content: b64(cert.pem) } }, data: { hash: { algorithm: 'sha256', value: 'ab' } } } },
      'dsse 0.0.1': { kind: 'dsse', spec: { signatures: [{ signature: 'x', verifier: b64(cert.pem) }, { signature: 'y', verifier: b64(other.pem) }] } },
      'intoto 0.0.2': { kind: 'intoto', spec: { content: { envelope: { signatures: [{ sig: 'x', publicKey: b64(cert.pem) }] } } } },
      'hashedrekord 0.0.2': { kind: 'hashedrekord', spec: { hashedRekordV002: { signature: { verifier: { x509Certificate: { rawBytes: encoding.toBase64(cert.der) } } } } } },
      'dsse 0.0.2 (twice the same)': { kind: 'dsse', spec: { dsseV002: { signatures: [1, 2].map(() => ({ verifier: { x509Certificate: { rawBytes: encoding.toBase64(cert.der) } } })) } } },
    };
    const expected: Record<string, Uint8Array[]> = { 'dsse 0.0.1': [cert.der, other.der] };
    for (const [name, body] of Object.entries(shapes)) expect(hex(entryCertificates('tiles', leaf(body))), name).toEqual(hex(expected[name] ?? [cert.der]));
    const key = cert.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(entryCertificates('rekor-v1', leaf({ spec: { signature: { publicKey: { content: b64(key) } } } }))).toEqual([]);
    expect(entryCertificates('rekor-v1', { index: 0n, leaf: encoding.utf8('{not json') })).toEqual([]);
  });

  it('reads an RFC 6962 x509_entry leaf and a precert entry from its extra data', () => {
    const uint24 = (der: Uint8Array) => new Uint8Array([der.length >> 16, (der.length >> 8) & 0xff, der.length & 0xff, ...der]);
    const head = (type: number) => new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, type]);
    expect(hex(entryCertificates('ct', { index: 0n, leaf: new Uint8Array([...head(0), ...uint24(cert.der), 0, 0]) }))).toEqual(hex([cert.der]));
    const precert = { index: 1n, leaf: new Uint8Array([...head(1), ...new Uint8Array(32), ...uint24(new Uint8Array([1, 2, 3])), 0, 0]), extraData: new Uint8Array([...uint24(other.der), 0, 0, 0]) };
    expect(hex(entryCertificates('ct', precert))).toEqual(hex([other.der]));
    expect(entryCertificates('ct', { index: 2n, leaf: new Uint8Array([1, 0, 0]) })).toEqual([]);
    // A precert entry whose extra data is cut short carries no certificate the monitor can trust to be whole.
    expect(entryCertificates('ct', { ...precert, extraData: precert.extraData.subarray(0, 10) })).toEqual([]);
  });
});
