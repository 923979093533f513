import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encoding } from '@sigbox/core';
import { canonicalizeSearchEntry, parseProposedEntry } from '../index.js';
import { STATEMENT, b64, dsseEnvelope, keyPem, testKey } from '@sigbox/testkit';

const payload = encoding.utf8(JSON.stringify(STATEMENT));
const hex = (text: string | Uint8Array) => crypto.hash('sha256', text, 'hex');
const clientHash = { algorithm: 'sha256', value: 'c'.repeat(64) };

function intoto(keys: ReturnType<typeof testKey>[], options: { keyid?: string; hash?: unknown; pubs?: string[] } = {}) {
  const env = dsseEnvelope('application/vnd.in-toto+json', payload, keys);
  const signatures = env.signatures.map((s, i) => ({
    ...(options.keyid === undefined ? {} : { keyid: options.keyid }),
    sig: b64(s.sig),
    publicKey: b64(options.pubs?.[i] ?? keyPem((keys[i] as ReturnType<typeof testKey>).publicKey)),
  }));
  const content = { envelope: { payloadType: env.payloadType, payload: b64(env.payload), signatures }, ...(options.hash === undefined ? {} : { hash: options.hash }) };
  return { entry: { kind: 'intoto', apiVersion: '0.0.2', spec: { content } }, env };
}

describe('intoto 0.0.2', () => {
  it('drops the payload, keeps signatures and the client hash, recomputes payloadHash', async () => {
    const key = testKey('ecdsa-p256');
    const { entry, env } = intoto([key], { keyid: 'k1', hash: clientHash });
    const parsed = await parseProposedEntry(entry);
    const sig = env.signatures[0]?.sig as string;
    const body =
      '{"apiVersion":"0.0.2","kind":"intoto","spec":{"content":{"envelope":{"payloadType":"application/vnd.in-toto+json",' +
      `"signatures":[{"keyid":"k1","publicKey":"${b64(keyPem(key.publicKey))}","sig":"${b64(sig)}"}]},` +
      `"hash":{"algorithm":"sha256","value":"${'c'.repeat(64)}"},"payloadHash":{"algorithm":"sha256","value":"${hex(payload)}"}}}}`;
    expect(encoding.fromUtf8(parsed.canonicalBody)).toBe(body);
    expect(parsed.indexKeys).toEqual([`sha256:${hex(payload)}`, `sha256:${hex(keyPem(key.publicKey))}`, `sha256:${'a'.repeat(64)}`, `sha1:${'b'.repeat(40)}`]);
    // The stored form has no payload: searching with it is accepted unverified and finds the same leaf.
    expect((await canonicalizeSearchEntry(JSON.parse(encoding.fromUtf8(parsed.canonicalBody)))).leafHash).toEqual(parsed.leafHash);
  });

  it('omits an empty keyid', async () => {
    const { entry } = intoto([testKey('ed25519')], { keyid: '', hash: clientHash });
    expect(encoding.fromUtf8((await parseProposedEntry(entry)).canonicalBody)).not.toContain('keyid');
  });

  it('rejects a signature its key does not verify', async () => {
    const { entry } = intoto([testKey('ecdsa-p256')], { hash: clientHash, pubs: [keyPem(testKey('ecdsa-p256').publicKey)] });
    await expect(parseProposedEntry(entry)).rejects.toThrow('error processing entry: could not verify envelope: accepted signatures do not match threshold, Found: 0, Expected 1');
  });

  it('answers 500 when the client hash is missing (a canonicalization failure upstream)', async () => {
    const { entry } = intoto([testKey('ecdsa-p256')]);
    await expect(parseProposedEntry(entry)).rejects.toThrow(expect.objectContaining({ message: 'error generating canonicalized entry', status: 500 }));
  });

  it('needs the envelope payload to insert', async () => {
    const { entry } = intoto([testKey('ecdsa-p256')], { hash: clientHash });
    delete (entry.spec.content.envelope as { payload?: string }).payload;
    await expect(parseProposedEntry(entry)).rejects.toThrow('error processing entry: entry not insertable into log: missing envelope content');
  });
});
