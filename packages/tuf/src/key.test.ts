import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Key, Metadata, MetadataKind } from '@tufjs/models';
import { createEphemeralSigner } from '@sigbox/core';
import { buildRoot, keyIdOf, signMetadata, tufKey } from './index.js';

// Root keys of the public Sigstore repository and the IDs securesystemslib (tuf-on-ci) gave them: the hash covers the
// whole key object, custom fields included. sigstore/root-signing@0ca2971 metadata/root.json.
const SIGSTORE_KEY_PEM =
  '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEMxpPOJCIZ5otG4106fGJseEQi3V9\npkMYQ4uyV9Tj1M7WHXIyLG+jkfvuG0glQ1JZbRZZBV3gAR4sojdGHISeow==\n-----END PUBLIC KEY-----\n';
const SIGSTORE_KEY_ID = '183e64f37670dc13ca0d28995a3053f3740954ddce44321a41e46534cf44e632';
const SIGSTORE_ONLINE_KEY = {
  keyid_hash_algorithms: ['sha256', 'sha512'],
  keytype: 'ecdsa',
  keyval: { public: '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEWRiGr5+j+3J5SsH+Ztr5nE2H2wO7\nBV+nO3s93gLca18qTOzHY1oWyAGDykMSsGTUBSt9D+An0KfKsD2mfSM42Q==\n-----END PUBLIC KEY-----\n' },
  scheme: 'ecdsa-sha2-nistp256',
  'x-tuf-on-ci-online-uri': 'gcpkms:projects/sigstore-root-signing/locations/global/keyRings/root/cryptoKeys/timestamp/cryptoKeyVersions/1',
};
const SIGSTORE_ONLINE_KEY_ID = '0c87432c3bf09fd99189fdc32fa5eaedf4e4a5fac7bab73fa04a2e0fc64af6f5';

const PYTHON = '/root/.cache/sigbox-tools/sigstore-python-4.5.1/bin/python';

describe('tufKey', () => {
  it('hashes key objects as securesystemslib did for the public Sigstore root', () => {
    const { key } = tufKey(crypto.createPublicKey(SIGSTORE_KEY_PEM));
    // Node writes the PEM byte for byte as Python's cryptography did.
    expect(key.toJSON()).toEqual({ keytype: 'ecdsa', scheme: 'ecdsa-sha2-nistp256', keyval: { public: SIGSTORE_KEY_PEM } });
    expect(keyIdOf({ ...key.toJSON(), 'x-tuf-on-ci-keyowner': '@lance' })).toBe(SIGSTORE_KEY_ID);
    expect(keyIdOf(SIGSTORE_ONLINE_KEY)).toBe(SIGSTORE_ONLINE_KEY_ID);
  });

  it('names a key by {keytype, scheme, keyval} alone: the ID go-tuf v0.7/v2 and securesystemslib all compute', () => {
    // Checked against securesystemslib 1.6.0 compute_default_keyid for this key (custom fields dropped).
    expect(tufKey(crypto.createPublicKey(SIGSTORE_KEY_PEM)).keyId).toBe('55c2e1af0160432cbcaee000660c159c93c532880591b5d03b96118f6fbee103');
  });

  it('writes the key as tuf-js reads it back: same key, and it verifies our signatures', async () => {
    const signer = createEphemeralSigner();
    const { keyId, key } = tufKey(signer.publicKey);
    const parsed = Key.fromJSON(keyId, JSON.parse(JSON.stringify(key.toJSON())));
    expect(parsed.equals(key)).toBe(true);
    const roles = { keys: [signer.publicKey], threshold: 1 };
    const doc = await signMetadata(buildRoot({ version: 1, expires: new Date(Date.now() + 60_000), roles: { root: roles, targets: roles, snapshot: roles, timestamp: roles } }), [signer]);
    const root = Metadata.fromJSON(MetadataKind.Root, doc.json);
    expect(() => parsed.verifySignature(root)).not.toThrow();
    expect(Object.keys(root.signed.keys)).toEqual([keyId]);
  });

  it.skipIf(!fs.existsSync(PYTHON))('agrees with securesystemslib SSlibKey.from_crypto on fresh keys', () => {
    const keys = [createEphemeralSigner(), createEphemeralSigner()].map((s) => s.publicKey);
    const script = [
      'import sys, json',
      'from cryptography.hazmat.primitives.serialization import load_pem_public_key',
      'from securesystemslib.signer import SSlibKey',
      'for pem in json.load(sys.stdin):',
      '    k = SSlibKey.from_crypto(load_pem_public_key(pem.encode()))',
      '    print(json.dumps({"keyid": k.keyid, "key": k.to_dict()}))',
    ].join('\n');
    const out = execFileSync(PYTHON, ['-c', script], { input: JSON.stringify(keys.map((k) => k.export({ type: 'spki', format: 'pem' }))) }).toString();
    const python = out.trim().split('\n').map((line) => JSON.parse(line) as { keyid: string; key: unknown });
    expect(python).toEqual(keys.map((k) => ({ keyid: tufKey(k).keyId, key: tufKey(k).key.toJSON() })));
  });

  it('refuses keys go-tuf v0.7 or an HSM ceremony would not share', () => {
    for (const key of [
      crypto.generateKeyPairSync('ed25519').publicKey,
      crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey,
      crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey,
      crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
    ]) {
      expect(() => tufKey(key)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_KEY' }));
    }
  });
});
