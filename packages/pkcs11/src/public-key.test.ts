import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { spkiDer } from '@sigbox/core';
import { Pkcs11Error } from './error.js';
import { ED25519_PARAMS, edwardsPublicKey } from './edwards.js';
import { CURVES, type EcAlgorithm, ecPublicKey, rsaPublicKey } from './public-key.js';

const curves: Array<[EcAlgorithm, string]> = [
  ['ecdsa-p256', 'P-256'],
  ['ecdsa-p384', 'P-384'],
  ['ecdsa-p521', 'P-521'],
];

function rawPoint(key: crypto.KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
}

// DER OCTET STRING, as PKCS#11 v2.40 specifies CKA_EC_POINT.
function octetString(bytes: Buffer): Buffer {
  const length = bytes.length < 0x80 ? [bytes.length] : [0x81, bytes.length];
  return Buffer.concat([Buffer.from([0x04, ...length]), bytes]);
}

describe('ecPublicKey', () => {
  it.each(curves)('%s: rebuilds the key from DER-wrapped and bare points', (algorithm, namedCurve) => {
    const { publicKey } = crypto.generateKeyPairSync('ec', { namedCurve });
    const params = Buffer.from(CURVES[algorithm].params, 'hex');
    // The OID encodings here must be the ones node writes into SPKI.
    expect(Buffer.from(spkiDer(publicKey)).includes(params)).toBe(true);
    for (const point of [octetString(rawPoint(publicKey)), rawPoint(publicKey)]) {
      const rebuilt = ecPublicKey(params, point);
      expect(rebuilt.algorithm).toBe(algorithm);
      expect(spkiDer(rebuilt.publicKey)).toEqual(spkiDer(publicKey));
    }
  });

  it('rejects other curves and points that are not on the key curve size', () => {
    const secp256k1 = Buffer.from('06052b8104000a', 'hex');
    const { publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => ecPublicKey(secp256k1, octetString(rawPoint(publicKey)))).toThrow(Pkcs11Error);
    const p384 = Buffer.from(CURVES['ecdsa-p384'].params, 'hex');
    expect(() => ecPublicKey(p384, octetString(rawPoint(publicKey)))).toThrow(/uncompressed point/);
    const compressed = Buffer.concat([Buffer.from([0x02]), rawPoint(publicKey).subarray(1, 33)]);
    expect(() => ecPublicKey(Buffer.from(CURVES['ecdsa-p256'].params, 'hex'), octetString(compressed))).toThrow(Pkcs11Error);
  });
});

describe('rsaPublicKey', () => {
  it('rebuilds the key, also from a modulus with a leading zero byte', () => {
    const { publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = publicKey.export({ format: 'jwk' });
    const n = Buffer.from(jwk.n!, 'base64url');
    const e = Buffer.from(jwk.e!, 'base64url');
    expect(spkiDer(rsaPublicKey(n, e))).toEqual(spkiDer(publicKey));
    expect(spkiDer(rsaPublicKey(Buffer.concat([Buffer.alloc(1), n]), Buffer.concat([Buffer.alloc(2), e])))).toEqual(spkiDer(publicKey));
  });
});

describe('edwardsPublicKey (CKK_EC_EDWARDS objects)', () => {
  const key = crypto.generateKeyPairSync('ed25519').publicKey;
  const raw = Buffer.from(key.export({ format: 'der', type: 'spki' })).subarray(-32);

  it('reads the 32-byte key, wrapped in an OCTET STRING (PKCS#11 v3.0, SoftHSM) or bare', () => {
    for (const point of [Buffer.concat([Buffer.from([0x04, 0x20]), raw]), raw]) {
      expect(edwardsPublicKey(ED25519_PARAMS, point).export({ format: 'der', type: 'spki' })).toEqual(key.export({ format: 'der', type: 'spki' }));
    }
    const byName = Buffer.concat([Buffer.from([0x13, 12]), Buffer.from('edwards25519')]);
    expect(edwardsPublicKey(byName, raw).asymmetricKeyType).toBe('ed25519');
  });

  it('refuses Ed448 and points of the wrong length', () => {
    expect(() => edwardsPublicKey(Buffer.from('06032b6571', 'hex'), raw)).toThrow(Pkcs11Error);
    expect(() => edwardsPublicKey(ED25519_PARAMS, raw.subarray(1))).toThrow(Pkcs11Error);
  });
});
