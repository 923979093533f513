import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encoding, verifySignature } from '@sigbox/core';
import { type SoftHsmToken, createSoftHsmToken, softHsmLibrary } from '@sigbox/testkit';
import { generatePkcs11Key } from './generate.js';
import { acquireModule } from './module.js';
import { CURVES } from './public-key.js';
import { openPkcs11Signer } from './signer.js';
import { closeSession, findSlot, openLoggedInSession } from './token.js';

const library = softHsmLibrary();
const SECP256K1 = '06052b8104000a'; // 1.3.132.0.10: a curve SoftHSM has and Sigbox does not sign with

/** Key pairs Sigbox itself would never make, written straight through pkcs11js. */
function rawPair(token: SoftHsmToken, p: { publicLabel: string; privateLabel: string; extractable?: boolean; params?: string }): void {
  const module = acquireModule(token.module);
  const session = openLoggedInSession(module, findSlot(module, { tokenLabel: token.tokenLabel }), token.pin, { readWrite: true });
  const { api, pk } = module;
  try {
    const extractable = p.extractable ?? false;
    api.C_GenerateKeyPair(
      session,
      { mechanism: pk.CKM_EC_KEY_PAIR_GEN },
      [{ type: pk.CKA_TOKEN, value: true }, { type: pk.CKA_LABEL, value: p.publicLabel }, { type: pk.CKA_EC_PARAMS, value: Buffer.from(p.params ?? CURVES['ecdsa-p256'].params, 'hex') }],
      [{ type: pk.CKA_TOKEN, value: true }, { type: pk.CKA_LABEL, value: p.privateLabel }, { type: pk.CKA_SIGN, value: true }, { type: pk.CKA_SENSITIVE, value: !extractable }, { type: pk.CKA_EXTRACTABLE, value: extractable }],
    );
  } finally {
    closeSession(module, session);
    module.release();
  }
}

describe.skipIf(!library)('PKCS#11 failures are typed', () => {
  let token: SoftHsmToken;
  const base = () => ({ module: token.module, tokenLabel: token.tokenLabel, pin: token.pin });
  const options = (keyLabel: string) => ({ ...base(), keyLabel });

  beforeAll(async () => {
    token = await createSoftHsmToken(library!);
    await generatePkcs11Key({ ...base(), keyLabel: 'ca', algorithm: 'ecdsa-p256', keyId: encoding.fromHex('c0ffee') });
    rawPair(token, { publicLabel: 'twin', privateLabel: 'twin' });
    rawPair(token, { publicLabel: 'twin', privateLabel: 'twin' });
    rawPair(token, { publicLabel: 'crossed', privateLabel: 'other' });
    rawPair(token, { publicLabel: 'other', privateLabel: 'crossed' });
    rawPair(token, { publicLabel: 'leaky', privateLabel: 'leaky', extractable: true });
    rawPair(token, { publicLabel: 'k1', privateLabel: 'k1', params: SECP256K1 });
  });
  afterAll(() => token?.remove());

  it('MODULE_LOAD_FAILED for a library that is not there', async () => {
    await expect(openPkcs11Signer({ ...options('ca'), module: '/nonexistent/libpkcs11.so' })).rejects.toMatchObject({ code: 'MODULE_LOAD_FAILED' });
  });

  it('TOKEN_NOT_FOUND for an unknown label or slot', async () => {
    await expect(openPkcs11Signer({ ...options('ca'), tokenLabel: 'nope' })).rejects.toMatchObject({ code: 'TOKEN_NOT_FOUND' });
    await expect(openPkcs11Signer({ module: token.module, slot: token.slot + 1n, pin: token.pin, keyLabel: 'ca' })).rejects.toMatchObject({ code: 'TOKEN_NOT_FOUND' });
  });

  it('BAD_PIN for a wrong PIN, also while another signer holds the login', async () => {
    const wrong = { ...options('ca'), pin: '0000' };
    await expect(openPkcs11Signer(wrong)).rejects.toMatchObject({ code: 'BAD_PIN', details: { ckr: 'CKR_PIN_INCORRECT' } });
    const signer = await openPkcs11Signer(options('ca'));
    try {
      // The token answers CKR_USER_ALREADY_LOGGED_IN without checking this PIN; the module must not accept it.
      await expect(openPkcs11Signer(wrong)).rejects.toMatchObject({ code: 'BAD_PIN' });
      const second = await openPkcs11Signer(options('ca'));
      expect(verifySignature(second.publicKey, encoding.utf8('x'), await second.sign(encoding.utf8('x')))).toBe(true);
      await second.close();
      // Closing one signer's session leaves the other logged in and signing.
      expect(verifySignature(signer.publicKey, encoding.utf8('y'), await signer.sign(encoding.utf8('y')))).toBe(true);
    } finally {
      await signer.close();
    }
  });

  it('KEY_NOT_FOUND for an unknown label or id, or no selector at all', async () => {
    await expect(openPkcs11Signer(options('missing'))).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
    await expect(openPkcs11Signer({ ...base(), keyLabel: 'ca', keyId: encoding.fromHex('beef') })).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
    await expect(openPkcs11Signer({ ...base() } as unknown as Parameters<typeof openPkcs11Signer>[0])).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
  });

  it('KEY_AMBIGUOUS when two private keys share a label', async () => {
    await expect(openPkcs11Signer(options('twin'))).rejects.toMatchObject({ code: 'KEY_AMBIGUOUS' });
  });

  it('KEY_MISMATCH when the public key object beside the private key is another key', async () => {
    await expect(openPkcs11Signer(options('crossed'))).rejects.toMatchObject({ code: 'KEY_MISMATCH' });
  });

  it('KEY_EXTRACTABLE for a key that could leave the token, unless explicitly allowed', async () => {
    await expect(openPkcs11Signer(options('leaky'))).rejects.toMatchObject({ code: 'KEY_EXTRACTABLE' });
    const signer = await openPkcs11Signer({ ...options('leaky'), allowExtractable: true });
    await signer.close();
  });

  it('UNSUPPORTED_KEY for a curve Sigbox does not sign with', async () => {
    await expect(openPkcs11Signer(options('k1'))).rejects.toMatchObject({ code: 'UNSUPPORTED_KEY' });
  });

  it('KEY_EXISTS when generating over a used label or id', async () => {
    await expect(generatePkcs11Key({ ...base(), keyLabel: 'ca', algorithm: 'ecdsa-p256' })).rejects.toMatchObject({ code: 'KEY_EXISTS' });
    await expect(generatePkcs11Key({ ...base(), keyLabel: 'new', keyId: encoding.fromHex('c0ffee'), algorithm: 'ecdsa-p256' })).rejects.toMatchObject({ code: 'KEY_EXISTS' });
  });

  it('BAD_PIN from generatePkcs11Key too, and the module is released after every failure', async () => {
    await expect(generatePkcs11Key({ ...base(), pin: '9999', keyLabel: 'new', algorithm: 'ecdsa-p256' })).rejects.toMatchObject({ code: 'BAD_PIN' });
    // A leaked reference would keep the library initialised; a fresh acquire must be the only one.
    const module = acquireModule(token.module);
    module.release();
    const again = acquireModule(token.module);
    expect(again).not.toBe(module);
    again.release();
  });
});
