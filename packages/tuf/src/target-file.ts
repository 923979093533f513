import { encoding, sha256 } from '@sigbox/core';
import { TufError } from './error.js';

/** A target as the repository publishes it: a file name (no directories), its bytes, optional custom metadata. */
export interface TargetInput {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly custom?: Readonly<Record<string, unknown>>;
}

/** Legacy usages sigstore/sigstore `pkg/tuf/usage_type.go` (@bd0ad71) understands. */
export type LegacyUsage = 'Fulcio' | 'Rekor' | 'CTFE' | 'TSA';
/** Statuses sigstore/sigstore `pkg/tuf/status_type.go` (@bd0ad71) understands. */
export type LegacyStatus = 'Active' | 'Expired';

const TARGET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Refuses names a client would turn into a path outside its cache (`..`, `/`) or that no client expects. */
export function checkTargetName(name: string): string {
  if (!TARGET_NAME.test(name) || name.includes('..')) throw new TufError('INVALID_TARGET', `not a target file name: ${JSON.stringify(name)}`);
  return name;
}

/** Hex SHA-256 of a target's bytes: the only hash Sigbox lists (python-tuf fetches by the first listed hash). */
export function sha256Hex(bytes: Uint8Array): string {
  return encoding.toHex(sha256(bytes));
}

/**
 * The file name a target is served under below `/tuf/targets/` with consistent snapshots (TUF spec §5.7.3):
 * `<sha256 hex>.<name>`, e.g. `4f1c….trusted_root.json`.
 */
export function targetPath(name: string, bytes: Uint8Array): string {
  return `${sha256Hex(bytes)}.${checkTargetName(name)}`;
}

/**
 * The custom metadata legacy clients select targets by: cosign v2's and Kyverno's sigstore/sigstore `pkg/tuf`
 * (`GetTargetsByMeta`, client.go @bd0ad71) unmarshals `custom` into `{"sigstore":{"usage","status","uri"}}`.
 *
 * @example
 * buildTargets({ …, targets: [{ name: 'rekor.pub', bytes, custom: legacyTargetCustom('Rekor', 'https://rekor.example') }] })
 */
export function legacyTargetCustom(usage: LegacyUsage, uri: string, status: LegacyStatus = 'Active'): { sigstore: { usage: LegacyUsage; status: LegacyStatus; uri: string } } {
  return { sigstore: { usage, status, uri } };
}
