import crypto, { type KeyObject } from 'node:crypto';
import { X509Error } from './error.js';
import { certificateSpki, parseCertificate } from './certificate.js';
import { type GeneralName, subjectAltNames } from './general-names.js';
import { checkStandardExtensions } from './standard-extensions.js';

/**
 * A certificate OpenSSL accepts (node:crypto's X509Certificate), with what a verifier that defers to OpenSSL asks
 * of it. Its names come from the strict DER reading, made only when asked: OpenSSL reads more leniently than DER
 * allows, so a caller that never needs the names never refuses a certificate over their encoding.
 */
export interface Certificate {
  readonly der: Uint8Array;
  /** The subject public key; throws node:crypto's error for a key OpenSSL cannot load. */
  readonly publicKey: KeyObject;
  /**
   * The subjectPublicKeyInfo DER as it sits in the certificate (a view into `der`), for a reader that wants the key's
   * bytes without a KeyObject; undefined when the certificate is not DER down to that field.
   */
  readonly subjectPublicKeyInfo: Uint8Array | undefined;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** OpenSSL's X509_check_ca: whether the certificate may sign certificates. */
  readonly isCa: boolean;
  /** OpenSSL's X509_check_issued and X509_verify: `issuer` is named as this certificate's issuer and its key signed it. */
  isIssuedBy(issuer: Certificate): boolean;
  /**
   * Every subjectAltName's GeneralNames, from the strict reading: X509Error when the certificate is not DER or one
   * of its standard extensions does not decode (checkStandardExtensions), as Go's x509.ParseCertificate refuses it.
   */
  subjectAltNames(): GeneralName[];
}

class OpenSslCertificate implements Certificate {
  readonly #x509: crypto.X509Certificate;

  constructor(
    readonly der: Uint8Array,
    x509: crypto.X509Certificate,
  ) {
    this.#x509 = x509;
  }

  get publicKey(): KeyObject {
    return this.#x509.publicKey;
  }

  get subjectPublicKeyInfo(): Uint8Array | undefined {
    try {
      return certificateSpki(this.der);
    } catch {
      return undefined;
    }
  }

  get notBefore(): Date {
    return this.#x509.validFromDate;
  }

  get notAfter(): Date {
    return this.#x509.validToDate;
  }

  get isCa(): boolean {
    return this.#x509.ca;
  }

  isIssuedBy(issuer: Certificate): boolean {
    if (!(issuer instanceof OpenSslCertificate)) throw new TypeError('the issuer must come from readCertificate');
    return this.#x509.checkIssued(issuer.#x509) && this.#x509.verify(issuer.publicKey);
  }

  subjectAltNames(): GeneralName[] {
    const parts = parseCertificate(this.der);
    checkStandardExtensions(parts);
    return subjectAltNames(parts);
  }
}

/** Reads `der` as OpenSSL does; X509Error INVALID_CERTIFICATE, with OpenSSL's error as cause, when it refuses it. */
export function readCertificate(der: Uint8Array): Certificate {
  let x509: crypto.X509Certificate;
  try {
    x509 = new crypto.X509Certificate(der);
  } catch (cause) {
    throw new X509Error('INVALID_CERTIFICATE', 'OpenSSL cannot parse the certificate', { cause });
  }
  return new OpenSslCertificate(der, x509);
}
