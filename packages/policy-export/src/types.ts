import type { Policy } from '@sigbox/policy';

export const EXPORT_TARGETS = ['kyverno', 'kyverno-ivp', 'policy-controller', 'flux', 'cosign'] as const;
export type ExportTarget = (typeof EXPORT_TARGETS)[number];

export interface ExportInput {
  readonly policy: Policy;
  /** The instance's trusted_root.json, parsed (protobuf JSON: `certificateAuthorities`, `tlogs`, `ctlogs`, …). */
  readonly trustedRoot: unknown;
  /** Rekor v1 URL = the box's public URL (`https://sigbox.example`). */
  readonly rekorUrl: string;
  /** The instance's TUF mirror URL and its `1.root.json` text: needed for `trustRoot: 'remote'`. */
  readonly tuf?: { readonly mirror: string; readonly root: string };
  /** policy-controller TrustRoot: keys inline from trusted_root.json (default) or `remote` = the TUF mirror. */
  readonly trustRoot?: 'sigstore-keys' | 'remote';
  /**
   * Which image signatures count: cosign's legacy `.sig` tags (cosign v2, and v3 without bundles), cosign v3 bundles
   * (OCI referrers), or either. Kyverno ClusterPolicy takes one (default `legacy`); policy-controller defaults to
   * `any` (one authority per format); the others ignore it.
   */
  readonly signatureFormat?: 'legacy' | 'bundle' | 'any';
  /** metadata.name prefix of every emitted object, default `sigbox` (DNS-1123 label). */
  readonly name?: string;
  /** Export even when expectations must be dropped (they are still listed in `dropped`). */
  readonly allowDropped?: boolean;
}

export interface ExportFile {
  /** Relative file name (`kyverno-clusterpolicy.yaml`, `verify.sh`, `trusted_root.json`). */
  readonly path: string;
  readonly content: string;
  /** YAML documents, printed to stdout joined with `---`; other files need `--out`. */
  readonly kind: 'yaml' | 'script' | 'json' | 'cue';
}

export interface ExportResult {
  readonly files: readonly ExportFile[];
  /** Human-readable: which rule's which expectation the target cannot express (the export is WIDER for these). */
  readonly dropped: readonly string[];
  /** Human-readable: where the export is NARROWER than the policy (e.g. targets that AND overlapping rules). */
  readonly warnings: readonly string[];
}
