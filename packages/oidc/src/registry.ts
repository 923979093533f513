import { createCaFetch } from './ca-fetch.js';
import { issuerEntry } from './config.js';
import type { IssuerConfig, IssuerMetadata, IssuerType, OidcIssuerConfig } from './config-types.js';
import { validateIssuer } from './config-validate.js';
import { OidcConfigError, OidcError } from './error.js';
import { metaIssuerRegex } from './meta-issuer.js';
import { type IssuerVerifier, type VerifierOptions, createIssuerVerifier } from './verifier.js';

/** Fulcio keeps verifiers of meta-issuer URLs in a 2Q LRU of 100 (config.go `prepare`); here a plain LRU. */
export const META_VERIFIER_CACHE_SIZE = 100;

export type IssuerRegistryOptions = VerifierOptions;

/** An issuer matched for a token: its config with `issuerUrl` = the token's `iss`. */
export interface ResolvedIssuer {
  readonly config: OidcIssuerConfig;
  /** The meta-issuer pattern that matched, when it was not an exact issuer. */
  readonly pattern?: string;
  /** `CIIssuerMetadata[config.ciProvider]` for `ci-provider` issuers. */
  readonly metadata?: IssuerMetadata;
}

/** An exact issuer added at runtime (e.g. the development issuer); `clientId` defaults to `sigstore`. */
export type AddIssuerInput = { url: string; type: IssuerType; clientId?: string } & Partial<Omit<OidcIssuerConfig, 'issuerUrl' | 'type' | 'clientId'>>;

/** One entry of `GET /api/v2/configuration` (fulcio `ToIssuers`): exact issuers first, then meta-issuers. */
export interface IssuerDescription {
  readonly issuerUrl?: string;
  readonly wildcardIssuerUrl?: string;
  readonly audience: string;
  readonly challengeClaim: string;
  readonly spiffeTrustDomain: string;
  readonly issuerType: IssuerType;
  readonly subjectDomain: string;
  readonly skipEmailVerification: boolean;
}

export interface IssuerRegistry {
  /** Exact issuer first, then each meta pattern in config order; first match wins. */
  match(issuerUrl: string): ResolvedIssuer | undefined;
  /** The verifier for a matched issuer: kept for the process lifetime (exact) or in an LRU (meta). */
  verifierFor(issuer: ResolvedIssuer): IssuerVerifier;
  addIssuer(input: AddIssuerInput): void;
  describe(): IssuerDescription[];
  /** Discovery for every exact issuer now (Fulcio does it at startup); failures are reported, retried later. */
  warmUp(): Promise<Array<{ issuerUrl: string; error?: OidcError }>>;
}

/**
 * @example
 * const registry = createIssuerRegistry(loadIssuerConfig(text));
 * registry.addIssuer({ url: 'http://127.0.0.1:5556/dex', type: 'email' });
 * const principal = await verifyToken(registry, token);
 */
export function createIssuerRegistry(config: IssuerConfig, options: IssuerRegistryOptions = {}): IssuerRegistry {
  const exact = new Map(config.oidcIssuers);
  const meta = [...config.metaIssuers].map(([pattern, entry]) => ({ pattern, entry, regex: metaIssuerRegex(pattern) }));
  const exactVerifiers = new Map<string, IssuerVerifier>();
  const metaVerifiers = new Map<string, IssuerVerifier>();

  const resolved = (entry: OidcIssuerConfig, issuerUrl: string, pattern?: string): ResolvedIssuer => {
    const metadata = entry.type === 'ci-provider' ? config.ciIssuerMetadata.get(entry.ciProvider) : undefined;
    return { config: { ...entry, issuerUrl }, ...(pattern ? { pattern } : {}), ...(metadata ? { metadata } : {}) };
  };

  const newVerifier = ({ config: entry }: ResolvedIssuer) => createIssuerVerifier(entry.issuerUrl, entry.clientId, {
    ...options,
    ...(entry.caCert && !options.fetch ? { fetch: createCaFetch(entry.caCert) } : {}),
  });

  const verifierFor = (issuer: ResolvedIssuer): IssuerVerifier => {
    const url = issuer.config.issuerUrl;
    const cache = issuer.pattern ? metaVerifiers : exactVerifiers;
    let verifier = cache.get(url);
    if (verifier) {
      if (issuer.pattern) { cache.delete(url); cache.set(url, verifier); } // most recently used last
      return verifier;
    }
    verifier = newVerifier(issuer);
    cache.set(url, verifier);
    if (issuer.pattern && cache.size > META_VERIFIER_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    return verifier;
  };

  return {
    match(issuerUrl) {
      const entry = exact.get(issuerUrl);
      if (entry) return resolved(entry, issuerUrl);
      const hit = meta.find((m) => m.regex.test(issuerUrl));
      return hit ? resolved(hit.entry, issuerUrl, hit.pattern) : undefined;
    },
    verifierFor,
    addIssuer({ url, type, ...rest }) {
      if (exact.has(url)) throw new OidcConfigError('INVALID_CONFIG', `issuer ${url} is already configured`);
      const entry = issuerEntry({ ...rest, issuerUrl: url, type });
      try {
        validateIssuer(entry, false);
      } catch (cause) {
        throw new OidcConfigError('INVALID_CONFIG', `${url}: ${(cause as Error).message}`, { cause });
      }
      exact.set(url, entry);
    },
    describe: () => [
      ...[...exact.values()].map((e) => ({ issuerUrl: e.issuerUrl, ...description(e) })),
      ...meta.map(({ pattern, entry }) => ({ wildcardIssuerUrl: pattern, ...description(entry) })),
    ],
    warmUp: () => Promise.all([...exact.keys()].map(async (url) => {
      try {
        await verifierFor(resolved(exact.get(url)!, url)).prepare();
        return { issuerUrl: url };
      } catch (error) {
        return { issuerUrl: url, error: error as OidcError };
      }
    })),
  };
}

function description(e: OidcIssuerConfig): Omit<IssuerDescription, 'issuerUrl' | 'wildcardIssuerUrl'> {
  return {
    audience: e.clientId,
    // config.go issuerToChallengeClaim: the configured claim, else email for email issuers, else sub.
    challengeClaim: e.challengeClaim || (e.type === 'email' ? 'email' : 'sub'),
    spiffeTrustDomain: e.spiffeTrustDomain,
    issuerType: e.type,
    subjectDomain: e.subjectDomain,
    skipEmailVerification: e.skipEmailVerification,
  };
}
