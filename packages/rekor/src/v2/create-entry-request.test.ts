// The v2 write API's request reading and leaves, with real keys and signatures: the leaf each request becomes
// (upstream's JCS(protojson(Entry)) shape, byte for byte), both field spellings, and every refusal upstream makes.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encoding, spkiDer } from '@sigbox/core';
import { STATEMENT, b64, dsseEnvelope, dsseV2Request, hashedRekordV2Request, selfSignedCert, testKey } from '@sigbox/testkit';
import { RekorV2Error, parseCreateEntryRequest } from '../index.js';

const artifact = encoding.utf8('a v2 artifact\n');
const p256 = testKey('ecdsa-p256');
const p384 = testKey('ecdsa-p384');
const ed25519 = testKey('ed25519');
const rsa = testKey('rsa');
const cert = await selfSignedCert({ email: 'v2@example.com' });

const leafJson = async (body: unknown) => JSON.parse(encoding.fromUtf8((await parseCreateEntryRequest(body)).leaf)) as unknown;
const sha = (alg: string, data: Uint8Array) => encoding.toBase64(encoding.asBytes(crypto.hash(alg, data, 'buffer')));

/** The request's INVALID_ARGUMENT message (fails the test on any other outcome). */
async function refusal(body: unknown): Promise<string> {
  const error: unknown = await parseCreateEntryRequest(body).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RekorV2Error);
  expect((error as RekorV2Error).code).toBe('INVALID_ARGUMENT');
  return (error as RekorV2Error).message;
}

describe('hashedrekord 0.0.2', () => {
  it('becomes the leaf rekor-tiles writes: sorted keys, data.algorithm from keyDetails, the signature verbatim', async () => {
    const request = hashedRekordV2Request(p256, artifact);
    const entry = await parseCreateEntryRequest(request);
    expect(entry).toMatchObject({ kind: 'hashedrekord', version: '0.0.2' });
    const spki = encoding.toBase64(spkiDer(p256.publicKey));
    const signature = request.hashedRekordRequestV002.signature.content;
    expect(encoding.fromUtf8(entry.leaf)).toBe(
      `{"apiVersion":"0.0.2","kind":"hashedrekord","spec":{"hashedRekordV002":{"data":{"algorithm":"SHA2_256","digest":"${sha('sha256', artifact)}"},` +
        `"signature":{"content":"${signature}","verifier":{"keyDetails":"PKIX_ECDSA_P256_SHA_256","publicKey":{"rawBytes":"${spki}"}}}}}}`,
    );
  });

  it.each([
    ['ECDSA P-384', p384, 'SHA2_384'],
    ['Ed25519ph', ed25519, 'SHA2_512'],
    ['RSA 2048', rsa, 'SHA2_256'],
  ])('takes %s keys', async (_, key, algorithm) => {
    expect(await leafJson(hashedRekordV2Request(key, artifact))).toMatchObject({ spec: { hashedRekordV002: { data: { algorithm } } } });
  });

  it('takes an X.509 certificate verifier and keeps its DER', async () => {
    const leaf = await leafJson(hashedRekordV2Request(cert.key, artifact, { certificate: cert.der }));
    expect(leaf).toMatchObject({ spec: { hashedRekordV002: { signature: { verifier: { x509Certificate: { rawBytes: encoding.toBase64(cert.der) } } } } } });
  });

  it('reads snake_case names (CLIENTS.md curl) into the same leaf', async () => {
    const camel = hashedRekordV2Request(p256, artifact);
    const { digest, signature } = camel.hashedRekordRequestV002;
    const snake = {
      hashed_rekord_request_v002: {
        digest,
        signature: { content: signature.content, verifier: { public_key: { raw_bytes: signature.verifier.publicKey?.rawBytes }, key_details: signature.verifier.keyDetails } },
      },
    };
    expect((await parseCreateEntryRequest(snake)).leaf).toEqual((await parseCreateEntryRequest(camel)).leaf);
  });

  it('reads unpadded and URL-safe base64 as protojson does, and writes std base64 with padding', async () => {
    const request = hashedRekordV2Request(p256, artifact);
    const { signature } = request.hashedRekordRequestV002;
    const urlSafe = { hashedRekordRequestV002: { ...request.hashedRekordRequestV002, signature: { ...signature, content: encoding.toBase64Url(encoding.fromBase64(signature.content)) } } };
    expect((await parseCreateEntryRequest(urlSafe)).leaf).toEqual((await parseCreateEntryRequest(request)).leaf);
  });

  it('refuses unknown fields, a field given twice and two kinds at once, with the decoding error', async () => {
    const request = hashedRekordV2Request(p256, artifact);
    expect(await refusal({ ...request, extra: 1 })).toMatch(/^proto: .*unknown field "extra"/);
    expect(await refusal({ hashedRekordRequestV002: { ...request.hashedRekordRequestV002, dataa: 'x' } })).toMatch(/unknown field "dataa"/);
    expect(await refusal({ ...request, hashed_rekord_request_v002: request.hashedRekordRequestV002 })).toMatch(/duplicate field/);
    expect(await refusal({ ...request, dsseRequestV002: {} })).toMatch(/oneof/);
    expect(await refusal({ hashedRekordRequestV002: { ...request.hashedRekordRequestV002, digest: 'not base64!' } })).toMatch(/bytes/);
  });

  it('answers an empty request as upstream: not a hashedrekord', async () => {
    expect(await refusal({})).toBe('invalid type, must be hashedrekord');
  });

  it('refuses what ToLogEntry refuses, with the generic text', async () => {
    const good = hashedRekordV2Request(p256, artifact).hashedRekordRequestV002;
    const bad = (change: object) => refusal({ hashedRekordRequestV002: { ...good, ...change } });
    const verifier = good.signature.verifier;
    const cases = [
      { digest: undefined },
      { digest: b64(new Uint8Array(31)) },
      { signature: undefined },
      { signature: { ...good.signature, content: '' } },
      { signature: { content: good.signature.content } },
      { signature: { ...good.signature, verifier: { keyDetails: verifier.keyDetails } } },
      { signature: { ...good.signature, verifier: { ...verifier, publicKey: { rawBytes: '' } } } },
      { signature: { ...good.signature, verifier: { ...verifier, publicKey: { rawBytes: b64('not a key') } } } },
      // Pure Ed25519 has no digest (rekor-tiles#927); a P-256 key with P-384 details is not on the list.
      { signature: { ...good.signature, verifier: { ...verifier, keyDetails: 'PKIX_ED25519' } } },
      { signature: { ...good.signature, verifier: { ...verifier, keyDetails: 'PKIX_ECDSA_P384_SHA_384' } } },
      { signature: { ...good.signature, verifier: { ...verifier, keyDetails: 'PKIX_RSA_PSS_2048_SHA256' } } },
      { signature: { ...good.signature, verifier: { publicKey: verifier.publicKey } } },
      // Someone else's signature over the same digest.
      { signature: { ...good.signature, content: hashedRekordV2Request(testKey('ecdsa-p256'), artifact).hashedRekordRequestV002.signature.content } },
      { digest: sha('sha256', encoding.utf8('another artifact')) },
    ];
    for (const change of cases) expect(await bad(change), JSON.stringify(change)).toBe('invalid hashedrekord request');
  });

  it('refuses an RSA key size off the list (1024 bits)', async () => {
    const small = { privateKey: crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey } as { privateKey: crypto.KeyObject; publicKey: crypto.KeyObject };
    small.publicKey = crypto.createPublicKey(small.privateKey);
    expect(await refusal(hashedRekordV2Request(small, artifact, { keyDetails: 'PKIX_RSA_PKCS1V15_2048_SHA256' }))).toBe('invalid hashedrekord request');
  });
});

