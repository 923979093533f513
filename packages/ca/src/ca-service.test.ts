import 'reflect-metadata';
import crypto, { X509Certificate } from 'node:crypto';
import * as peculiar from '@peculiar/x509';
import { encoding } from '@sigbox/core';
import { createIssuerRegistry, parseIssuerConfig } from '@sigbox/oidc';
import { type OidcIssuer, type TestCa, createTestCa, startOidcIssuer, validityAround } from '@sigbox/testkit';
import { decodeSctList } from '@sigbox/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaService } from './ca-service.js';
import { CaError } from './errors.js';
import type { SctIssuer } from './sct-issuer.js';
import { parseSigningRequestV2 } from './signing-request.js';

const OID_SCT_LIST = '1.3.6.1.4.1.11129.2.4.2';
let idp: OidcIssuer;
let testCa: TestCa;

beforeAll(async () => {
  idp = await startOidcIssuer();
  testCa = await createTestCa({ algorithm: 'ecdsa-p384', validity: validityAround() });
});
afterAll(() => idp?.close());

function ca(sctIssuer?: SctIssuer) {
  const issuers = createIssuerRegistry(parseIssuerConfig({}));
  issuers.addIssuer({ url: idp.url, type: 'email' });
  return createCaService({ issuers, signer: testCa.intermediate.signer, chainDer: testCa.chainDer, ...(sctIssuer ? { sctIssuer } : {}) });
}

function keyRequest(challenge: string, key = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })) {
  const pem = key.publicKey.export({ format: 'pem', type: 'spki' }) as string;
  const pop = crypto.sign('sha256', Buffer.from(challenge), key.privateKey).toString('base64');
  return { key, body: { publicKeyRequest: { publicKey: { algorithm: 'ECDSA', content: pem }, proofOfPossession: pop } } };
}

async function refusal(promise: Promise<unknown>): Promise<CaError> {
  const error = await promise.then(() => undefined, (err: unknown) => err);
  expect(error).toBeInstanceOf(CaError);
  return error as CaError;
}

