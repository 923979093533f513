import { describe, expect, it } from 'vitest';
import { encoding, sha256 } from '@sigbox/core';
import { indexQueryKeys } from './index.js';
import { b64, keyPem, testKey } from '@sigbox/testkit';

describe('indexQueryKeys', () => {
  it('prefixes hashes by length, lower-cases, hashes the canonical key, defaults to or', () => {
    const key = testKey('ecdsa-p256');
    const pem = keyPem(key.publicKey);
    const query = indexQueryKeys({
      hash: 'A'.repeat(64),
      email: 'Alice@Example.com',
      subject: 'HTTPS://x',
      publicKey: { format: 'x509', content: b64(pem.replaceAll('\n', '\r\n')) },
    });
    expect(query).toEqual({ operator: 'or', keys: [`sha256:${'a'.repeat(64)}`, encoding.toHex(sha256(encoding.utf8(pem))), 'alice@example.com', 'https://x'] });
    expect(indexQueryKeys({ hash: `sha1:${'b'.repeat(40)}`, operator: 'and' })).toEqual({ operator: 'and', keys: [`sha1:${'b'.repeat(40)}`] });
  });

  it('looks a key up once when the email is also the subject (as upstream, whose `and` intersects a set with itself)', () => {
    expect(indexQueryKeys({ email: 'Alice@Example.com', subject: 'alice@example.com', operator: 'and' })).toEqual({ operator: 'and', keys: ['alice@example.com'] });
  });

  it.each([
    [{ hash: 'abc' }, 422, "hash in body should match '^(sha512:)?[0-9a-fA-F]{128}$|^(sha256:)?[0-9a-fA-F]{64}$|^(sha1:)?[0-9a-fA-F]{40}$'"],
    [{ operator: 'xor' }, 422, 'operator in body should be one of [and or]'],
    [{ publicKey: { format: 'gpg', content: '' } }, 422, 'publicKey.format in body should be one of [pgp x509 minisign ssh tuf]'],
    [{ publicKey: { format: 'ssh', content: '' } }, 400, 'the PKI format requested is not supported by this server'],
    [{ publicKey: { format: 'x509', content: b64('nope') } }, 400, 'public key provided could not be parsed'],
  ])('rejects %j', (query, status, message) => {
    expect(() => indexQueryKeys(query)).toThrow(expect.objectContaining({ status, message }));
  });
});
