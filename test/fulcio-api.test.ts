// The Fulcio API over HTTP, as each client sends it (cosign v2's legacy v1 call, sigstore-go, sigstore-js,
// sigstore-python), and every refusal with Fulcio's exact status and body (the messages of fulcio
// pkg/server/error.go at v1.8.8, as grpc-gateway writes them). Certificates are checked with node:crypto,
// @peculiar/x509 and openssl.
import crypto, { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createIssuerKey, mutatedText, oid, openssl, signJwt, startOidcIssuer, tlv, toolAvailable } from '@sigbox/testkit';
import fc from 'fast-check';
import {
  type ClientKey, EKS_PATTERN, type FulcioHarness, GITHUB_CLAIMS, INVALID_TOKEN, URI_SUBJECT_DOMAIN, certificatesOf, clientKey, csrDer, csrField,
  expectFulcioError, fulcioValues, leafExtensions, proofOfPossession, publicKeyRequest, startFulcio, verifyLeaf,
} from './helpers/fulcio.js';

const EMAIL = 'dev@example.com';
const now = () => Math.floor(Date.now() / 1000);
const b64 = (text: string) => Buffer.from(text).toString('base64');
const trimmed = (pem: string) => pem.trimEnd();

let fulcio: FulcioHarness;
beforeAll(async () => {
  fulcio = await startFulcio();
});
afterAll(() => fulcio.close());

const v2 = () => request(fulcio.app).post('/api/v2/signingCert').set('Content-Type', 'application/json');
const v1 = () => request(fulcio.app).post('/api/v1/signingCert').set('Content-Type', 'application/json');
const emailToken = (claims: Record<string, unknown> = {}) => fulcio.idps.email.issueToken({ email: EMAIL, ...claims });

/** A 200 v2 answer without CT: the detached form, chain = leaf, intermediate, root; returns the leaf. */
function detachedLeaf(res: request.Response): X509Certificate {
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(Object.keys(res.body)).toEqual(['signedCertificateDetachedSct']);
  const { chain, signedCertificateTimestamp } = res.body.signedCertificateDetachedSct;
  expect(signedCertificateTimestamp).toBe('');
  expect(chain.certificates).toHaveLength(3);
  expect(chain.certificates.slice(1)).toEqual([trimmed(fulcio.chain.intermediatePem), trimmed(fulcio.chain.rootPem)]);
  return certificatesOf(chain.certificates)[0] as X509Certificate;
}

describe('POST /api/v2/signingCert, as each client sends it', () => {
  it('cosign v3 / sigstore-go: Bearer header, publicKeyRequest only → exactly 200, detached, three trimmed PEMs', async () => {
    const key = clientKey('P-256');
    const res = await v2().set('Authorization', `Bearer ${emailToken()}`).send({ publicKeyRequest: publicKeyRequest(key, EMAIL) });
    const leaf = detachedLeaf(res);
    verifyLeaf(leaf, fulcio.chain, key.publicKey);
    expect(leaf.subjectAltName).toBe(`email:${EMAIL}`);
  });

  it('sigstore-js: token in credentials.oidcIdentityToken, no Authorization header', async () => {
    const key = clientKey('P-256');
    const body = { credentials: { oidcIdentityToken: emailToken({ email: 'js@example.com' }) }, publicKeyRequest: publicKeyRequest(key, 'js@example.com') };
    const leaf = detachedLeaf(await v2().send(body));
    verifyLeaf(leaf, fulcio.chain, key.publicKey);
    expect(leaf.subjectAltName).toBe('email:js@example.com');
  });

  it('the body credential wins over the header', async () => {
    const key = clientKey('P-256');
    const body = { credentials: { oidcIdentityToken: emailToken({ email: 'body@example.com' }) }, publicKeyRequest: publicKeyRequest(key, 'body@example.com') };
    const res = await v2().set('Authorization', `Bearer ${emailToken({ email: 'header@example.com' })}`).send(body);
    expect(detachedLeaf(res).subjectAltName).toBe('email:body@example.com');
  });

  it('sigstore-python: a CSR, Bearer header, Accept: application/pem-certificate-chain → still JSON', async () => {
    const key = clientKey('P-256');
    const res = await v2()
      .set('Authorization', `Bearer ${emailToken()}`)
      .set('Accept', 'application/pem-certificate-chain')
      .send({ certificateSigningRequest: csrField(await csrDer(key)) });
    verifyLeaf(detachedLeaf(res), fulcio.chain, key.publicKey);
  });

  it('accepts snake_case names, a null CSR beside a key, URL-safe unpadded base64 and any Content-Type', async () => {
    const key = clientKey('P-256');
    const pop = proofOfPossession(key, EMAIL).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const snake = {
      credentials: { oidc_identity_token: emailToken() },
      public_key_request: { public_key: { algorithm: 'ECDSA', content: key.pem }, proof_of_possession: pop },
      certificate_signing_request: null,
    };
    verifyLeaf(detachedLeaf(await v2().send(snake)), fulcio.chain, key.publicKey);

    const withNull = { publicKeyRequest: publicKeyRequest(key, EMAIL), certificateSigningRequest: null };
    detachedLeaf(await v2().set('Authorization', `Bearer ${emailToken()}`).send(withNull));

    const csr = { certificate_signing_request: csrField(await csrDer(key), 'NEW CERTIFICATE REQUEST') };
    const res = await request(fulcio.app).post('/api/v2/signingCert').set('Content-Type', 'text/plain').set('Authorization', `Bearer ${emailToken()}`).send(JSON.stringify(csr));
    verifyLeaf(detachedLeaf(res), fulcio.chain, key.publicKey);
  });

  it.each(['P-384', 'Ed25519', 'RSA-2048'] as const)('certifies a %s key; publicKey.algorithm is ignored', async (type) => {
    const key = clientKey(type);
    const res = await v2().set('Authorization', `Bearer ${emailToken()}`).send({ publicKeyRequest: publicKeyRequest(key, EMAIL, 'RSA') });
    verifyLeaf(detachedLeaf(res), fulcio.chain, key.publicKey);
  });
});

