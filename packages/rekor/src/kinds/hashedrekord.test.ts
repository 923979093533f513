import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encoding, sha256 } from '@sigbox/core';
import { parseProposedEntry, canonicalizeSearchEntry, type RekorError } from '../index.js';
import { b64, hashedrekord, keyPem, selfSignedCert, signArtifact, testKey, type Digest } from '@sigbox/testkit';

const artifact = encoding.utf8('hello sigbox\n');
const p256 = testKey('ecdsa-p256');

async function rejects(entry: unknown, message: string, status = 400) {
  let error: RekorError | undefined;
  try {
    await parseProposedEntry(entry);
  } catch (err) {
    error = err as RekorError;
  }
  expect(error?.message).toBe(message);
  expect(error?.status).toBe(status);
}

/** The canonical body written out by hand from rekor's schema: keys sorted, no whitespace. */
function expectedBody(digest: Digest, sig: Uint8Array, pem: string): string {
  const value = crypto.hash(digest, artifact, 'hex');
  return `{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"data":{"hash":{"algorithm":"${digest}","value":"${value}"}},"signature":{"content":"${b64(sig)}","publicKey":{"content":"${b64(pem)}"}}}}`;
}

describe('hashedrekord 0.0.1', () => {
  it.each([
    ['ecdsa-p256', 'sha256'],
    ['ecdsa-p384', 'sha384'],
    ['rsa', 'sha256'],
    ['ed25519', 'sha512'],
  ] as const)('canonicalizes and verifies a %s / %s entry', async (alg, digest) => {
    const key = alg === 'ecdsa-p256' ? p256 : testKey(alg);
    const sig = signArtifact(key, artifact, digest);
    // Submitted with CRLF line ends: the body carries Go's canonical PEM instead, the index key the raw bytes.
    const submitted = keyPem(key.publicKey).replaceAll('\n', '\r\n');
    const entry = await parseProposedEntry(hashedrekord(sig, submitted, digest, artifact));
    const body = expectedBody(digest, sig, keyPem(key.publicKey));
    expect(encoding.fromUtf8(entry.canonicalBody)).toBe(body);
    expect(entry.leafHash).toEqual(sha256(new Uint8Array([0]), encoding.utf8(body)));
    expect(entry.indexKeys).toEqual([encoding.toHex(sha256(encoding.utf8(submitted))), `${digest}:${crypto.hash(digest, artifact, 'hex')}`]);
  });

  it('indexes every SAN of a certificate, lower-cased', async () => {
    const cert = await selfSignedCert({ email: 'Alice@Example.com', uri: 'https://github.com/Org/Repo/.github/workflows/release.yml@refs/heads/main', dns: 'example.com' });
    const sig = signArtifact(cert.key, artifact, 'sha256');
    const entry = await parseProposedEntry(hashedrekord(sig, cert.pem, 'sha256', artifact));
    expect(encoding.fromUtf8(entry.canonicalBody)).toBe(expectedBody('sha256', sig, cert.pem));
    expect(entry.indexKeys).toEqual([
      encoding.toHex(sha256(encoding.utf8(cert.pem))),
      `sha256:${crypto.hash('sha256', artifact, 'hex')}`,
      'example.com',
      'alice@example.com',
      'https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main',
    ]);
  });

  it('keeps the submitted hash case (not normalised) but lower-cases its index key', async () => {
    const sig = signArtifact(p256, artifact, 'sha256');
    const e = hashedrekord(sig, keyPem(p256.publicKey), 'sha256', artifact);
    e.spec.data.hash.value = e.spec.data.hash.value.toUpperCase();
    const entry = await parseProposedEntry(e);
    expect(encoding.fromUtf8(entry.canonicalBody)).toContain(`"value":"${e.spec.data.hash.value}"`);
    expect(entry.indexKeys).toContain(`sha256:${e.spec.data.hash.value.toLowerCase()}`);
  });

  const good = () => hashedrekord(signArtifact(p256, artifact, 'sha256'), keyPem(p256.publicKey), 'sha256', artifact);
  type Entry = ReturnType<typeof good>;
  const mutate = (f: (e: Entry) => void) => {
    const e = good();
    f(e);
    return e;
  };

  it.each<[string, (e: Entry) => void, string]>([
    ['a flipped signature bit', (e) => {
      const s = encoding.fromBase64(e.spec.signature.content);
      s[10] = (s[10] as number) ^ 1;
      e.spec.signature.content = b64(s);
    }, 'verifying signature: invalid signature when validating ASN.1 encoded signature'],
    ['the wrong key', (e) => void (e.spec.signature.publicKey.content = b64(keyPem(testKey('ecdsa-p256').publicKey))), 'verifying signature: invalid signature when validating ASN.1 encoded signature'],
    ['a digest of the wrong length', (e) => void (e.spec.data.hash.value = e.spec.data.hash.value.slice(2)), 'invalid value for hash'],
    ['a non-hex digest', (e) => void (e.spec.data.hash.value = `g${e.spec.data.hash.value.slice(1)}`), "encoding/hex: invalid byte: U+0067 'g'"],
    ['an unknown algorithm', (e) => void (e.spec.data.hash.algorithm = 'sha1' as Digest), 'validation failure list:\ndata.data.hash.data.hash.algorithm in body should be one of [sha256 sha384 sha512]'],
    ['unpadded base64', (e) => void (e.spec.signature.content = 'abc'), 'failed parsing base64 data for signature content: illegal base64 data at input byte 0'],
    ['an illegal base64 character', (e) => void (e.spec.signature.content = 'ab!d'), 'failed parsing base64 data for signature content: illegal base64 data at input byte 2'],
    ['a PEM of another type', (e) => void (e.spec.signature.publicKey.content = b64(keyPem(p256.publicKey).replaceAll('PUBLIC KEY', 'PRIVATE KEY'))), 'invalid public key: cannot handle type PRIVATE KEY'],
    ['no PEM at all', (e) => void (e.spec.signature.publicKey.content = b64('hello')), 'invalid public key: failure decoding PEM'],
    ['a missing public key', (e) => void delete (e.spec.signature as Partial<Entry['spec']['signature']>).publicKey, 'missing public key'],
    ['missing data and signature', (e) => void ((e as { spec: unknown }).spec = {}), 'validation failure list:\ndata in body is required\nsignature in body is required'],
    ['a missing hash value', (e) => void delete (e.spec.data.hash as Partial<Entry['spec']['data']['hash']>).value, 'validation failure list:\ndata.data.hash.data.hash.value in body is required'],
    ['a spec that is not an object', (e) => void ((e as { spec: unknown }).spec = 'x'), 'unsupported input type string for DecodeEntry'],
  ])('rejects %s with upstream text', async (_, f, detail) => {
    await rejects(mutate(f), `error processing entry: ${detail}`);
  });

  it('verifies over the digest but enforces the algorithm allow-list on insert only', async () => {
    const e = hashedrekord(signArtifact(p256, artifact, 'sha384'), keyPem(p256.publicKey), 'sha384', artifact);
    await rejects(e, 'error processing entry: entry algorithms are not allowed');
    expect((await canonicalizeSearchEntry(e)).kind).toBe('hashedrekord');
    const ed = testKey('ed25519');
    await rejects(hashedrekord(signArtifact(ed, artifact, 'sha512'), keyPem(ed.publicKey), 'sha256', artifact), 'error processing entry: verifying signature: unsupported hash algorithm: "SHA-256" not in [SHA-512]');
  });

  it('search errors carry the bare upstream text', async () => {
    const e = mutate((x) => void (x.spec.data.hash.value = x.spec.data.hash.value.slice(2)));
    await expect(canonicalizeSearchEntry(e)).rejects.toThrow(expect.objectContaining({ message: 'invalid value for hash', status: 400 }));
  });
});
