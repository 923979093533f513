import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNATURE_DIGEST, encoding, spkiDer, verifySignature } from '@sigbox/core';
import { type SoftHsmToken, createSoftHsmToken, softHsmLibrary } from '@sigbox/testkit';
import { Pkcs11Error } from './error.js';
import { type GeneratedPkcs11Key, generatePkcs11Key } from './generate.js';
import { acquireModule } from './module.js';
import { findKey } from './objects.js';
import type { Pkcs11KeyAlgorithm } from './public-key.js';
import { openPkcs11Signer } from './signer.js';
import { closeSession, findSlot, openLoggedInSession } from './token.js';

const library = softHsmLibrary();
const ALGORITHMS: Pkcs11KeyAlgorithm[] = ['ecdsa-p256', 'ecdsa-p384', 'ecdsa-p521', 'ed25519', 'rsa'];
const data = encoding.utf8('a Fulcio TBSCertificate, say');

describe.skipIf(!library)('openPkcs11Signer on SoftHSM', () => {
  let token: SoftHsmToken;
  const generated = new Map<Pkcs11KeyAlgorithm, GeneratedPkcs11Key>();
  const base = () => ({ module: token.module, tokenLabel: token.tokenLabel, pin: token.pin });
  const open = (keyLabel: string) => openPkcs11Signer({ ...base(), keyLabel });

  beforeAll(async () => {
    token = await createSoftHsmToken(library!);
    for (const algorithm of ALGORITHMS) {
      generated.set(algorithm, await generatePkcs11Key({ ...base(), keyLabel: algorithm, algorithm, rsaBits: 2048 }));
    }
  });
  afterAll(() => token?.remove());

  it.each(ALGORITHMS)('%s: signs what core verifiers accept, with the public key generation returned', async (algorithm) => {
    const signer = await open(algorithm);
    try {
      expect(signer.algorithm).toBe(algorithm);
      expect(spkiDer(signer.publicKey)).toEqual(spkiDer(generated.get(algorithm)!.publicKey));
      const signature = await signer.sign(data);
      expect(verifySignature(signer.publicKey, data, signature)).toBe(true);
      // The same check spelled out: node's default DER ECDSA encoding and the curve's digest.
      expect(crypto.verify(SIGNATURE_DIGEST[algorithm], data, signer.publicKey, signature)).toBe(true);
      expect(verifySignature(signer.publicKey, encoding.utf8('something else'), signature)).toBe(false);
      if (algorithm.startsWith('ecdsa')) expect(signature[0]).toBe(0x30);
      if (algorithm === 'ed25519') expect(signature).toHaveLength(64); // CKM_EDDSA: pure Ed25519, R ‖ S
    } finally {
      await signer.close();
    }
  });

  it('finds the key by CKA_ID and the token by slot', async () => {
    const { keyId, publicKey } = generated.get('ecdsa-p256')!;
    const signer = await openPkcs11Signer({ module: token.module, slot: token.slot, pin: token.pin, keyId });
    try {
      expect(spkiDer(signer.publicKey)).toEqual(spkiDer(publicKey));
      expect(verifySignature(publicKey, data, await signer.sign(data))).toBe(true);
    } finally {
      await signer.close();
    }
  });

  it('keeps the private key in the token: sensitive, never extractable, CKA_VALUE unreadable', () => {
    const module = acquireModule(token.module);
    const session = openLoggedInSession(module, findSlot(module, { tokenLabel: token.tokenLabel }), token.pin);
    try {
      const { api, pk } = module;
      const key = findKey(module, session, pk.CKO_PRIVATE_KEY, { keyLabel: 'ecdsa-p256' }, 'private key');
      const flags = api.C_GetAttributeValue(session, key, [pk.CKA_EXTRACTABLE, pk.CKA_SENSITIVE, pk.CKA_NEVER_EXTRACTABLE, pk.CKA_ALWAYS_SENSITIVE].map((type) => ({ type })));
      expect(flags.map((a) => a.value[0])).toEqual([0, 1, 1, 1]);
      expect(() => api.C_GetAttributeValue(session, key, [{ type: pk.CKA_VALUE }])).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
    } finally {
      closeSession(module, session);
      module.release();
    }
  });

  it('answers 200 concurrent signs with 200 valid signatures', async () => {
    const signer = await open('ecdsa-p256');
    try {
      const messages = Array.from({ length: 200 }, (_, i) => encoding.utf8(`message ${i}`));
      const signatures = await Promise.all(messages.map((m) => signer.sign(m)));
      expect(signatures.every((s, i) => verifySignature(signer.publicKey, messages[i]!, s))).toBe(true);
      expect(new Set(signatures.map((s) => encoding.toHex(s))).size).toBe(200);
    } finally {
      await signer.close();
    }
  });

  it('reports an ECDSA answer of the wrong width as DEVICE_ERROR, with the width in its cause', async () => {
    const signer = await open('ecdsa-p256');
    const module = acquireModule(token.module); // the signer's own loaded library: one per path
    const { api } = module;
    const sign = api.C_Sign;
    const signSync = sign.bind(api) as (session: Buffer, input: Buffer, output: Buffer) => Buffer;
    // A token answering one byte short of the curve's 64.
    api.C_Sign = ((session: Buffer, input: Buffer, output: Buffer) => signSync(session, input, output).subarray(1)) as typeof sign;
    try {
      const failure = await signer.sign(data).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(Pkcs11Error);
      expect(failure).toMatchObject({ code: 'DEVICE_ERROR', message: 'the token could not sign' });
      expect((failure as Error).cause).toMatchObject({ code: 'INVALID_ENCODING', message: 'ECDSA signature of 63 bytes, expected 64' });
    } finally {
      api.C_Sign = sign;
      module.release();
      await signer.close();
    }
  });

  it('refuses to sign once closed; close is idempotent', async () => {
    const signer = await open('ecdsa-p384');
    await signer.close();
    await signer.close();
    await expect(signer.sign(data)).rejects.toMatchObject({ code: 'SIGNER_CLOSED' });
    await expect(signer.sign(data)).rejects.toBeInstanceOf(Pkcs11Error);
  });

  it('reports signs per second (informational, not asserted)', async () => {
    const BUDGET_MS = 500;
    for (const algorithm of ['ecdsa-p256', 'ecdsa-p384', 'rsa'] as const) {
      const signer = await open(algorithm);
      const start = performance.now();
      let count = 0;
      for (; performance.now() - start < BUDGET_MS; count++) await signer.sign(data);
      const perSecond = Math.round((count * 1000) / (performance.now() - start));
      console.log(`pkcs11 ${algorithm === 'rsa' ? 'rsa-2048' : algorithm} on SoftHSM: ${perSecond} signs/s (sequential)`);
      await signer.close();
    }
  });
});