describe('dsse 0.0.2 (sigstore-js)', () => {
  const statement = encoding.utf8(JSON.stringify(STATEMENT));

  it('becomes a dsse 0.0.2 leaf: the payload SHA-256 and the signatures sorted, each with its verifier', async () => {
    const envelope = dsseEnvelope('application/vnd.in-toto+json', statement, [p256, ed25519]);
    const entry = await parseCreateEntryRequest(dsseV2Request(envelope, [ed25519, p256]));
    expect(entry).toMatchObject({ kind: 'dsse', version: '0.0.2' });
    const leaf = JSON.parse(encoding.fromUtf8(entry.leaf)) as { spec: { dsseV002: { payloadHash: unknown; signatures: Array<{ content: string; verifier: { keyDetails: string } }> } } };
    expect(leaf.spec.dsseV002.payloadHash).toEqual({ algorithm: 'SHA2_256', digest: sha('sha256', statement) });
    const sigs = leaf.spec.dsseV002.signatures;
    expect(sigs.map((s) => s.content).sort((a, b) => Buffer.compare(encoding.fromBase64(a), encoding.fromBase64(b)))).toEqual(sigs.map((s) => s.content));
    const byContent = new Map(sigs.map((s) => [s.content, s.verifier.keyDetails]));
    expect(byContent.get(envelope.signatures[0]?.sig ?? '')).toBe('PKIX_ECDSA_P256_SHA_256');
    expect(byContent.get(envelope.signatures[1]?.sig ?? '')).toBe('PKIX_ED25519_PH');
  });

  it('refuses a signature no verifier verifies, a verifier that verifies none, duplicates and an empty envelope', async () => {
    const envelope = dsseEnvelope('application/vnd.in-toto+json', statement, [p256]);
    expect(await refusal(dsseV2Request(envelope, [ed25519]))).toBe('invalid dsse request');
    expect(await refusal(dsseV2Request(envelope, [p256, ed25519]))).toBe('invalid dsse request');
    expect(await refusal(dsseV2Request(envelope, [p256, p256]))).toBe('invalid dsse request');
    expect(await refusal(dsseV2Request({ ...envelope, signatures: [] }, [p256]))).toBe('invalid dsse request');
    expect(await refusal(dsseV2Request({ ...envelope, payload: b64('changed') }, [p256]))).toBe('invalid dsse request');
  });
});
