import { BaseError } from '@sigbox/core';

/**
 * The one text Fulcio returns for every identity-token failure (fulcio pkg/server/error.go `invalidIdentityToken`);
 * the cause is only logged (sigstore/fulcio#1769). Clients must not learn which check failed.
 */
export const INVALID_IDENTITY_TOKEN_MESSAGE = 'There was an error processing the identity token';

/** Why a token was refused. For logs and metrics only: the client always sees {@link INVALID_IDENTITY_TOKEN_MESSAGE}. */
export type OidcErrorCode =
  | 'MALFORMED_TOKEN'
  | 'UNKNOWN_ISSUER'
  | 'DISCOVERY_FAILED'
  | 'JWKS_FAILED'
  | 'UNKNOWN_KEY'
  | 'ALGORITHM_NOT_ALLOWED'
  | 'INVALID_SIGNATURE'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_NOT_YET_VALID'
  | 'WRONG_AUDIENCE'
  | 'INVALID_CLAIMS'
  | 'EMAIL_NOT_VERIFIED'
  | 'INVALID_IDENTITY'
  | 'CI_TEMPLATE_FAILED';

/**
 * A refused identity token. `message` is the client-safe generic text; `detail` (and `cause`) say why, for server
 * logs. `CI_TEMPLATE_FAILED` is the one case upstream answers with the raw text (at issuance, after PoP): the CA
 * may choose to return `detail` for it.
 *
 * @example
 * try { await verifyToken(registry, token) } catch (err) {
 *   if (err instanceof OidcError) { log.warn(err.code, err.detail); return badRequest(err.message) }
 * }
 */
export class OidcError extends BaseError<OidcErrorCode> {
  readonly detail: string;

  constructor(code: OidcErrorCode, detail: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(code, INVALID_IDENTITY_TOKEN_MESSAGE, options);
    this.detail = detail;
  }
}

/** An issuer configuration that cannot be loaded; texts follow fulcio pkg/config/config.go `validateConfig`. */
export type OidcConfigErrorCode = 'PARSE_ERROR' | 'INVALID_CONFIG';

export class OidcConfigError extends BaseError<OidcConfigErrorCode> {}
