import crypto from 'node:crypto';
import { encoding } from '@sigbox/core';
import { describe, expect, it } from 'vitest';
import { createSthVerifier, ctLogId } from './sth.js';

function signSth(privateKey: crypto.KeyObject, size: number, timestamp: number, root: Uint8Array, signatureAlgorithm = 3) {
  const input = Buffer.alloc(50);
  input[1] = 1;
  input.writeBigUInt64BE(BigInt(timestamp), 2);
  input.writeBigUInt64BE(BigInt(size), 10);
  input.set(root, 18);
  const sig = crypto.sign('sha256', input, privateKey);
  const ds = Buffer.concat([Buffer.from([4, signatureAlgorithm, sig.length >> 8, sig.length & 0xff]), sig]);
  return JSON.stringify({ tree_size: size, timestamp, sha256_root_hash: encoding.toBase64(root), tree_head_signature: encoding.toBase64(ds) });
}

describe('RFC 6962 STH verifier', () => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const root = crypto.randomBytes(32);

  it('accepts an STH signed by the key and reads size, root, time and the log ID', () => {
    const head = createSthVerifier(publicKey)(signSth(privateKey, 12, 1_700_000_000_000, root));
    expect(head).toMatchObject({ size: 12n, timestamp: 1_700_000_000_000, origin: ctLogId(publicKey) });
    expect(Buffer.from(head.rootHash).equals(root)).toBe(true);
  });

  it('refuses another size under the same signature, another key, and junk', () => {
    const sth = JSON.parse(signSth(privateKey, 12, 1, root)) as Record<string, unknown>;
    expect(() => createSthVerifier(publicKey)(JSON.stringify({ ...sth, tree_size: 13 }))).toThrow(/does not verify/);
    const other = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expect(() => createSthVerifier(other)(JSON.stringify(sth))).toThrow(/does not verify/);
    expect(() => createSthVerifier(publicKey)('{')).toThrow(expect.objectContaining({ code: 'INVALID_RESPONSE' }));
  });

  it('accepts an STH signed sha256/rsa by an RSA log key (RFC 6962 §2.1.4)', () => {
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const served = signSth(rsa.privateKey, 5, 1_700_000_000_000, root, 1);
    expect(createSthVerifier(rsa.publicKey)(served)).toMatchObject({ size: 5n, origin: ctLogId(rsa.publicKey) });
    const sth = JSON.parse(served) as Record<string, unknown>;
    expect(() => createSthVerifier(rsa.publicKey)(JSON.stringify({ ...sth, tree_size: 6 }))).toThrow(/does not verify/);
    // An RSA signature labelled ecdsa, and an ECDSA key asked to check an RSA signature, both fail.
    expect(() => createSthVerifier(rsa.publicKey)(signSth(rsa.privateKey, 5, 1, root, 3))).toThrow(/does not verify/);
    expect(() => createSthVerifier(publicKey)(served)).toThrow(/does not verify/);
  });

  it('refuses a malformed tree_head_signature as an invalid response, not a bad signature', () => {
    const sth = JSON.parse(signSth(privateKey, 12, 1, root)) as Record<string, unknown>;
    const truncated = encoding.toBase64(encoding.fromBase64(String(sth.tree_head_signature)).subarray(0, 10));
    const thrown = (() => {
      try {
        createSthVerifier(publicKey)(JSON.stringify({ ...sth, tree_head_signature: truncated }));
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(thrown).toMatchObject({ code: 'INVALID_RESPONSE', message: expect.stringMatching(/^STH: /) });
    expect(() => createSthVerifier(publicKey)(JSON.stringify({ ...sth, timestamp: -1 }))).toThrow(expect.objectContaining({ code: 'INVALID_RESPONSE' }));
  });
});