describe('POST /api/v1/signingCert (cosign v2 legacy)', () => {
  it('201, application/pem-certificate-chain, leaf + chain joined by one newline, no trailing newline', async () => {
    const key = clientKey('P-256');
    const body = { publicKey: { content: b64(key.pem), algorithm: 'ecdsa' }, signedEmailAddress: proofOfPossession(key, EMAIL), certificateSigningRequest: null };
    const res = await v1().set('Authorization', `Bearer ${emailToken()}`).send(body);
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/pem-certificate-chain/);
    expect(res.headers.sct).toBeUndefined(); // no CT log, no detached SCT
    const text = res.text;
    expect(text.endsWith('-----END CERTIFICATE-----')).toBe(true);
    const pems = text.split(/\n(?=-----BEGIN)/);
    expect(pems.slice(1)).toEqual([trimmed(fulcio.chain.intermediatePem), trimmed(fulcio.chain.rootPem)]);
    const [leaf] = certificatesOf(pems);
    verifyLeaf(leaf as X509Certificate, fulcio.chain, key.publicKey);
    expect(leaf?.subjectAltName).toBe(`email:${EMAIL}`);
  });

  it('takes a DER key in publicKey.content, or a CSR instead of a key', async () => {
    const key = clientKey('P-256');
    const der = key.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    const withDer = await v1().set('Authorization', `Bearer ${emailToken()}`).send({ publicKey: { content: der }, signedEmailAddress: proofOfPossession(key, EMAIL) });
    expect(withDer.status).toBe(201);
    const withCsr = await v1().set('Authorization', `Bearer ${emailToken()}`).send({ certificateSigningRequest: csrField(await csrDer(key)) });
    expect(withCsr.status).toBe(201);
    for (const res of [withDer, withCsr]) {
      const [leaf] = certificatesOf(res.text.split(/\n(?=-----BEGIN)/));
      verifyLeaf(leaf as X509Certificate, fulcio.chain, key.publicKey);
    }
  });

  it('answers a gzipped body exactly as the same body sent plain', async () => {
    const key = clientKey('P-256');
    const body = JSON.stringify({ publicKey: { content: b64(key.pem) }, signedEmailAddress: proofOfPossession(key, EMAIL) });
    const send = (token: string, gzip: boolean) =>
      gzip
        ? v1().set({ Authorization: `Bearer ${token}`, 'Content-Encoding': 'gzip' }).serialize((x: unknown) => x as string).send(gzipSync(body))
        : v1().set('Authorization', `Bearer ${token}`).serialize((x: unknown) => x as string).send(body);
    const [plain, gzipped] = [await send(emailToken(), false), await send(emailToken(), true)];
    for (const res of [plain, gzipped]) {
      expect(res.status).toBe(201);
      const pems = res.text.split(/\n(?=-----BEGIN)/);
      expect(pems.slice(1)).toEqual([trimmed(fulcio.chain.intermediatePem), trimmed(fulcio.chain.rootPem)]);
      verifyLeaf(certificatesOf(pems)[0] as X509Certificate, fulcio.chain, key.publicKey);
    }
    expect(plain.headers['content-type']).toBe('application/pem-certificate-chain; charset=utf-8');
    expect(gzipped.headers['content-type']).toBe(plain.headers['content-type']);
    const [badPlain, badGzipped] = [await send('not-a-token', false), await send('not-a-token', true)];
    expectFulcioError(badPlain, 400, 3, INVALID_TOKEN);
    expect([badGzipped.status, badGzipped.headers['content-type'], badGzipped.text]).toEqual([badPlain.status, badPlain.headers['content-type'], badPlain.text]);
  });

  it('reads the token from the header only, and needs a key or a CSR', async () => {
    const key = clientKey('P-256');
    const body = { publicKey: { content: b64(key.pem) }, signedEmailAddress: proofOfPossession(key, EMAIL), credentials: { oidcIdentityToken: emailToken() } };
    expectFulcioError(await v1().send(body), 400, 3, INVALID_TOKEN);
    expectFulcioError(await v1().set('Authorization', `Bearer ${emailToken()}`).send({}), 400, 3, 'The public key supplied in the request could not be parsed');
  });
});

