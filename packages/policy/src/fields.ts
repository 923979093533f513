/**
 * The identity fields a rule may test, named after Fulcio's certificate extensions so a certificate maps onto them
 * exactly: `issuer` is 1.3.6.1.4.1.57264.1.8 (Issuer V2), 1.9–1.23 the provider-generic extensions, in the order and
 * with the names of sigstore/fulcio docs/oid-info.md @ 001376a50932095cf4b6e65299ed2d29abe83524 ("Build Signer URI"
 * → `buildSignerURI`, the Go field names of fulcio pkg/certificate/extensions.go with a lower-case first letter).
 * The deprecated GitHub-only 1.2–1.6 are left out on purpose: 1.8 onward carry the same facts for every provider.
 * `subject` is the certificate's single subjectAltName value (email, URI or otherName username), not an extension.
 */
const ARC = '1.3.6.1.4.1.57264.1';

export const EXTENSION_FIELDS = [
  { name: 'issuer', oid: `${ARC}.8`, title: 'Issuer (V2)' },
  { name: 'buildSignerURI', oid: `${ARC}.9`, title: 'Build Signer URI' },
  { name: 'buildSignerDigest', oid: `${ARC}.10`, title: 'Build Signer Digest' },
  { name: 'runnerEnvironment', oid: `${ARC}.11`, title: 'Runner Environment' },
  { name: 'sourceRepositoryURI', oid: `${ARC}.12`, title: 'Source Repository URI' },
  { name: 'sourceRepositoryDigest', oid: `${ARC}.13`, title: 'Source Repository Digest' },
  { name: 'sourceRepositoryRef', oid: `${ARC}.14`, title: 'Source Repository Ref' },
  { name: 'sourceRepositoryIdentifier', oid: `${ARC}.15`, title: 'Source Repository Identifier' },
  { name: 'sourceRepositoryOwnerURI', oid: `${ARC}.16`, title: 'Source Repository Owner URI' },
  { name: 'sourceRepositoryOwnerIdentifier', oid: `${ARC}.17`, title: 'Source Repository Owner Identifier' },
  { name: 'buildConfigURI', oid: `${ARC}.18`, title: 'Build Config URI' },
  { name: 'buildConfigDigest', oid: `${ARC}.19`, title: 'Build Config Digest' },
  { name: 'buildTrigger', oid: `${ARC}.20`, title: 'Build Trigger' },
  { name: 'runInvocationURI', oid: `${ARC}.21`, title: 'Run Invocation URI' },
  { name: 'sourceRepositoryVisibilityAtSigning', oid: `${ARC}.22`, title: 'Source Repository Visibility At Signing' },
  { name: 'deploymentEnvironment', oid: `${ARC}.23`, title: 'Deployment Environment' },
] as const;

export type ExtensionName = (typeof EXTENSION_FIELDS)[number]['name'];

/** Every field an expectation may name: the SAN plus the extensions. */
export type IdentityField = 'subject' | ExtensionName;

export const IDENTITY_FIELDS: readonly IdentityField[] = ['subject', ...EXTENSION_FIELDS.map((f) => f.name)];

const BY_OID = new Map<string, ExtensionName>(EXTENSION_FIELDS.map((f) => [f.oid, f.name]));

/** The field a certificate extension OID fills, or undefined for OIDs a policy cannot name. */
export function fieldOfOid(oid: string): ExtensionName | undefined {
  return BY_OID.get(oid);
}

export function oidOfField(field: IdentityField): string | undefined {
  return EXTENSION_FIELDS.find((f) => f.name === field)?.oid;
}
