import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TEST_CA_TIME, TEST_CA_VALIDITY, createTestCa, validityAround } from './test-ca.js';

const cert = (der: Uint8Array) => new crypto.X509Certificate(der);

describe('createTestCa', () => {
  it('makes root → intermediate on fresh P-256 keys, valid over the fixed decade, served intermediate first', async () => {
    const ca = await createTestCa();
    const [intermediate, root] = ca.chainDer.map(cert) as [crypto.X509Certificate, crypto.X509Certificate];
    expect(root.subject).toBe('O=sigbox.dev\nCN=sigbox');
    expect(intermediate.subject).toBe('O=sigbox.dev\nCN=sigbox-intermediate');
    expect(intermediate.checkIssued(root) && intermediate.verify(ca.root.signer.publicKey)).toBe(true);
    expect(intermediate.publicKey.equals(ca.intermediate.signer.publicKey)).toBe(true);
    expect(root.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect([new Date(root.validFrom), new Date(root.validTo)]).toEqual([TEST_CA_VALIDITY.notBefore, TEST_CA_VALIDITY.notAfter]);
    expect(TEST_CA_TIME > TEST_CA_VALIDITY.notBefore && TEST_CA_TIME < TEST_CA_VALIDITY.notAfter).toBe(true);
    expect(ca.root.pem).toBe(root.toString());
  });

  it('issues leaves under the intermediate, and intermediates for other keys under the root', async () => {
    const ca = await createTestCa({ commonName: 'corp', organization: 'corp.example', algorithm: 'ecdsa-p384', rootAlgorithm: 'ecdsa-p256', validity: validityAround() });
    expect(cert(ca.intermediate.der).publicKey.asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
    expect(cert(ca.root.der).publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const leaf = cert((await ca.draft('bob@example.com').certificate()).der);
    expect(leaf.subjectAltName).toBe('email:bob@example.com');
    expect(leaf.verify(ca.intermediate.signer.publicKey)).toBe(true);

    const { publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const other = cert((await ca.issueIntermediate(publicKey, { commonName: 'issuing' })).der);
    expect(other.subject).toBe('CN=issuing');
    expect(other.checkIssued(cert(ca.root.der)) && other.verify(ca.root.signer.publicKey)).toBe(true);
    expect(other.publicKey.equals(publicKey)).toBe(true);
  });
});
