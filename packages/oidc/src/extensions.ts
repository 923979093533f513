/**
 * Fulcio's certificate extensions (arc 1.3.6.1.4.1.57264.1) as the OIDC layer produces them: an ordered list of
 * (OID, string) pairs, non-empty values only, in the order fulcio `certificate.Extensions.Render()` emits them
 * (pkg/certificate/extensions.go): 1.1, 1.2–1.6, 1.8, 1.9–1.23, 1.24. Encoding (raw bytes for 1.1–1.6, DER
 * UTF8String from 1.8 on) is the x509 package's job.
 */

const ARC = '1.3.6.1.4.1.57264.1';

/** Go field names of fulcio `certificate.Extensions`; JSON config keys are these, YAML keys the kebab form. */
export type ExtensionField =
  | 'Issuer' | 'GithubWorkflowTrigger' | 'GithubWorkflowSHA' | 'GithubWorkflowName' | 'GithubWorkflowRepository'
  | 'GithubWorkflowRef' | 'BuildSignerURI' | 'BuildSignerDigest' | 'RunnerEnvironment' | 'SourceRepositoryURI'
  | 'SourceRepositoryDigest' | 'SourceRepositoryRef' | 'SourceRepositoryIdentifier' | 'SourceRepositoryOwnerURI'
  | 'SourceRepositoryOwnerIdentifier' | 'BuildConfigURI' | 'BuildConfigDigest' | 'BuildTrigger' | 'RunInvocationURI'
  | 'SourceRepositoryVisibilityAtSigning' | 'DeploymentEnvironment' | 'Subject';

export type ExtensionValues = Partial<Record<ExtensionField, string>>;

export interface FulcioExtension {
  readonly oid: string;
  readonly value: string;
}

interface FieldSpec { field: ExtensionField; arc: number; yaml: string }

// Struct order of certificate.Extensions with the YAML tags; Issuer and Subject have no tag (yaml.v3 lowercases).
export const EXTENSION_FIELDS: readonly FieldSpec[] = [
  { field: 'Issuer', arc: 8, yaml: 'issuer' },
  { field: 'GithubWorkflowTrigger', arc: 2, yaml: 'github-workflow-trigger' },
  { field: 'GithubWorkflowSHA', arc: 3, yaml: 'github-workflow-sha' },
  { field: 'GithubWorkflowName', arc: 4, yaml: 'github-workflow-name' },
  { field: 'GithubWorkflowRepository', arc: 5, yaml: 'github-workflow-repository' },
  { field: 'GithubWorkflowRef', arc: 6, yaml: 'github-workflow-ref' },
  { field: 'BuildSignerURI', arc: 9, yaml: 'build-signer-uri' },
  { field: 'BuildSignerDigest', arc: 10, yaml: 'build-signer-digest' },
  { field: 'RunnerEnvironment', arc: 11, yaml: 'runner-environment' },
  { field: 'SourceRepositoryURI', arc: 12, yaml: 'source-repository-uri' },
  { field: 'SourceRepositoryDigest', arc: 13, yaml: 'source-repository-digest' },
  { field: 'SourceRepositoryRef', arc: 14, yaml: 'source-repository-ref' },
  { field: 'SourceRepositoryIdentifier', arc: 15, yaml: 'source-repository-identifier' },
  { field: 'SourceRepositoryOwnerURI', arc: 16, yaml: 'source-repository-owner-uri' },
  { field: 'SourceRepositoryOwnerIdentifier', arc: 17, yaml: 'source-repository-owner-identifier' },
  { field: 'BuildConfigURI', arc: 18, yaml: 'build-config-uri' },
  { field: 'BuildConfigDigest', arc: 19, yaml: 'build-config-digest' },
  { field: 'BuildTrigger', arc: 20, yaml: 'build-trigger' },
  { field: 'RunInvocationURI', arc: 21, yaml: 'run-invocation-uri' },
  { field: 'SourceRepositoryVisibilityAtSigning', arc: 22, yaml: 'source-repository-visibility-at-signing' },
  { field: 'DeploymentEnvironment', arc: 23, yaml: 'deployment-environment' },
  { field: 'Subject', arc: 24, yaml: 'subject' },
];

/** 1.1: the deprecated issuer, raw-encoded; always emitted together with 1.8 (Issuer V2). */
export const OID_ISSUER = `${ARC}.1`; // fulcio pkg/certificate/extensions.go OIDIssuer
export const OID_ISSUER_V2 = `${ARC}.8`; // OIDIssuerV2
export const OID_TOKEN_SUBJECT = `${ARC}.24`; // OIDTokenSubject (v1.8.6, #2307)
/** otherName type-id for `username` SANs (OIDOtherName). */
export const OID_OTHERNAME = `${ARC}.7`;

export function extensionOid(arc: number): string {
  return `${ARC}.${arc}`;
}

// Render order: the deprecated raw block (1.1–1.6) first, then 1.8 onwards in arc order.
const RENDER_ORDER: ReadonlyArray<{ field: ExtensionField; oid: string }> = [
  { field: 'Issuer', oid: OID_ISSUER },
  ...[2, 3, 4, 5, 6, 8, ...Array.from({ length: 16 }, (_, i) => i + 9)].map((arc) => ({
    field: EXTENSION_FIELDS.find((f) => f.arc === arc)!.field,
    oid: extensionOid(arc),
  })),
];

/**
 * The extension list for a principal. Upstream refuses to render without an issuer ("extensions must have a
 * non-empty issuer url"); empty values are omitted, as `Render()` does.
 */
export function renderExtensions(values: ExtensionValues): FulcioExtension[] {
  if (!values.Issuer) throw new Error('extensions must have a non-empty issuer url');
  return RENDER_ORDER.flatMap(({ field, oid }) => {
    const value = values[field];
    return value ? [{ oid, value }] : [];
  });
}
