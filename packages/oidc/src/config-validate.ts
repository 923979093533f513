import { X509Certificate } from 'node:crypto';
import { parsePemBlocks } from '@sigbox/core';
import type { IssuerConfig, OidcIssuerConfig } from './config-types.js';
import { OidcConfigError } from './error.js';
import { goText, goUrlHostname, parseGoUrl } from './go-url.js';
import { parseTrustDomain } from './spiffe-id.js';
import { compileTemplate } from './template.js';

// All hostnames for subject and issuer must have at least a top-level and second-level domain (config.go).
const MINIMUM_HOSTNAME_LABELS = 2;

/**
 * Startup validation, fulcio pkg/config/config.go `validateConfig` (messages kept), plus two checks upstream
 * only fails at token time: a `ci-provider` issuer must name existing `CIIssuerMetadata` with a SAN template.
 */
export function validateIssuerConfig(config: IssuerConfig): void {
  for (const [key, issuer] of config.oidcIssuers) guard(key, () => validateIssuer(issuer, false));
  for (const [key, issuer] of config.metaIssuers) guard(key, () => validateIssuer(issuer, true));
  for (const [name, metadata] of config.ciIssuerMetadata) {
    guard(name, () => [...Object.values(metadata.extensionTemplates), metadata.subjectAlternativeNameTemplate].forEach(compileTemplate));
  }
  for (const [key, issuer] of [...config.oidcIssuers, ...config.metaIssuers]) {
    if (issuer.type !== 'ci-provider') continue;
    const metadata = config.ciIssuerMetadata.get(issuer.ciProvider);
    if (!metadata) fail(`${key}: metadata not found for ci provider ${issuer.ciProvider}`);
    if (metadata.subjectAlternativeNameTemplate.trim() === '') fail(`${key}: SubjectAlternativeNameTemplate should not be empty`);
  }
}

/** The checks for one issuer entry; also applied to issuers added at runtime. */
export function validateIssuer(issuer: OidcIssuerConfig, meta: boolean): void {
  if (issuer.caCert !== '') validateCaCert(issuer);
  if (meta) {
    // One OIDC issuer pattern for many trust domains would be a many-to-one mapping.
    if (issuer.type === 'spiffe') throw new Error('SPIFFE meta issuers not supported');
    return;
  }
  if (issuer.issuerClaim !== '' && issuer.type !== 'email') throw new Error('only email issuers can use issuer claim mapping');
  if (issuer.type === 'spiffe') {
    if (issuer.spiffeTrustDomain === '') throw new Error('spiffe issuer must have SPIFFETrustDomain set');
    try { parseTrustDomain(issuer.spiffeTrustDomain); } catch { throw new Error('spiffe trust domain is invalid'); }
  }
  if (issuer.type === 'uri') validateUriDomain(issuer);
  if (issuer.type === 'username') validateUsernameDomain(issuer);
}

function validateUriDomain(issuer: OidcIssuerConfig): void {
  if (issuer.subjectDomain === '') throw new Error('uri issuer must have SubjectDomain set');
  const domain = parseGoUrl(issuer.subjectDomain);
  if (domain.scheme === '') throw new Error('SubjectDomain for uri must contain scheme');
  const url = parseGoUrl(issuer.issuerUrl);
  if (url.scheme === '') throw new Error('issuer for uri must contain scheme');
  if (domain.scheme !== url.scheme) {
    throw new Error(`subject (${domain.scheme}) and issuer (${url.scheme}) URI schemes do not match`);
  }
  validateAllowedDomain(goText(goUrlHostname(domain)), goText(goUrlHostname(url)));
}

function validateUsernameDomain(issuer: OidcIssuerConfig): void {
  if (issuer.subjectDomain === '') throw new Error('username issuer must have SubjectDomain set');
  if (parseGoUrl(issuer.subjectDomain).scheme !== '') throw new Error('SubjectDomain for username should not contain scheme');
  const url = parseGoUrl(issuer.issuerUrl);
  if (url.scheme === '') throw new Error('issuer for username must contain scheme');
  validateAllowedDomain(issuer.subjectDomain, goText(goUrlHostname(url)));
}

// Same last two DNS labels: a test of ownership over both was done when the config was accepted upstream
// (known gap: co.uk-style suffixes, config.go TODO).
function validateAllowedDomain(subject: string, issuer: string): void {
  if (subject === issuer) return;
  const s = subject.split('.');
  const i = issuer.split('.');
  if (s.length < MINIMUM_HOSTNAME_LABELS) throw new Error(`URI hostname too short: ${subject}`);
  if (i.length < MINIMUM_HOSTNAME_LABELS) throw new Error(`URI hostname too short: ${issuer}`);
  if (s.at(-1) !== i.at(-1) || s.at(-2) !== i.at(-2)) {
    throw new Error(`hostname top-level and second-level domains do not match: ${subject}, ${issuer}`);
  }
}

function validateCaCert(issuer: OidcIssuerConfig): void {
  try {
    const blocks = parsePemBlocks(issuer.caCert).filter((b) => b.type === 'CERTIFICATE');
    if (blocks.length === 0) throw new Error('no certificate');
    blocks.forEach((b) => new X509Certificate(b.der));
  } catch {
    throw new Error(`failed to parse CA certificate for issuer ${issuer.issuerUrl}`);
  }
}

function guard(key: string, check: () => void): void {
  try {
    check();
  } catch (err) {
    fail(`${key}: ${err instanceof Error ? err.message : String(err)}`, err);
  }
}

function fail(message: string, cause?: unknown): never {
  throw new OidcConfigError('INVALID_CONFIG', message, cause === undefined ? {} : { cause });
}