describe('CA service', () => {
  it('issues a 10-minute certificate for the token’s email, chained to the CA, for the key that proved possession', async () => {
    const { key, body } = keyRequest('dev@example.com');
    const token = idp.issueToken({ email: 'dev@example.com' });
    const issued = await ca().issueSigningCertificate(parseSigningRequestV2(body, `Bearer ${token}`));
    expect(issued.embeddedSct).toBe(false);
    expect(issued.chainDer.slice(1)).toEqual(testCa.chainDer);
    const leaf = new X509Certificate(Buffer.from(issued.chainDer[0]!));
    const intermediate = new X509Certificate(Buffer.from(testCa.intermediate.der));
    expect(leaf.checkIssued(intermediate)).toBe(true);
    expect(leaf.verify(intermediate.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toBe('email:dev@example.com');
    expect(leaf.publicKey.export({ format: 'der', type: 'spki' })).toEqual(key.publicKey.export({ format: 'der', type: 'spki' }));
    expect(new Date(leaf.validTo).getTime() - new Date(leaf.validFrom).getTime()).toBe(600_000);
    expect(leaf.keyUsage).toContain('1.3.6.1.5.5.7.3.3');
  });

  it('accepts the token from the body over the header, and a CSR instead of a key', async () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const csr = await csrPem(privateKey, publicKey);
    const token = idp.issueToken({ email: 'csr@example.com' });
    const request = parseSigningRequestV2({ credentials: { oidcIdentityToken: token }, certificateSigningRequest: encoding.toBase64(encoding.utf8(csr)) }, 'Bearer not-a-token');
    const issued = await ca().issueSigningCertificate(request);
    expect(new X509Certificate(Buffer.from(issued.chainDer[0]!)).subjectAltName).toBe('email:csr@example.com');
  });

  it('embeds the SCT the CT seam returns for the precertificate it was shown', async () => {
    let seen: Uint8Array | undefined;
    const sct = crypto.randomBytes(119);
    const issued = await ca({ logPrecertificate: async (precert) => ((seen = precert), new Uint8Array(sct)) }).issueSigningCertificate(
      parseSigningRequestV2(keyRequest('dev@example.com').body, `Bearer ${idp.issueToken()}`),
    );
    expect(issued.embeddedSct).toBe(true);
    const leaf = new X509Certificate(Buffer.from(issued.chainDer[0]!));
    const pre = new X509Certificate(Buffer.from(seen!));
    expect(pre.serialNumber).toBe(leaf.serialNumber);
    expect(decodeSctList(extensionValue(issued.chainDer[0]!, OID_SCT_LIST))).toEqual([new Uint8Array(sct)]);
  });

  it('issues nothing when the CT log fails', async () => {
    const error = await refusal(
      ca({ logPrecertificate: () => Promise.reject(new Error('ct down')) }).issueSigningCertificate(
        parseSigningRequestV2(keyRequest('dev@example.com').body, `Bearer ${idp.issueToken()}`),
      ),
    );
    expect([error.code, error.status, error.message]).toEqual(['CT_LOG', 500, 'Error entering certificate in CTL']);
  });

  it.each([
    ['a proof over another subject', () => keyRequest('someone@else.com').body, () => idp.issueToken(), 'INVALID_SIGNATURE', 'The signature supplied in the request could not be verified'],
    ['an unverified email', () => keyRequest('dev@example.com').body, () => idp.issueToken({ email_verified: false }), 'INVALID_TOKEN', 'There was an error processing the identity token'],
    ['an expired token', () => keyRequest('dev@example.com').body, () => idp.issueToken({ exp: Math.floor(Date.now() / 1000) - 5 }), 'INVALID_TOKEN', 'There was an error processing the identity token'],
    ['a weak key', () => keyRequest('dev@example.com', crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }) as never).body, () => idp.issueToken(), 'INSECURE_KEY', 'The public key supplied in the request is insecure'],
    ['garbage for a key', () => ({ publicKeyRequest: { publicKey: { content: 'not a key' }, proofOfPossession: 'AAAA' } }), () => idp.issueToken(), 'INVALID_PUBLIC_KEY', 'The public key supplied in the request could not be parsed'],
    ['a key PEM labelled CERTIFICATE', () => {
      const pem = keyRequest('dev@example.com').body;
      pem.publicKeyRequest.publicKey.content = pem.publicKeyRequest.publicKey.content.replace(/PUBLIC KEY/g, 'CERTIFICATE');
      return pem;
    }, () => idp.issueToken(), 'INVALID_PUBLIC_KEY', 'The public key supplied in the request could not be parsed'],
    ['two key PEM blocks', () => {
      const pem = keyRequest('dev@example.com').body;
      pem.publicKeyRequest.publicKey.content += pem.publicKeyRequest.publicKey.content;
      return pem;
    }, () => idp.issueToken(), 'INVALID_PUBLIC_KEY', 'The public key supplied in the request could not be parsed'],
    ['an email that is not ASCII (an rfc822Name is an IA5String)', () => keyRequest('jos\u00e9@example.com').body, () => idp.issueToken({ email: 'jos\u00e9@example.com' }), 'INVALID_IDENTITY', 'There was an error processing the identity token'],
    ['a malformed CSR', () => ({ certificateSigningRequest: encoding.toBase64(encoding.utf8('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n')) }), () => idp.issueToken(), 'INVALID_CSR', 'The certificate signing request could not be parsed'],
  ])('refuses %s with fulcio’s status and text', async (_name, body, token, code, message) => {
    const error = await refusal(ca().issueSigningCertificate(parseSigningRequestV2(body(), `Bearer ${token()}`)));
    expect([error.code, error.status, error.message]).toEqual([code, 400, message]);
  });
});

/** A PKCS#10 CSR as clients make them (@peculiar/x509 over WebCrypto). */
async function csrPem(privateKey: crypto.KeyObject, publicKey: crypto.KeyObject): Promise<string> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = {
    privateKey: await crypto.subtle.importKey('pkcs8', privateKey.export({ format: 'der', type: 'pkcs8' }), alg, false, ['sign']),
    publicKey: await crypto.subtle.importKey('spki', publicKey.export({ format: 'der', type: 'spki' }), alg, true, ['verify']),
  };
  const csr = await peculiar.Pkcs10CertificateRequestGenerator.create({ keys, signingAlgorithm: alg });
  return csr.toString('pem');
}

/** The TLS SCT list inside extension `oid` (its extnValue is an OCTET STRING wrapping the list). */
function extensionValue(der: Uint8Array, oid: string): Uint8Array {
  const ext = new peculiar.X509Certificate(Buffer.from(der)).getExtension(oid);
  if (!ext) throw new Error(`no extension ${oid}`);
  const value = new Uint8Array(ext.value);
  const lengthOctets = value[1]! & 0x80 ? value[1]! & 0x7f : 0;
  return value.subarray(2 + lengthOctets);
}
