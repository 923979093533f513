import type { CaError } from '@sigbox/ca';
import type { Logger } from 'pino';

/**
 * One line per refused certificate. A refusal by the issuance policy is a warning (a signer the operator did not
 * accept tried, or a rule is wrong): issuer, subject and every rule's verdict. The rest (bad tokens, keys) stay info:
 * the client's mistakes. Never the token.
 */
export function logRefusal(logger: Logger, error: CaError): void {
  const details = error.details ?? {};
  if (error.code === 'IDENTITY_NOT_ACCEPTED') {
    logger.warn({ code: error.code, issuer: details.issuer, subject: details.subject, verdicts: details.verdicts }, 'signing certificate refused by the issuance policy');
  } else if (error.code === 'RATE_LIMITED') {
    logger.warn({ code: error.code, rule: details.rule, subject: details.subject, retryAfterSeconds: details.retryAfterSeconds }, 'signing certificate refused: rate limit');
  } else {
    logger.info({ code: error.code, reason: details.reason, cause: String(error.cause ?? '') }, 'signing certificate refused');
  }
}