describe('the issued leaf, read independently', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'sigbox-fulcio-api-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  async function issue(token: string, challenge: string) {
    const key = clientKey('P-256');
    const res = await v2().set('Authorization', `Bearer ${token}`).send({ publicKeyRequest: publicKeyRequest(key, challenge) });
    const leaf = detachedLeaf(res);
    verifyLeaf(leaf, fulcio.chain, key.publicKey);
    return { leaf, pem: res.body.signedCertificateDetachedSct.chain.certificates[0] as string };
  }

  it('email: extension order and criticality of the Fulcio profile, 1.1 / 1.8 / 1.24 only', async () => {
    const { leaf } = await issue(emailToken({ sub: 'user-123' }), EMAIL);
    const exts = leafExtensions(leaf.raw);
    expect(exts.map((e) => [e.oid, e.critical])).toEqual([
      // No subjectKeyIdentifier: fulcio `main` dropped it from leaves (sigstore/fulcio#2416).
      ['2.5.29.15', true], ['2.5.29.37', false], ['2.5.29.35', false], ['2.5.29.17', true],
      ['1.3.6.1.4.1.57264.1.1', false], ['1.3.6.1.4.1.57264.1.8', false], ['1.3.6.1.4.1.57264.1.24', false],
    ]);
    const url = fulcio.idps.email.url;
    expect(fulcioValues(leaf.raw)).toEqual({ 1: url, 8: url, 24: 'user-123' });
  });

  it('uri and kubernetes issuers: URI SANs, challenge = sub', async () => {
    const sub = `${URI_SUBJECT_DOMAIN}/users/alice`;
    const uri = await issue(fulcio.idps.uri.issueToken({ sub }), sub);
    expect(uri.leaf.subjectAltName).toBe(`URI:${sub}`);
    expect(fulcioValues(uri.leaf.raw)).toEqual({ 1: fulcio.idps.uri.url, 8: fulcio.idps.uri.url, 24: sub });

    const k8s = { sub: 'system:serviceaccount:prod:api', 'kubernetes.io': { namespace: 'prod', serviceaccount: { name: 'api' } } };
    const { leaf } = await issue(fulcio.idps.kubernetes.issueToken(k8s), k8s.sub);
    expect(leaf.subjectAltName).toBe('URI:https://kubernetes.io/namespaces/prod/serviceaccounts/api');
  });

  it('GitHub ci-provider: SAN from the template and every GitHub extension, raw for 1.2–1.6', async () => {
    const { leaf } = await issue(fulcio.idps.github.issueToken(GITHUB_CLAIMS), GITHUB_CLAIMS.sub);
    const workflow = 'https://github.com/octo-org/octo-repo/.github/workflows/release.yml@refs/heads/main';
    expect(leaf.subjectAltName).toBe(`URI:${workflow}`);
    const iss = fulcio.idps.github.url;
    const values = fulcioValues(leaf.raw);
    expect(values).toEqual({
      1: iss, 2: 'push', 3: 'e3b0c442', 4: 'Release', 5: 'octo-org/octo-repo', 6: 'refs/heads/main', 8: iss, 9: workflow,
      10: 'b5f8a0c1', 11: 'github-hosted', 12: 'https://github.com/octo-org/octo-repo', 13: 'e3b0c442', 14: 'refs/heads/main',
      15: '74', 16: 'https://github.com/octo-org', 17: '65', 18: workflow, 19: 'b5f8a0c1', 20: 'push',
      21: 'https://github.com/octo-org/octo-repo/actions/runs/9876543210/attempts/1', 22: 'public', 24: GITHUB_CLAIMS.sub,
    });
    // Fulcio order: 1.1–1.6, then 1.8 upwards (fulcio pkg/certificate/extensions.go `Render` at v1.8.8).
    expect(Object.keys(values).map(Number)).toEqual([...Object.keys(values).map(Number)].sort((a, b) => a - b));
    expect(leafExtensions(leaf.raw).filter((e) => e.text !== undefined).map((e) => e.oid.split('.').at(-1))).toEqual(Object.keys(values));
  });

  describe.skipIf(!toolAvailable('openssl', 'reads issued leaves as a third party'))('openssl', () => {
    it('verifies the chain and prints the profile: SAN, code signing, Fulcio OIDs, 10 minutes', async () => {
      const { pem } = await issue(emailToken({ sub: 'user-123' }), EMAIL);
      const files = { leaf: path.join(tmp, 'leaf.pem'), root: path.join(tmp, 'root.pem'), intermediate: path.join(tmp, 'intermediate.pem') };
      writeFileSync(files.leaf, `${pem}\n`);
      writeFileSync(files.root, fulcio.chain.rootPem);
      writeFileSync(files.intermediate, fulcio.chain.intermediatePem);
      expect(openssl(['verify', '-CAfile', files.root, '-untrusted', files.intermediate, '-purpose', 'any', files.leaf])).toContain(`${files.leaf}: OK`);

      const text = openssl(['x509', '-in', files.leaf, '-text', '-noout']);
      expect(text).toMatch(/X509v3 Key Usage: critical\n\s+Digital Signature\n/);
      expect(text).toMatch(/X509v3 Extended Key Usage: \n\s+Code Signing\n/);
      expect(text).toMatch(new RegExp(`X509v3 Subject Alternative Name: critical\\n\\s+email:${EMAIL}\\n`));
      expect(text).toMatch(/Subject: *\n/);
      expect(text).toContain('Signature Algorithm: ecdsa-with-SHA384');
      const url = fulcio.idps.email.url;
      expect(text).toMatch(new RegExp(`1\\.3\\.6\\.1\\.4\\.1\\.57264\\.1\\.1: \\n\\s+${url.replace(/\./g, '\\.')}\\n`));
      expect(text).toMatch(new RegExp(`1\\.3\\.6\\.1\\.4\\.1\\.57264\\.1\\.8: \\n\\s+\\..${url.replace(/\./g, '\\.')}\\n`)); // 0C <len> shown as dots
      expect(text).toMatch(/1\.3\.6\.1\.4\.1\.57264\.1\.24: \n\s+\.\.user-123\n/);
      const notBefore = Date.parse(/Not Before: (.+)\n/.exec(text)?.[1] ?? '');
      const notAfter = Date.parse(/Not After : (.+)\n/.exec(text)?.[1] ?? '');
      expect(notAfter - notBefore).toBe(600_000);
    });
  });
});

