import crypto, { type KeyObject } from 'node:crypto';
import { keyAlgorithm, spkiDer, type KeyAlgorithm } from '@sigbox/core';
import { type PublicPoint, pointOfKey, publicKeyOfSpki, readEcSpki } from './ec-point.js';

/**
 * A request's public key, read as little as the request needs. A canonical P-256/384/521 SPKI (ec-point.ts
 * readEcSpki) is taken from its bytes: curve, point and canonical DER without OpenSSL, and a KeyObject only if
 * something still asks for one (RSA-style checks, DSSE's native verify, a degenerate shift). Any other input is
 * loaded by OpenSSL at once, as before, so what is refused and with which error does not change.
 */
export class VerifyingKey {
  #keyObject: KeyObject | undefined;
  #point: PublicPoint | null | undefined;
  #spki: Uint8Array | undefined;
  readonly #loadKey: (() => KeyObject) | undefined;

  private constructor(keyObject: KeyObject | undefined, point: PublicPoint | null | undefined, spki: Uint8Array | undefined, loadKey?: () => KeyObject) {
    this.#keyObject = keyObject;
    this.#point = point;
    this.#spki = spki;
    this.#loadKey = loadKey;
  }

  /** SPKI DER: read from the bytes in canonical EC form, else by OpenSSL (which throws its own error). */
  static fromSpki(der: Uint8Array): VerifyingKey {
    const point = readEcSpki(der);
    if (point !== null) return new VerifyingKey(undefined, point, der, () => publicKeyOfSpki(der));
    return new VerifyingKey(crypto.createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' }), undefined, undefined);
  }

  /**
   * A certificate's key: its SubjectPublicKeyInfo bytes when the certificate's reader has them (canonical EC form
   * read as fromSpki does), else `load()`, the KeyObject OpenSSL made of the certificate.
   */
  static fromCertificate(spki: Uint8Array | undefined, load: () => KeyObject): VerifyingKey {
    const point = spki === undefined ? null : readEcSpki(spki);
    return point !== null ? new VerifyingKey(undefined, point, spki, load) : new VerifyingKey(load(), undefined, undefined);
  }

  static fromKeyObject(key: KeyObject): VerifyingKey {
    return new VerifyingKey(key, undefined, undefined);
  }

  /** The node:crypto key, made on first use. */
  get keyObject(): KeyObject {
    this.#keyObject ??= (this.#loadKey as () => KeyObject)();
    return this.#keyObject;
  }

  /** Curve and point for a P-256/384/521 key, null for any other. */
  get point(): PublicPoint | null {
    this.#point ??= pointOfKey(this.keyObject);
    return this.#point;
  }

  /** core's keyAlgorithm of the key; throws CoreError UNSUPPORTED_KEY as it does. */
  get algorithm(): KeyAlgorithm {
    const point = this.#point;
    return point ? point.curve.algorithm : keyAlgorithm(this.keyObject);
  }

  /** RSA modulus length in bits; 0 for other keys. */
  get modulusBits(): number {
    return this.#point ? 0 : (this.keyObject.asymmetricKeyDetails?.modulusLength ?? 0);
  }

  /** SPKI DER as Go's MarshalPKIXPublicKey (and OpenSSL's export) write it. */
  get spki(): Uint8Array {
    this.#spki ??= spkiDer(this.keyObject);
    return this.#spki;
  }
}
