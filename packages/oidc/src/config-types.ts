import type { ExtensionField } from './extensions.js';

/** fulcio pkg/config/config.go `IssuerType*` constants. */
export const ISSUER_TYPES = [
  'email', 'github-workflow', 'gitlab-pipeline', 'buildkite-job', 'codefresh-workflow', 'chainguard-identity',
  'kubernetes', 'spiffe', 'uri', 'username', 'ci-provider',
] as const;
export type IssuerType = (typeof ISSUER_TYPES)[number];

/** One `OIDCIssuers`/`MetaIssuers` entry (fulcio `OIDCIssuer`), camelCased; absent strings are ''. */
export interface OidcIssuerConfig {
  readonly issuerUrl: string;
  readonly clientId: string;
  readonly type: IssuerType;
  readonly ciProvider: string;
  /** JSONPath for the issuer extension value (email issuers only), e.g. `$.federated_claims.connector_id`. */
  readonly issuerClaim: string;
  readonly subjectDomain: string;
  readonly spiffeTrustDomain: string;
  /** Advertised by /api/v2/configuration only; verification always uses the type's rule. */
  readonly challengeClaim: string;
  readonly description: string;
  readonly contact: string;
  readonly environment: string;
  /** PEM trusted (with the system roots) for TLS to discovery and JWKS. */
  readonly caCert: string;
  readonly skipEmailVerification: boolean;
}

/** One `CIIssuerMetadata` entry (fulcio `IssuerMetadata`). */
export interface IssuerMetadata {
  readonly defaultTemplateValues: Readonly<Record<string, string>>;
  readonly extensionTemplates: Readonly<Partial<Record<ExtensionField, string>>>;
  readonly subjectAlternativeNameTemplate: string;
}

/** A Fulcio issuer config file, validated. Maps keep file order (Go's are unordered; first match wins here). */
export interface IssuerConfig {
  readonly oidcIssuers: ReadonlyMap<string, OidcIssuerConfig>;
  /** Keys are URL patterns with `*` wildcards, e.g. `https://oidc.eks.*.amazonaws.com/id/*`. */
  readonly metaIssuers: ReadonlyMap<string, OidcIssuerConfig>;
  readonly ciIssuerMetadata: ReadonlyMap<string, IssuerMetadata>;
}

/** Audience every Sigstore client requests (`--oidc-client-id` default); used when an entry names none. */
export const DEFAULT_CLIENT_ID = 'sigstore';
