import { certificateUri } from './certificate-uri.js';
import type { Claims } from './claims.js';
import type { IssuerMetadata, OidcIssuerConfig } from './config-types.js';
import { type ExtensionValues, type FulcioExtension, renderExtensions } from './extensions.js';

/** The certificate's single SAN (fulcio `Principal.Embed`): rfc822Name, URI, or the username otherName (1.7). */
export interface SubjectAlternativeName {
  readonly kind: 'email' | 'uri' | 'username';
  readonly value: string;
}

/**
 * A verified identity, everything the CA needs to issue (fulcio pkg/identity `Principal`: `Name()` is
 * `challenge`, `Embed()` is `san` + `extensions`).
 */
export interface Principal {
  /** Value of extensions 1.1/1.8: `iss`, or for email issuers with `IssuerClaim` that claim's value. */
  readonly issuer: string;
  /** The token's `sub` (extension 1.24). */
  readonly subject: string;
  /**
   * What the proof-of-possession signature must be over: the email for email identities (and chainguard tokens
   * that carry one), else `sub` (fulcio pkg/identity/principal.go `Principal.Name` at v1.8.8).
   */
  readonly challenge: string;
  readonly san: SubjectAlternativeName;
  /** Fulcio OIDs with non-empty values, in Fulcio's output order; always 1.1, 1.8 and (when `sub` is set) 1.24. */
  readonly extensions: readonly FulcioExtension[];
}

/** What an identity type sees: the matched issuer (its `issuerUrl` is the token's `iss`) and verified claims. */
export interface IdentityInput {
  readonly issuer: OidcIssuerConfig;
  readonly claims: Claims;
  readonly metadata?: IssuerMetadata | undefined;
}

/**
 * A principal from what an identity type read. A URI SAN is written as Go writes it and must be one Go reads back
 * ({@link certificateUri}): every type that builds a URI from claims goes through here.
 */
export function makePrincipal(parts: {
  subject: string;
  challenge: string;
  san: SubjectAlternativeName;
  extensions: ExtensionValues & { Issuer: string };
}): Principal {
  return {
    issuer: parts.extensions.Issuer,
    subject: parts.subject,
    challenge: parts.challenge,
    san: parts.san.kind === 'uri' ? { kind: 'uri', value: certificateUri(parts.san.value) } : parts.san,
    extensions: renderExtensions({ ...parts.extensions, Subject: parts.subject }),
  };
}

/**
 * The principal of the identity types whose challenge is the token's `sub` (fulcio's CI types, kubernetes, spiffe,
 * uri and username): `subject` is that claim, `issuerUrl` the Issuer extension beside the type's own.
 */
export function subjectPrincipal(issuerUrl: string, subject: string, san: SubjectAlternativeName, extensions: ExtensionValues = {}): Principal {
  return makePrincipal({ subject, challenge: subject, san, extensions: { ...extensions, Issuer: issuerUrl } });
}
