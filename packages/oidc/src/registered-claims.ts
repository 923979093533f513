import type { JWTPayload } from 'jose';
import { OidcError, type OidcErrorCode } from './error.js';
import { decodeJsonObject } from './jws-verify.js';

/** go-oidc accepts `nbf` up to 5 minutes ahead (verify.go, "leeway"); `exp` gets none. */
export const NBF_LEEWAY_SECONDS = 300;

export interface ClaimRules {
  /** The issuer URL the token must name in `iss`, exactly. */
  issuer: string;
  /** The client ID `aud` must be or contain. */
  audience: string;
  now: Date;
}

// Which code a failed or missing claim gets (logs only: the client always sees the generic text).
const CLAIM_CODE: Readonly<Record<string, OidcErrorCode>> = { iss: 'INVALID_CLAIMS', aud: 'WRONG_AUDIENCE', exp: 'TOKEN_EXPIRED', nbf: 'TOKEN_NOT_YET_VALID', iat: 'INVALID_CLAIMS' };

const failed = (claim: string, detail: string) => new OidcError(CLAIM_CODE[claim] ?? 'INVALID_CLAIMS', `"${claim}" ${detail}`);

/** A NumericDate claim (RFC 7519 §2): absent is allowed unless required; present must be a JSON number. */
function numericDate(claims: JWTPayload, claim: 'iat' | 'nbf' | 'exp'): number | undefined {
  const value = claims[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw failed(claim, 'claim must be a number');
  return value;
}

function hasAudience(aud: unknown, audience: string): boolean {
  return typeof aud === 'string' ? aud === audience : Array.isArray(aud) && aud.includes(audience);
}

/**
 * The registered claims of a verified ID token (RFC 7519 §4.1), checked as go-oidc `IDTokenVerifier.Verify` does
 * and in the order jose's `jwtVerify` checked them here before (`requiredClaims: ['exp']`, `clockTolerance` 300):
 * `iss`, `aud` and `exp` present; `iss` exactly the issuer; `aud` the client ID or an array containing it; `iat`
 * and `nbf` numbers when present; `nbf` at most 5 minutes ahead; `exp` strictly in the future with no leeway (a
 * token expiring this very second is expired). Other claims are the identity type's business.
 *
 * @param encodedPayload the JWS payload, base64url — call only after its signature verified.
 * @throws OidcError MALFORMED_TOKEN, INVALID_CLAIMS, WRONG_AUDIENCE, TOKEN_NOT_YET_VALID, TOKEN_EXPIRED.
 */
export function checkRegisteredClaims(encodedPayload: string, rules: ClaimRules): JWTPayload {
  const claims = decodeJsonObject(encodedPayload, 'JWT claims set') as JWTPayload;
  for (const claim of ['iss', 'aud', 'exp'] as const) {
    if (!Object.hasOwn(claims, claim)) throw failed(claim, 'claim is missing');
  }
  if (claims.iss !== rules.issuer) throw failed('iss', 'claim does not name the issuer');
  if (!hasAudience(claims.aud, rules.audience)) throw failed('aud', `claim does not contain ${rules.audience}`);
  const nowMs = rules.now.getTime();
  const nowSeconds = Math.floor(nowMs / 1000);
  numericDate(claims, 'iat');
  const nbf = numericDate(claims, 'nbf');
  if (nbf !== undefined && nbf > nowSeconds + NBF_LEEWAY_SECONDS) throw failed('nbf', `is more than ${NBF_LEEWAY_SECONDS} s ahead`);
  const exp = numericDate(claims, 'exp') as number; // present: checked above
  if (exp * 1000 <= nowMs) throw failed('exp', `token expired at ${exp}`);
  return claims;
}
