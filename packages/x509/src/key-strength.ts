import crypto, { type KeyObject } from 'node:crypto';
import { EC_SPKI_PREFIX, type KeyAlgorithm, bytesEqual, keyAlgorithm, toPem } from '@sigbox/core';
import { bitStringBytes, children, readElement } from './der-reader.js';
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

type EcHeader = (typeof EC_SPKI_HEADERS)[number];

function knownEcHeader(spki: Uint8Array): EcHeader | undefined {
  return EC_SPKI_HEADERS.find(([, header]) => spki.length > header.length && bytesEqual(header, spki.subarray(0, header.length)));
}

/** SEC 1 §2.3.3: 0x04 ‖ X ‖ Y. 0x02/0x03 ‖ X is the compressed form, 0x06/0x07 ‖ X ‖ Y the hybrid one. */
const UNCOMPRESSED_POINT = 0x04;

/** The EC point of an SPKI OpenSSL accepted: after a known header (its BIT STRING sized for 0x04 ‖ X ‖ Y), or read. */
function ecPoint(spki: Uint8Array, header: EcHeader | undefined): Uint8Array {
  if (header) return spki.subarray(header[1].length);
  const [, subjectPublicKey] = children(spki, readElement(spki));
  if (!subjectPublicKey) throw new X509Error('INVALID_KEY', 'SubjectPublicKeyInfo without a key');
  return bitStringBytes(spki, subjectPublicKey);
}

/**
 * Go parses an EC public key as an uncompressed point only (crypto/x509 `ParsePKIXPublicKey` → crypto/ecdh at
 * go1.26); OpenSSL also reads the compressed and hybrid forms. Fulcio answers such a key as one that does not parse
 * (and a CSR carrying one as a CSR that does not parse), and a certificate made for it, copying its SPKI, would be
 * one Go clients cannot read: refused here, before any certificate or CT entry exists.
 */
function requireUncompressedPoint(spki: Uint8Array, header: EcHeader | undefined): void {
  let point: Uint8Array;
  try {
    point = ecPoint(spki, header);
  } catch (cause) {
    throw new X509Error('INVALID_KEY', 'cannot read the EC point of the public key', { cause });
  }
  if (point[0] !== UNCOMPRESSED_POINT) {
    throw new X509Error('INVALID_KEY', `EC point form 0x${(point[0] ?? 0).toString(16).padStart(2, '0')} is not the uncompressed form`);
  }
}

/**
 * Admits the keys Fulcio certifies: ECDSA P-256/384/521, RSA 2048/3072/4096 with e = 65537, Ed25519.
 * Anything else — RSA-1024, secp256k1, Ed448, DSA — is INSECURE_KEY, which fulcio answers with "The public key
 * supplied in the request is insecure". Unparsable input is INVALID_KEY. OpenSSL checks EC points lie on the
 * curve while decoding, so an off-curve point fails as INVALID_KEY; so does an EC point that is not uncompressed.
 */
export function checkKeyStrength(key: Uint8Array | KeyObject): { publicKey: KeyObject; algorithm: KeyAlgorithm } {
  const spki = key instanceof Uint8Array ? key : undefined;
  const publicKey = spki ? parseSpki(spki) : (key as KeyObject);
  if (publicKey.type !== 'public') throw new X509Error('INVALID_KEY', 'expected a public key');
  const ecSpki = publicKey.asymmetricKeyType === 'ec' ? spki : undefined;
  const header = ecSpki && knownEcHeader(ecSpki);
  if (ecSpki) requireUncompressedPoint(ecSpki, header);
  let algorithm: KeyAlgorithm;
  try {
    algorithm = header?.[0] ?? keyAlgorithm(publicKey);
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
