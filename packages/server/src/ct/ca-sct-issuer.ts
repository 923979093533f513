import { CA_MESSAGES, CaError, type SctIssuer } from '@sigbox/ca';
import { CtError } from '@sigbox/ctlog';

/**
 * The CT log's SCT issuer as the CA uses it: a log that takes no entry now (CtError `UNAVAILABLE`: busy, shutting
 * down, its database unreachable) or that did not answer within the SCT timeout (`TIMEOUT`) fails the issuance with
 * the CA's retryable `CT_LOG_UNAVAILABLE` (503) instead of an internal 500; no certificate was issued either way.
 */
export function caSctIssuer(issuer: SctIssuer): SctIssuer {
  return {
    logPrecertificate: (precertificateDer, issuerChainDer) =>
      issuer.logPrecertificate(precertificateDer, issuerChainDer).catch((error: unknown) => {
        const retryable = error instanceof CtError && (error.code === 'UNAVAILABLE' || error.code === 'TIMEOUT');
        throw retryable ? new CaError('CT_LOG_UNAVAILABLE', CA_MESSAGES.CT_LOG_UNAVAILABLE, { cause: error }) : error;
      }),
  };
}
