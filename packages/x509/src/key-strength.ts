import crypto, { type KeyObject } from 'node:crypto';
import { EC_SPKI_PREFIX, type KeyAlgorithm, bytesEqual, keyAlgorithm, toPem } from '@sigbox/core';
import { X509Error } from './error.js';

/** RSA modulus sizes sigstore accepts (sigstore/sigstore cryptoutils.ValidatePubKey and the goodkey policy). */
export const RSA_MODULUS_BITS: readonly number[] = [2048, 3072, 4096];
/** goodkey requires the standard public exponent (letsencrypt/boulder goodkey, used by sigstore cryptoutils). */
export const RSA_PUBLIC_EXPONENT = 65537n;

/**
 * The SPKI handed to OpenSSL as a `PUBLIC KEY` PEM: it decodes a labelled PEM about twice as fast as the same
 * bytes given as DER with `type: 'spki'` (≈ 28 µs vs ≈ 60 µs for P-256 on the bench machine, bench/ca/README.md):
 * the label names the structure, so its decoder chain is not searched. Same bytes, same acceptance (trailing
 * bytes, truncation, off-curve points, PKCS#1 in place of an SPKI behave alike; key-strength.test.ts).
 */
function parseSpki(spki: Uint8Array): KeyObject {
  try {
    return crypto.createPublicKey(toPem('PUBLIC KEY', spki));
  } catch (cause) {
    throw new X509Error('INVALID_KEY', 'cannot parse the public key', { cause });
  }
}

/**
 * An SPKI OpenSSL accepted as an EC key that starts with one of core's EC_SPKI_PREFIX headers is on that curve;
 * asking the KeyObject instead (`asymmetricKeyDetails`) is a C++ round trip that took ≈ 1 % of the CA's event loop
 * under load (bench/ca/README.md). Other encodings fall back to asking.
 */
const EC_SPKI_HEADERS = Object.entries(EC_SPKI_PREFIX) as ReadonlyArray<readonly [KeyAlgorithm, Uint8Array]>;

function algorithmOf(publicKey: KeyObject, spki: Uint8Array | undefined): KeyAlgorithm {
  if (spki !== undefined && publicKey.asymmetricKeyType === 'ec') {
    for (const [algorithm, header] of EC_SPKI_HEADERS) {
      if (spki.length > header.length && bytesEqual(header, spki.subarray(0, header.length))) return algorithm;
    }
  }
  return keyAlgorithm(publicKey);
}

/**
 * Admits the keys Fulcio certifies: ECDSA P-256/384/521, RSA 2048/3072/4096 with e = 65537, Ed25519.
 * Anything else — RSA-1024, secp256k1, Ed448, DSA — is INSECURE_KEY, which fulcio answers with "The public key
 * supplied in the request is insecure". Unparsable input is INVALID_KEY. OpenSSL checks EC points lie on the
 * curve while decoding, so an off-curve point fails as INVALID_KEY.
 */
export function checkKeyStrength(key: Uint8Array | KeyObject): { publicKey: KeyObject; algorithm: KeyAlgorithm } {
  const spki = key instanceof Uint8Array ? key : undefined;
  const publicKey = spki ? parseSpki(spki) : (key as KeyObject);
  if (publicKey.type !== 'public') throw new X509Error('INVALID_KEY', 'expected a public key');
  let algorithm: KeyAlgorithm;
  try {
    algorithm = algorithmOf(publicKey, spki);
  } catch (cause) {
    const detail = publicKey.asymmetricKeyDetails?.namedCurve ?? publicKey.asymmetricKeyType ?? 'unknown';
    throw new X509Error('INSECURE_KEY', `unsupported public key type: ${detail}`, { cause });
  }
  if (algorithm === 'rsa') {
    const { modulusLength, publicExponent } = publicKey.asymmetricKeyDetails ?? {};
    if (modulusLength === undefined || !RSA_MODULUS_BITS.includes(modulusLength)) {
      throw new X509Error('INSECURE_KEY', `rsa key size ${modulusLength ?? '?'} is not supported, must be 2048, 3072 or 4096`);
    }
    if (publicExponent !== RSA_PUBLIC_EXPONENT) throw new X509Error('INSECURE_KEY', 'rsa public exponent must be 65537');
  }
  return { publicKey, algorithm };
}
