import path from 'node:path';
import { fromPem, toPem } from '@sigbox/core';
import {
  TrustError,
  buildClientTrustConfig,
  buildSigningConfig,
  serializeTrustDocument,
  type SigningConfig,
  type TrustedRoot,
} from '@sigbox/trust';

/**
 * The files a client is pointed at, by role. The JSON names are the TUF target names sigstore-go and sigstore-python
 * fetch; `trust_config.json` is scaffolding's ClientTrustConfig (sigstore-python `--trust-config`); the PEM names
 * are the legacy TUF targets cosign v2 reads (sigstore/scaffolding tools/tuf/pkg/repo/repo.go at v0.7.37).
 */
export const TRUST_FILE_NAMES = {
  trustedRoot: 'trusted_root.json',
  signingConfig: 'signing_config.v0.2.json',
  clientTrustConfig: 'trust_config.json',
  caChain: 'fulcio_v1.crt.pem',
  rekorKey: 'rekor.pub',
  ctKey: 'ctfe.pub',
} as const;

export type TrustFileRole = keyof typeof TRUST_FILE_NAMES;
export type TrustFileName = (typeof TRUST_FILE_NAMES)[TrustFileRole];

/** Where each file lands in `dir` (the data folder), by role. */
export function trustFileLocations(dir: string): Record<TrustFileRole, string> {
  const entries = Object.entries(TRUST_FILE_NAMES).map(([role, name]) => [role, path.join(dir, name)]);
  return Object.fromEntries(entries) as Record<TrustFileRole, string>;
}

const JSON_CONTENT_TYPE = 'application/json';
/** What `curl`/browsers and TUF servers commonly send for PEM bundles; no registered media type covers keys. */
const PEM_CONTENT_TYPE = 'application/x-pem-file';

/** One file as written to `<data>/<name>` and served at `/sigbox/v1/<name>` and `/<name>`. */
export interface TrustFile {
  readonly name: TrustFileName;
  readonly contentType: string;
  readonly body: string;
}

export interface TrustFileInputs {
  readonly trustedRoot: TrustedRoot;
  readonly signingConfig: SigningConfig;
  /** The CA chain as the CA serves it: issuing certificate first, root last. */
  readonly caChainDer: readonly Uint8Array[];
  readonly rekorPublicKeyPem: string;
  /** Absent when the box runs without its CT log: no `ctfe.pub` then. */
  readonly ctPublicKeyPem?: string;
}

/**
 * Every trust file, in a fixed order. JSON goes through serializeTrustDocument (the bytes later hashed into TUF
 * targets); PEMs are re-encoded as Go's `pem.EncodeToMemory` writes them, so a malformed key fails here, at start,
 * rather than in a client. The chain keeps intermediates first: cosign v2's SIGSTORE_ROOT_FILE takes self-signed
 * certificates as roots and the rest as intermediates (sigstore/sigstore pkg/fulcioroots), whatever the order.
 */
export function buildTrustFiles(inputs: TrustFileInputs): TrustFile[] {
  if (inputs.caChainDer.length === 0) throw new TrustError('INVALID_CHAIN', 'the CA chain is empty');
  const json = (role: TrustFileRole, document: object): TrustFile => ({
    name: TRUST_FILE_NAMES[role],
    contentType: JSON_CONTENT_TYPE,
    body: serializeTrustDocument(document),
  });
  const pem = (role: TrustFileRole, body: string): TrustFile => ({ name: TRUST_FILE_NAMES[role], contentType: PEM_CONTENT_TYPE, body });
  return [
    json('trustedRoot', inputs.trustedRoot),
    json('signingConfig', inputs.signingConfig),
    json('clientTrustConfig', buildClientTrustConfig(inputs.trustedRoot, inputs.signingConfig)),
    pem('caChain', inputs.caChainDer.map((der) => toPem('CERTIFICATE', der)).join('')),
    pem('rekorKey', toPem('PUBLIC KEY', fromPem(inputs.rekorPublicKeyPem, 'PUBLIC KEY'))),
    ...(inputs.ctPublicKeyPem === undefined ? [] : [pem('ctKey', toPem('PUBLIC KEY', fromPem(inputs.ctPublicKeyPem, 'PUBLIC KEY')))]),
  ];
}

export interface SigboxSigningConfigOptions {
  /** Where clients reach the box: the CA and the Rekor v1 log share it. */
  readonly publicUrl: string;
  /** The development issuer (`<public-url>/oidc`), listed only with --dev. */
  readonly oidcUrl?: string | undefined;
  /** validFor.start of every service = the earliest start in the trusted root. */
  readonly trustedRoot: TrustedRoot;
  /**
   * The Rekor generations new signatures go to (`rekorTlogUrls`, one entry per major API version at the public
   * URL); default [1]. Go and Python clients take the highest listed, so listing 2 moves them to the v2 log, which
   * needs a TSA in the signing config (packages/trust refuses v2 without one).
   */
  readonly rekorApiVersions?: readonly (1 | 2)[] | undefined;
}

/**
 * The box's signing config: one CA (Fulcio majorApiVersion 1, although its path is /api/v2) and one Rekor v1 log,
 * both at the public URL; no TSA (a v1 log's SET carries the time). The operator is the public hostname: Go and
 * Python clients keep one service per operator. Every service starts when the box's first key did, so it is in
 * the past and stable across restarts (the keys' starts are fixed at first start).
 */
export function sigboxSigningConfig(options: SigboxSigningConfigOptions): SigningConfig {
  return buildSigningConfig({
    caUrls: [options.publicUrl],
    oidcUrls: options.oidcUrl === undefined ? [] : [options.oidcUrl],
    rekorTlogUrls: (options.rekorApiVersions ?? [1]).map((majorApiVersion) => ({ url: options.publicUrl, majorApiVersion })),
    // The box's TSA when the root lists one (a keyring made before the TSA has none): upstream's path, API v1.
    tsaUrls: options.trustedRoot.timestampAuthorities.length === 0 ? [] : [{ url: `${options.publicUrl}/api/v1/timestamp`, majorApiVersion: 1 }],
    operator: new URL(options.publicUrl).hostname,
    validFrom: earliestStart(options.trustedRoot),
  });
}

/** The earliest `validFor.start` of any key or CA in the root. */
export function earliestStart(root: TrustedRoot): Date {
  const starts = [
    ...root.tlogs.map((t) => t.publicKey.validFor.start),
    ...root.ctlogs.map((t) => t.publicKey.validFor.start),
    ...root.certificateAuthorities.map((ca) => ca.validFor.start),
    ...root.timestampAuthorities.map((ca) => ca.validFor.start),
  ].map((s) => Date.parse(s));
  if (starts.length === 0) throw new TrustError('INVALID_TIME', 'the trusted root has no keys to date the services from');
  return new Date(Math.min(...starts));
}
