import { EXTENSION_FIELDS } from './extensions.js';

/**
 * Fulcio's config files use different key names in JSON (Go field names, matched case-insensitively by
 * encoding/json) and YAML (kebab-case tags, matched exactly by yaml.v3): fulcio pkg/config/config.go struct tags.
 */
export type ConfigFormat = 'json' | 'yaml';

type KeyPair = readonly [json: string, yaml: string];

export const ROOT_KEYS = {
  oidcIssuers: ['OIDCIssuers', 'oidc-issuers'],
  metaIssuers: ['MetaIssuers', 'meta-issuers'],
  ciIssuerMetadata: ['CIIssuerMetadata', 'ci-issuer-metadata'],
} as const satisfies Record<string, KeyPair>;

export const ISSUER_KEYS = {
  issuerUrl: ['IssuerURL', 'issuer-url'],
  clientId: ['ClientID', 'client-id'],
  type: ['Type', 'type'],
  ciProvider: ['CIProvider', 'ci-provider'],
  issuerClaim: ['IssuerClaim', 'issuer-claim'],
  subjectDomain: ['SubjectDomain', 'subject-domain'],
  spiffeTrustDomain: ['SPIFFETrustDomain', 'spiffe-trust-domain'],
  challengeClaim: ['ChallengeClaim', 'challenge-claim'],
  description: ['Description', 'description'],
  contact: ['Contact', 'contact'],
  environment: ['Environment', 'environment'],
  caCert: ['CACert', 'ca-cert'],
  skipEmailVerification: ['SkipEmailVerification', 'skip-email-verification'],
} as const satisfies Record<string, KeyPair>;

export const METADATA_KEYS = {
  defaultTemplateValues: ['DefaultTemplateValues', 'default-template-values'],
  extensionTemplates: ['ExtensionTemplates', 'extension-templates'],
  subjectAlternativeNameTemplate: ['SubjectAlternativeNameTemplate', 'subject-alternative-name-template'],
} as const satisfies Record<string, KeyPair>;

export const EXTENSION_KEYS = Object.fromEntries(EXTENSION_FIELDS.map((f) => [f.field, [f.field, f.yaml] as const]));

/**
 * The member of `obj` for a key pair: YAML exact; JSON exact first, then case-insensitive (encoding/json rule).
 * Unknown members are ignored, as both Go decoders do (the public config carries a `define:` anchor block).
 */
export function member(obj: Readonly<Record<string, unknown>>, keys: KeyPair, format: ConfigFormat): unknown {
  if (format === 'yaml') return obj[keys[1]];
  if (Object.hasOwn(obj, keys[0])) return obj[keys[0]];
  const folded = Object.keys(obj).find((k) => k.toLowerCase() === keys[0].toLowerCase());
  return folded === undefined ? undefined : obj[folded];
}