// Whatever a client sends in the token, the key or the CSR, the answer is a certificate or a 400: no reader's
// exception may escape as a 500.
describe('mutated signing requests', () => {
  it('answer 200 or 400, never 5xx', async () => {
    const key = clientKey('P-256');
    const csr = csrField(await csrDer(key));
    const token = emailToken();
    const pop = proofOfPossession(key, EMAIL);
    // The token travels in the body (any byte fits in JSON); v1 takes it from the header only.
    const request = fc.oneof(
      mutatedText(token, 6).map((t) => ({ body: { credentials: { oidcIdentityToken: t }, publicKeyRequest: { publicKey: { content: key.pem }, proofOfPossession: pop } } })),
      mutatedText(key.pem, 6).map((pem) => ({ body: { credentials: { oidcIdentityToken: token }, publicKeyRequest: { publicKey: { content: pem }, proofOfPossession: pop } } })),
      mutatedText(csr, 6).map((field) => ({ body: { credentials: { oidcIdentityToken: token }, certificateSigningRequest: field } })),
      mutatedText(Buffer.from(key.pem).toString('base64'), 6).map((content) => ({ body: { publicKey: { content }, signedEmailAddress: pop }, v1: true })),
    );
    await fc.assert(fc.asyncProperty(request, async ({ body, v1: legacy }: { body: object; v1?: boolean }) => {
      const res = await (legacy ? v1().set('Authorization', `Bearer ${token}`) : v2()).send(body);
      expect([200, 201, 400], JSON.stringify(res.body)).toContain(res.status);
    }), { numRuns: 150 });
  });
});

