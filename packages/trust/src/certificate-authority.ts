import { X509Certificate } from 'node:crypto';
import { encoding } from '@sigbox/core';
import { TrustError } from './error.js';
import { validityPeriod } from './time-range.js';
import type { CertificateAuthority, DistinguishedName } from './types.js';
import { serviceUrl } from './url.js';

/** How a CA (Fulcio-style) or a timestamp authority describes itself for `trusted_root.json`. */
export interface CertificateAuthorityOptions {
  /** sigstore-python requires a subject on every authority. */
  subject: DistinguishedName;
  /** CA: base URL. TSA: the full timestamp URL. */
  uri: string;
  /** DER certificates, each issued by the next: intermediates (a TSA's leaf first) and the trust anchor last. */
  chainDer: Uint8Array[];
  validFrom: Date;
  validUntil?: Date;
}

/**
 * A `certificateAuthorities[]` entry. The chain carries the intermediates because v0.3 bundles embed only the
 * leaf; `validFor.start` is always set because sigstore-python requires it (Go treats it as optional).
 * The chain is parsed and its order checked here, so a misordered or foreign chain fails at build time rather
 * than in every client.
 *
 * @example
 * certificateAuthority({ subject: { organization: 'example.com', commonName: 'fulcio' },
 *   uri: 'https://fulcio.example', chainDer: [intermediateDer, rootDer], validFrom: rootNotBefore })
 */
export function certificateAuthority(options: CertificateAuthorityOptions): CertificateAuthority {
  checkChain(options.chainDer);
  return {
    subject: { organization: options.subject.organization, commonName: options.subject.commonName },
    uri: serviceUrl(options.uri),
    certChain: { certificates: options.chainDer.map((der) => ({ rawBytes: encoding.toBase64(der) })) },
    validFor: validityPeriod(options.validFrom, options.validUntil),
  };
}

/**
 * A `timestampAuthorities[]` entry: same shape, but the chain must start with the **TSA leaf**, since neither
 * sigstore-go nor sigstore-js asks the TSA to embed its certificate (conformance
 * `rekor2-timestamp-without-embedded-cert`).
 */
export function timestampAuthority(options: CertificateAuthorityOptions): CertificateAuthority {
  return certificateAuthority(options);
}

/** Each certificate must be named as and signed by the next one; the last is the anchor and is not checked. */
function checkChain(chainDer: Uint8Array[]): void {
  if (chainDer.length === 0) throw new TrustError('INVALID_CHAIN', 'a certificate chain needs at least one certificate');
  const certs = chainDer.map((der, index) => {
    try {
      return new X509Certificate(der);
    } catch (cause) {
      throw new TrustError('INVALID_CHAIN', 'not a DER certificate', { cause, details: { index } });
    }
  });
  for (let i = 0; i + 1 < certs.length; i++) {
    const child = certs[i] as X509Certificate;
    const parent = certs[i + 1] as X509Certificate;
    if (!child.checkIssued(parent) || !child.verify(parent.publicKey)) {
      throw new TrustError('INVALID_CHAIN', 'chain out of order: each certificate must be issued by the next', {
        details: { index: i, subject: child.subject, nextSubject: parent.subject },
      });
    }
  }
}
