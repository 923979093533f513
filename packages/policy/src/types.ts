import type { ExtensionName, IdentityField } from './fields.js';

export const API_VERSION = 'policy.sigbox.dev/v1alpha1';
export const KIND = 'AcceptedIdentities';

/**
 * One accepted value: `exact` compares the whole string; `pattern` is an ECMAScript regular expression (flag `u`)
 * that must match the WHOLE value (it is compiled as `^(?:pattern)$`, so `^…$` in the file are harmless and
 * `https://github.com/myorg/.+` cannot match `https://evil.example/?https://github.com/myorg/x`); `glob` is `*`
 * (any run of characters but `/`), `**` (any run) and `?` (one character but `/`), also whole-value.
 */
export interface Matcher {
  readonly kind: 'exact' | 'pattern' | 'glob';
  /** As written in the file, for messages and exports. */
  readonly source: string;
  readonly regex: RegExp | undefined;
}

/** Any of several matchers (a YAML list); one alone when the file gives a scalar or a single map. */
export type MatchList = readonly Matcher[];

export interface Selector {
  readonly issuer?: MatchList;
  readonly subject?: MatchList;
}

export interface AttestationRequirement {
  readonly predicateType: string;
  /** Dotted path into the predicate (`buildDefinition.buildType`) → accepted values of the scalar found there. */
  readonly conditions: ReadonlyArray<{ readonly path: string; readonly match: MatchList }>;
}

export interface Expectations {
  readonly fields: ReadonlyArray<{ readonly field: IdentityField; readonly match: MatchList }>;
  readonly attestation?: AttestationRequirement;
}

export interface Scope {
  /** Image repositories without tag or digest (`registry.example/myorg/*`). */
  readonly images?: MatchList;
  readonly artifacts?: MatchList;
}

export interface RateLimit {
  readonly certificates: number;
  readonly perSeconds: number;
}

export interface Rule {
  readonly name: string;
  readonly line: number;
  readonly selector: Selector;
  readonly expectations: Expectations;
  readonly scope?: Scope;
  readonly alertOnAnyUse: boolean;
  readonly rateLimit?: RateLimit;
}

export interface Policy {
  readonly apiVersion: typeof API_VERSION;
  readonly kind: typeof KIND;
  readonly rules: readonly Rule[];
}

/** Who signed: what a Fulcio certificate says, as a plain object (see `identityFromCertificate`). */
export interface Identity {
  readonly issuer: string;
  /** The subjectAltName value: an email, a URI or a username. */
  readonly subject: string;
  readonly extensions?: Partial<Record<ExtensionName, string>>;
}

/** What was signed, when known. Absent names skip the scope check (the issuance policy knows no artifact). */
export interface Context {
  readonly image?: string;
  readonly artifact?: string;
  /** Attestations present for the artifact; absent means "not known" and skips the attestation requirement. */
  readonly attestations?: ReadonlyArray<{ readonly predicateType: string; readonly predicate?: unknown }>;
}
