import type { CaError } from './errors.js';

/**
 * The seam through which certificate transparency plugs into issuance (the CT log is a separate service):
 * given a precertificate and its issuing chain, log it and return one serialized SCT (RFC 6962 §3.2 `SignedCertificateTimestamp`,
 * TLS-encoded) to embed. Resolving means the precertificate is durably logged; rejecting means no certificate
 * may be issued. A rejection with a {@link CaError} is the client's answer as it is (`CT_LOG_UNAVAILABLE`: retry
 * later); any other is `CT_LOG`, an internal failure.
 */
export interface SctIssuer {
  logPrecertificate(precertificateDer: Uint8Array, issuerChainDer: readonly Uint8Array[]): Promise<Uint8Array>;
}
