import { createKeySigner, encoding, generatePrivateKey, sha256, spkiDer } from '@sigbox/core';
import { createNoteSigner, signCheckpoint } from '@sigbox/merkle';
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findTreeKey } from './tree-keys.js';
import { type TrustedLogKey, readTrustedLogKeys } from './trusted-log-keys.js';

function logKey(kind: TrustedLogKey['kind']) {
  const privateKey = generatePrivateKey('ecdsa-p256');
  const publicKey = crypto.createPublicKey(privateKey);
  const instance = { baseUrl: 'http://log.example', publicKey: { rawBytes: encoding.toBase64(spkiDer(publicKey)) }, logId: { keyId: 'ignored' } };
  return { privateKey, logId: encoding.toHex(sha256(spkiDer(publicKey))), instance, kind };
}

describe('findTreeKey', () => {
  const rekor = logKey('tlog');
  const ct = logKey('ctlog');
  const trusted = readTrustedLogKeys(JSON.stringify({ tlogs: [rekor.instance], ctlogs: [ct.instance] }));
  const note = (key: typeof rekor, name: string) => signCheckpoint({ origin: name, size: 0n, rootHash: new Uint8Array(32) }, [createNoteSigner(name, createKeySigner(key.privateKey))]);

  it('reads each key’s log ID from the key itself, not from the document', () => {
    expect(trusted.map((k) => [k.kind, k.logId])).toEqual([['tlog', rekor.logId], ['ctlog', ct.logId]]);
  });

  it('picks the trusted key the signature line names, under the line’s name', async () => {
    const found = findTreeKey(await note(ct, 'log.example/ct'), trusted, ct.logId);
    expect(found.problem).toBeUndefined();
    expect(found.keys.map((k) => k.logId)).toEqual([ct.logId]);
    expect(found.verifiers.map((v) => v.name)).toEqual(['log.example/ct']);
    expect(findTreeKey(await note(ct, 'log.example/ct'), trusted, undefined).keys.map((k) => k.kind)).toEqual(['ctlog']);
  });

  it('says so when the tree’s bound key is not trusted, or no trusted key signed its checkpoint', async () => {
    expect(findTreeKey(await note(rekor, 'log.example'), trusted, 'ff'.repeat(32)).problem).toContain(`log ID ${'ff'.repeat(32)}`);
    const stranger = logKey('tlog');
    expect(findTreeKey(await note(stranger, 'log.example'), trusted, undefined).problem).toContain('no key in the trusted root matches');
    // The bound key wins over a trusted key that signed: the database says whose tree it is.
    expect(findTreeKey(await note(rekor, 'log.example'), trusted, ct.logId).problem).toContain('no key in the trusted root matches');
    expect(findTreeKey('not a note', trusted, undefined).problem).toContain('not a signed note');
  });
});
