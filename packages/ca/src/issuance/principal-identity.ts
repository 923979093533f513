import { OID_ISSUER_V2, type Principal } from '@sigbox/oidc';
import { type ExtensionName, type Identity, fieldOfOid } from '@sigbox/policy';

/**
 * What the issuance policy judges: the identity the certificate WILL carry, read from the same rendered extension
 * list (`principal.extensions`, fulcio `Extensions.Render()` order) and SAN the leaf issuer encodes, so the policy
 * sees exactly what `identityFromCertificate` reads back from the issued leaf (ca-service.test.ts checks both agree).
 * OIDs a policy cannot name (1.1–1.6, 1.24) are left out, as `identityFromCertificate` leaves them out.
 */
export function identityOfPrincipal(principal: Principal): Identity {
  const extensions: Partial<Record<ExtensionName, string>> = {};
  for (const { oid, value } of principal.extensions) {
    const field = fieldOfOid(oid);
    if (field !== undefined) extensions[field] = value;
  }
  const issuer = principal.extensions.find((e) => e.oid === OID_ISSUER_V2)?.value ?? principal.issuer;
  return { issuer, subject: principal.san.value, extensions };
}
