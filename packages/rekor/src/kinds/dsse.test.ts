import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encoding, sha256 } from '@sigbox/core';
import { canonicalizeSearchEntry, parseProposedEntry } from '../index.js';
import { STATEMENT, b64, dsseEnvelope, keyPem, selfSignedCert, testKey } from '@sigbox/testkit';

const payload = encoding.utf8(JSON.stringify(STATEMENT));
const hex = (text: string | Uint8Array) => crypto.hash('sha256', text, 'hex');
const dsse = (envelope: string, verifiers: string[]) => ({ kind: 'dsse', apiVersion: '0.0.1', spec: { proposedContent: { envelope, verifiers: verifiers.map((v) => b64(v)) } } });

describe('dsse 0.0.1', () => {
  it('canonicalizes a two-signature envelope: hashes, sorted signatures, canonical verifiers', async () => {
    const key = testKey('ecdsa-p384');
    const cert = await selfSignedCert({ email: 'dev@example.com' });
    const env = dsseEnvelope('application/vnd.in-toto+json', payload, [key, cert.key]);
    const envelope = JSON.stringify(env, null, 1); // whitespace must be hashed exactly as submitted
    const entry = await parseProposedEntry(dsse(envelope, [keyPem(key.publicKey), cert.pem]));
    const sigs = [
      { sig: env.signatures[0]?.sig as string, pem: keyPem(key.publicKey) },
      { sig: env.signatures[1]?.sig as string, pem: cert.pem },
    ].sort((a, b) => (a.sig < b.sig ? -1 : 1));
    const body =
      `{"apiVersion":"0.0.1","kind":"dsse","spec":{"envelopeHash":{"algorithm":"sha256","value":"${hex(envelope)}"},` +
      `"payloadHash":{"algorithm":"sha256","value":"${hex(payload)}"},"signatures":[` +
      sigs.map((s) => `{"signature":"${s.sig}","verifier":"${b64(s.pem)}"}`).join(',') +
      ']}}';
    expect(encoding.fromUtf8(entry.canonicalBody)).toBe(body);
    expect(entry.leafHash).toEqual(sha256(new Uint8Array([0]), encoding.utf8(body)));
    expect(new Set(entry.indexKeys)).toEqual(
      new Set([
        `sha256:${hex(keyPem(key.publicKey))}`,
        `sha256:${hex(cert.pem)}`,
        'dev@example.com',
        `sha256:${hex(payload)}`,
        `sha256:${hex(envelope)}`,
        `sha256:${'a'.repeat(64)}`,
        `sha1:${'b'.repeat(40)}`,
      ]),
    );
  });

  it('verifies Ed25519 (pure) and RSA signatures over the PAE', async () => {
    const ed = testKey('ed25519');
    const rsa = testKey('rsa');
    const envelope = JSON.stringify(dsseEnvelope('text/plain', encoding.utf8('hi'), [ed, rsa]));
    const entry = await parseProposedEntry(dsse(envelope, [keyPem(rsa.publicKey), keyPem(ed.publicKey)]));
    expect(entry.indexKeys).toEqual(expect.arrayContaining([`sha256:${hex('hi')}`, `sha256:${hex(envelope)}`]));
  });

  it('reads the canonical form back for search, and refuses it for insertion', async () => {
    const key = testKey('ecdsa-p256');
    const entry = await parseProposedEntry(dsse(JSON.stringify(dsseEnvelope('t', payload, [key])), [keyPem(key.publicKey)]));
    const stored = JSON.parse(encoding.fromUtf8(entry.canonicalBody));
    expect((await canonicalizeSearchEntry(stored)).leafHash).toEqual(entry.leafHash);
    await expect(parseProposedEntry(stored)).rejects.toThrow('error processing entry: entry not insertable into log: missing proposed content');
  });

  const key = testKey('ecdsa-p256');
  const other = testKey('ecdsa-p256');
  const twoSigs = JSON.stringify(dsseEnvelope('t', payload, [key, other]));
  it.each([
    ['a signature without a verifier', dsse(twoSigs, [keyPem(key.publicKey)]), 'all signatures must have a key that verifies it'],
    ['a verifier that verifies nothing', dsse(twoSigs, [keyPem(testKey('ecdsa-p256').publicKey), keyPem(key.publicKey)]), 'could not verify envelope: accepted signatures do not match threshold, Found: 0, Expected 1'],
    ['an envelope that is not JSON', dsse('x', [keyPem(key.publicKey)]), "invalid character 'x' looking for beginning of value"],
    ['an envelope without signatures', dsse('{}', [keyPem(key.publicKey)]), 'DSSE envelope must contain 1 or more signatures'],
    ['a verifier that is not PEM', dsse(twoSigs, ['nope']), 'could not parse public key as x509: invalid public key: failure decoding PEM'],
    ['no verifiers', dsse(twoSigs, []), 'validation failure list:\nproposedContent.proposedContent.verifiers in body should have at least 1 items'],
    ['an empty spec', { kind: 'dsse', apiVersion: '0.0.1', spec: {} }, 'either proposedContent or envelopeHash, payloadHash, and signatures must be present'],
  ])('rejects %s', async (_, entry, detail) => {
    await expect(parseProposedEntry(entry)).rejects.toThrow(expect.objectContaining({ message: `error processing entry: ${detail}`, status: 400 }));
  });
});