describe('GET endpoints', () => {
  it('/api/v2/trustBundle: one chain, intermediate then root, PEMs ending in a newline', async () => {
    const res = await request(fulcio.app).get('/api/v2/trustBundle').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ chains: [{ certificates: [fulcio.chain.intermediatePem, fulcio.chain.rootPem] }] });
    expect(fulcio.chain.rootPem.endsWith('-----END CERTIFICATE-----\n')).toBe(true);
  });

  it('/api/v1/rootCert: every certificate, each followed by a blank line, trailing whitespace trimmed', async () => {
    const res = await request(fulcio.app).get('/api/v1/rootCert');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/pem-certificate-chain/);
    expect(res.text).toBe(`${fulcio.chain.intermediatePem}\n${trimmed(fulcio.chain.rootPem)}`);
  });

  it('/api/v2/configuration: exact issuers, then meta-issuers, audience sigstore, challenge claims per type', async () => {
    const res = await request(fulcio.app).get('/api/v2/configuration').expect(200);
    const entry = (type: string, challengeClaim: string, subjectDomain = '') =>
      ({ audience: 'sigstore', challengeClaim, spiffeTrustDomain: '', issuerType: type, subjectDomain, skipEmailVerification: false });
    const { email, uri, kubernetes, github } = fulcio.idps;
    expect(res.body).toEqual({
      issuers: [
        { issuerUrl: github.url, ...entry('ci-provider', 'sub') },
        { issuerUrl: email.url, ...entry('email', 'email') },
        { issuerUrl: uri.url, ...entry('uri', 'sub', URI_SUBJECT_DOMAIN) },
        { issuerUrl: kubernetes.url, ...entry('kubernetes', 'sub') },
        { wildcardIssuerUrl: EKS_PATTERN, ...entry('kubernetes', 'sub') },
      ],
    });
  });
});

