import type { TargetInput } from '@sigbox/tuf';
import { type TrustFile, buildTrustFiles, sigboxSigningConfig } from '../trust-files.js';
import { tufTargets } from '../tuf/tuf-targets.js';
import { chainDerOf, trustedRootOf } from './trust-history.js';
import { type TrustKeyRow, type TrustRole, activeKey } from './trust-keys.js';

/** What, besides the trust history, decides the trust files a box serves. */
export interface BoxTrustOptions {
  readonly publicUrl: string;
  /** false: the box runs without its CT log (`--no-ct-log`): no ctlog, no ctfe.pub. */
  readonly ctLog: boolean;
  /** The OIDC issuer the signing config names (`--dev`: the development issuer). */
  readonly oidcUrl?: string | undefined;
  /**
   * The Rekor generation new signatures go to (`--signing-log`, default v2). v2 lists the v2 log first, then v1:
   * Go and Python clients pick the highest version and sigstore-js the first, so all three go to v2 with a TSA
   * timestamp. A box whose trust history has no v2 log key or no TSA (a keyring made before them) lists v1 only.
   */
  readonly signingLog?: SigningLog | undefined;
}

export type SigningLog = 'v1' | 'v2';

/** The Rekor API versions the signing config lists, in order. */
function signingLogVersions(rows: readonly TrustKeyRow[], signingLog: SigningLog = 'v2'): (1 | 2)[] {
  const serves = (role: TrustRole) => activeKey(rows, role) !== undefined;
  return signingLog === 'v2' && serves('rekor-v2') && serves('tsa') ? [2, 1] : [1];
}

/**
 * The trust files a box serves for a trust history: one function for the running box (mount.ts) and the offline
 * targets step (`sigbox tuf publish`), so both hash the same bytes into the TUF targets.
 */
export function boxTrustFiles(history: readonly TrustKeyRow[], options: BoxTrustOptions): TrustFile[] {
  const rows = history.filter((r) => options.ctLog || r.role !== 'ct');
  const trustedRoot = trustedRootOf(rows, options.publicUrl);
  const signingConfig = sigboxSigningConfig({ publicUrl: options.publicUrl, oidcUrl: options.oidcUrl, trustedRoot, rekorApiVersions: signingLogVersions(rows, options.signingLog) });
  const active = (role: TrustRole) => activeKey(rows, role)?.material ?? '';
  return buildTrustFiles({
    trustedRoot,
    signingConfig,
    caChainDer: chainDerOf(active('ca')),
    rekorPublicKeyPem: active('rekor'),
    ...(options.ctLog ? { ctPublicKeyPem: active('ct') } : {}),
  });
}

/** The TUF targets a box publishes for a trust history (tuf-targets.ts: trust files, legacy and retired keys). */
export function boxTufTargets(history: readonly TrustKeyRow[], options: BoxTrustOptions): TargetInput[] {
  return tufTargets(boxTrustFiles(history, options), history, options.publicUrl);
}
