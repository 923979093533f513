import { ClaimError } from './claims.js';
import { OidcError } from './error.js';
import { GoUrlError } from './go-url.js';
import { buildPrincipal } from './identity/index.js';
import type { Principal } from './principal.js';
import type { IssuerRegistry } from './registry.js';

/**
 * Verifies an OIDC identity token and builds its principal, as Fulcio's `IssuerPool.Authenticate` +
 * `PrincipalFromIDToken` do: read `iss` unverified, match the issuer, verify with that issuer's keys, apply the
 * identity type's rules. Every failure is an {@link OidcError} whose message is Fulcio's generic text.
 *
 * @example
 * const principal = await verifyToken(registry, bearerToken);
 * // principal.challenge is what the proof of possession must sign; san/extensions go into the certificate
 */
export async function verifyToken(registry: IssuerRegistry, token: string): Promise<Principal> {
  try {
    const issuerUrl = unverifiedIssuer(token);
    const issuer = registry.match(issuerUrl);
    if (!issuer) throw new OidcError('UNKNOWN_ISSUER', `failed to match issuer URL ${issuerUrl} from token with any configured providers`);
    const claims = await registry.verifierFor(issuer).verify(token);
    return buildPrincipal({ issuer: issuer.config, claims, metadata: issuer.metadata });
  } catch (err) {
    if (err instanceof OidcError) throw err;
    const code = err instanceof ClaimError || err instanceof GoUrlError ? 'INVALID_IDENTITY' : 'INVALID_CLAIMS';
    throw new OidcError(code, err instanceof Error ? err.message : String(err), { cause: err });
  }
}

/** fulcio pkg/identity/issuerpool.go `extractIssuerURL`: exactly three parts, payload JSON with a string `iss`. */
export function unverifiedIssuer(token: string): string {
  const parts = token.split('.');
  if (parts.length !== 3) throw new OidcError('MALFORMED_TOKEN', 'oidc: malformed jwt, token must have 3 parts');
  let payload: unknown;
  try {
    if (!/^[A-Za-z0-9_-]*$/.test(parts[1]!)) throw new Error('not base64url');
    payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch (cause) {
    throw new OidcError('MALFORMED_TOKEN', 'oidc: malformed jwt payload', { cause });
  }
  const iss = (payload as { iss?: unknown } | null)?.iss;
  if (typeof iss !== 'string') throw new OidcError('MALFORMED_TOKEN', 'oidc: token has no string iss claim');
  return iss;
}