describe('refusals: Fulcio status and body, and no certificate', () => {
  let before: number;
  beforeEach(() => {
    before = fulcio.signatures();
  });
  afterEach(() => {
    expect(fulcio.signatures()).toBe(before);
  });

  const withToken = (token: string, key = clientKey('P-256')) =>
    v2().set('Authorization', `Bearer ${token}`).send({ publicKeyRequest: publicKeyRequest(key, EMAIL) });

  it.each([
    ['an expired token', () => emailToken({ exp: now() - 1 })],
    ['a token not valid for another 10 minutes', () => emailToken({ nbf: now() + 600, exp: now() + 1200 })],
    ['a token for another audience', () => emailToken({ aud: 'not-sigstore' })],
    ['a token from an unknown issuer', () => emailToken({ iss: 'https://unknown.example' })],
    ['alg none', () => fulcio.idps.email.issueToken({ email: EMAIL }, { algorithm: 'none' })],
    ['HS256 keyed with the RSA public key', () => fulcio.idps.email.issueToken({ email: EMAIL }, { algorithm: 'HS256' })],
    ['a kid not in the JWKS', () => fulcio.idps.email.issueToken({ email: EMAIL }, { key: createIssuerKey('RS256') })],
    ['email_verified false', () => emailToken({ email_verified: false })],
    ['email_verified missing', () => emailToken({ email_verified: undefined })],
    ['a tampered payload', () => {
      const [header, , signature] = emailToken().split('.');
      return `${header}.${Buffer.from(JSON.stringify({ iss: fulcio.idps.email.url, aud: 'sigstore', sub: 'x', exp: now() + 60, email: EMAIL, email_verified: true })).toString('base64url')}.${signature}`;
    }],
    ['two segments', () => emailToken().split('.').slice(0, 2).join('.')],
  ])('400 for %s', async (_name, token) => {
    expectFulcioError(await withToken(token()), 400, 3, INVALID_TOKEN);
  });

  it('400 for a token whose jku / x5u headers point at an attacker, who is never contacted', async () => {
    const attacker = await startOidcIssuer({ algorithms: ['RS256'] });
    try {
      const key = attacker.currentKey;
      const payload = { iss: fulcio.idps.email.url, sub: 'x', aud: 'sigstore', exp: now() + 60, email: EMAIL, email_verified: true };
      for (const header of [{ alg: 'RS256', kid: key.kid, jku: attacker.jwksUri }, { alg: 'RS256', kid: key.kid, x5u: `${attacker.url}/cert.pem`, jwk: key.jwk }]) {
        expectFulcioError(await withToken(signJwt(header, payload, key, 'RS256')), 400, 3, INVALID_TOKEN);
      }
      expect(attacker.requestCounts).toEqual({ discovery: 0, jwks: 0 });
    } finally {
      await attacker.close();
    }
  });

  it('400 without any token, with a lowercase "bearer", and for a bad token even when the key is bad too', async () => {
    expectFulcioError(await v2().send({ publicKeyRequest: publicKeyRequest(clientKey(), EMAIL) }), 400, 3, INVALID_TOKEN);
    expectFulcioError(await v2().set('Authorization', `bearer ${emailToken()}`).send({ publicKeyRequest: publicKeyRequest(clientKey(), EMAIL) }), 400, 3, INVALID_TOKEN);
    expectFulcioError(await v2().send({}), 400, 3, INVALID_TOKEN);
    const garbage = { publicKeyRequest: { publicKey: { content: 'not a key' }, proofOfPossession: 'AAAA' } };
    expectFulcioError(await v2().set('Authorization', `Bearer ${emailToken({ exp: now() - 1 })}`).send(garbage), 400, 3, INVALID_TOKEN);
    expectFulcioError(await v1().send({ publicKey: { content: b64(clientKey().pem) }, signedEmailAddress: proofOfPossession(clientKey(), EMAIL) }), 400, 3, INVALID_TOKEN);
  });

  const UNVERIFIED = 'The signature supplied in the request could not be verified';
  const UNPARSABLE_KEY = 'The public key supplied in the request could not be parsed';

  it('400 for a proof of possession over another subject, by another key, or missing', async () => {
    const key = clientKey('P-256');
    const send = (proofOfPossession: string | undefined) =>
      v2().set('Authorization', `Bearer ${emailToken()}`).send({ publicKeyRequest: { publicKey: { content: key.pem }, proofOfPossession } });
    expectFulcioError(await send(proofOfPossession(key, 'someone@else.example')), 400, 3, UNVERIFIED);
    expectFulcioError(await send(proofOfPossession(clientKey('P-256'), EMAIL)), 400, 3, UNVERIFIED);
    expectFulcioError(await send(undefined), 400, 3, UNVERIFIED);
    const legacy = { publicKey: { content: b64(key.pem) }, signedEmailAddress: proofOfPossession(key, 'sub-not-email') };
    expectFulcioError(await v1().set('Authorization', `Bearer ${emailToken()}`).send(legacy), 400, 3, UNVERIFIED);
  });

  it('400 for a malformed CSR and for a CSR whose self-signature does not verify', async () => {
    const send = (csr: string) => v2().set('Authorization', `Bearer ${emailToken()}`).send({ certificateSigningRequest: csr });
    expectFulcioError(await send(csrField(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00))), 400, 3, 'The certificate signing request could not be parsed');
    expectFulcioError(await send(b64('not a PEM at all')), 400, 3, 'The certificate signing request could not be parsed');
    const der = await csrDer();
    der[der.length - 1] = (der[der.length - 1] as number) ^ 0x01; // last byte of the ECDSA signature's s
    expectFulcioError(await send(csrField(der)), 400, 3, UNVERIFIED);
  });

  it('400 for a weak RSA-1024 key and for a key that does not parse', async () => {
    const weak = clientKey('RSA-1024');
    expectFulcioError(await withToken(emailToken(), weak), 400, 3, 'The public key supplied in the request is insecure');
    for (const content of ['not a key', '', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n']) {
      const body = { publicKeyRequest: { publicKey: { content }, proofOfPossession: 'AAAA' } };
      expectFulcioError(await v2().set('Authorization', `Bearer ${emailToken()}`).send(body), 400, 3, UNPARSABLE_KEY);
    }
  });

  it('400 for a P-384 key behind SHA-256: the proof fails, the CSR is not permitted (fulcio #1953, #1959)', async () => {
    const key = clientKey('P-384');
    const pop = crypto.sign('sha256', Buffer.from(EMAIL), key.privateKey).toString('base64');
    const body = { publicKeyRequest: { publicKey: { content: key.pem }, proofOfPossession: pop } };
    expectFulcioError(await v2().set('Authorization', `Bearer ${emailToken()}`).send(body), 400, 3, UNVERIFIED);
    const csr = { certificateSigningRequest: csrField(await csrDer(key, 'SHA-256')) };
    expectFulcioError(await v2().set('Authorization', `Bearer ${emailToken()}`).send(csr), 400, 3, 'signing algorithm not permitted: ecdsa-p384, SHA-256');
  });

  // Fulcio parses keys with Go's x509.ParsePKIXPublicKey and CSRs with x509.ParseCertificateRequest, which take an
  // EC point uncompressed only (crypto/ecdh, SEC 1 §2.3.3): a compressed or hybrid point is a key that does not
  // parse. OpenSSL reads them, and a certificate carrying one is one Go clients cannot read.
  it.each(['compressed', 'hybrid'] as const)('400 for a P-256 key whose point is %s, as a key (PEM, DER) or in a CSR', async (form) => {
    const key = clientKey('P-256');
    const spki = pointReencoded(key, form);
    const pop = proofOfPossession(key, EMAIL);
    const pem = `-----BEGIN PUBLIC KEY-----\n${spki.toString('base64')}\n-----END PUBLIC KEY-----\n`;
    const send = (content: string) => v2().set('Authorization', `Bearer ${emailToken()}`).send({ publicKeyRequest: { publicKey: { content }, proofOfPossession: pop } });
    expectFulcioError(await send(pem), 400, 3, UNPARSABLE_KEY);
    expectFulcioError(await send(spki.toString('latin1')), 400, 3, UNPARSABLE_KEY);
    const legacy = { publicKey: { content: spki.toString('base64') }, signedEmailAddress: pop };
    expectFulcioError(await v1().set('Authorization', `Bearer ${emailToken()}`).send(legacy), 400, 3, UNPARSABLE_KEY);
    const csr = { certificateSigningRequest: csrField(handmadeCsr(key, spki)) };
    expectFulcioError(await v2().set('Authorization', `Bearer ${emailToken()}`).send(csr), 400, 3, 'The certificate signing request could not be parsed');
  });

  it('issues for the same hand-made key and CSR with the point uncompressed (the control of the test above)', async () => {
    const key = clientKey('P-256');
    const spki = pointReencoded(key, 'uncompressed');
    expect(spki).toEqual(key.publicKey.export({ format: 'der', type: 'spki' }));
    const res = await v2().set('Authorization', `Bearer ${emailToken()}`).send({ certificateSigningRequest: csrField(handmadeCsr(key, spki)) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    before = fulcio.signatures(); // this one was meant to issue
  });

  // An rfc822Name is an IA5String (RFC 5280 §4.2.1.6), so such an address cannot be certified. Fulcio fails later,
  // in x509.CreateCertificate, and answers 500 "error communicating with CA backend"; this is the client's
  // identity, not a backend fault: 400, the identity-token text.
  it('400 for an email address that is not ASCII, even with a valid proof of possession', async () => {
    const email = 'jos\u00e9@example.com';
    const key = clientKey('P-256');
    const res = await v2().set('Authorization', `Bearer ${emailToken({ email })}`).send({ publicKeyRequest: publicKeyRequest(key, email) });
    expectFulcioError(res, 400, 3, INVALID_TOKEN);
  });

  // Fulcio reads the subject with Go's url.Parse (pkg/identity/uri at v1.8.8), which refuses a backslash or a space
  // in the userinfo (net/url validUserinfo at go1.26) and malformed escapes. WHATWG parsers take the backslash for a
  // path separator and find host evil.com; a certificate naming a URI Go cannot parse is one Go clients cannot read.
  it.each([
    ['a backslash before the @', 'http://evil.com\\@127.0.0.1/alice'],
    ['a space in the userinfo', 'http://a b@127.0.0.1/alice'],
    ['a malformed escape in the path', 'http://127.0.0.1/alice%zz'],
    ['a malformed escape in the fragment', 'http://127.0.0.1/alice#%zz'],
  ])('400 for a uri subject Go cannot parse: %s', async (_name, sub) => {
    const key = clientKey('P-256');
    const res = await v2().set('Authorization', `Bearer ${fulcio.idps.uri.issueToken({ sub })}`).send({ publicKeyRequest: publicKeyRequest(key, sub) });
    expectFulcioError(res, 400, 3, INVALID_TOKEN);
  });

  it('400 for both a key and a CSR (two members of one oneof)', async () => {
    const key = clientKey('P-256');
    const body = { publicKeyRequest: publicKeyRequest(key, EMAIL), certificateSigningRequest: csrField(await csrDer(key)) };
    expectFulcioError(await v2().set('Authorization', `Bearer ${emailToken()}`).send(body), 400, 3, 'only one of publicKeyRequest and certificateSigningRequest may be set');
  });

  it('400 for malformed JSON, whatever the Content-Type', async () => {
    expectFulcioError(await v2().send('{"publicKeyRequest":'), 400, 3, 'error parsing request body');
    expectFulcioError(await request(fulcio.app).post('/api/v2/signingCert').set('Content-Type', 'text/plain').send('nope'), 400, 3, 'error parsing request body');
    expectFulcioError(await v1().send('{'), 400, 3, 'error parsing request body');
  });

  it('413 with ResourceExhausted for a body over 4 MiB, whatever the Content-Type', async () => {
    const body = { credentials: { oidcIdentityToken: emailToken() }, publicKeyRequest: publicKeyRequest(clientKey(), EMAIL), padding: 'x'.repeat(4 * 1024 * 1024) };
    expectFulcioError(await v2().send(body), 413, 8, 'Payload Too Large');
    const asText = request(fulcio.app).post('/api/v2/signingCert').set('Content-Type', 'text/plain');
    expectFulcioError(await asText.send(JSON.stringify(body)), 413, 8, 'Payload Too Large');
    expectFulcioError(await v1().set('Authorization', `Bearer ${emailToken()}`).send(body), 413, 8, 'Payload Too Large');
  });

  it('404 NotFound under the Fulcio endpoints', async () => {
    expectFulcioError(await request(fulcio.app).post('/api/v2/signingCert/extra').send({}), 404, 5, 'Not Found');
    expectFulcioError(await request(fulcio.app).get('/api/v2/trustBundle/x'), 404, 5, 'Not Found');
  });

  // The Fulcio API owns /api/v2 (a Rekor v2 at /api/v2/log would still win as the longer prefix).
  it('404 NotFound for any unknown path under /api/v2', async () => {
    expectFulcioError(await request(fulcio.app).post('/api/v2/nope').send({}), 404, 5, 'Not Found');
  });

  // A known path with the wrong method is grpc-gateway's 501 Unimplemented `Method Not Allowed` (runtime/errors.go
  // DefaultRoutingErrorHandler at v2.29.0, the version fulcio v1.8.8 builds with).
  it('501 Unimplemented for a known path with the wrong method', async () => {
    expectFulcioError(await request(fulcio.app).get('/api/v2/signingCert'), 501, 12, 'Method Not Allowed');
  });
});

/** `key`'s SPKI with its EC point re-encoded (SEC 1 §2.3.3): compressed 0x02/0x03 ‖ x, hybrid 0x06/0x07 ‖ x ‖ y. */
function pointReencoded(key: ClientKey, form: 'compressed' | 'hybrid' | 'uncompressed'): Buffer {
  const spki = key.publicKey.export({ format: 'der', type: 'spki' });
  const algorithm = spki.subarray(2, 23); // P-256: SEQUENCE { id-ecPublicKey, prime256v1 }, 21 bytes
  const point = crypto.ECDH.convertKey(spki.subarray(26), 'prime256v1', undefined, undefined, form) as Buffer;
  return Buffer.from(tlv(0x30, algorithm, tlv(0x03, Uint8Array.of(0), point)));
}

/** A PKCS#10 CSR (RFC 2986 §4) over exactly these SPKI bytes, empty subject, ECDSA with SHA-256 by `key`. */
function handmadeCsr(key: ClientKey, spki: Uint8Array): Uint8Array {
  const info = tlv(0x30, Uint8Array.of(0x02, 0x01, 0x00), Uint8Array.of(0x30, 0x00), spki, Uint8Array.of(0xa0, 0x00));
  const signature = crypto.sign('sha256', info, key.privateKey);
  return tlv(0x30, info, tlv(0x30, oid('1.2.840.10045.4.3.2')), tlv(0x03, Uint8Array.of(0), signature));
}
