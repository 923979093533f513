import { encoding } from '@sigbox/core';
import { type LegacyUsage, type TargetInput, legacyTargetCustom } from '@sigbox/tuf';
import type { TrustFile } from '../trust-files.js';
import { type TrustKeyRow, activeKey } from '../trust/trust-keys.js';

/** The legacy targets and their usage (sigstore/scaffolding tools/tuf/pkg/repo/repo.go at v0.7.37 names them so). */
const LEGACY: Readonly<Record<string, LegacyUsage>> = { 'fulcio_v1.crt.pem': 'Fulcio', 'rekor.pub': 'Rekor', 'ctfe.pub': 'CTFE' };
const RETIRED: Readonly<Record<string, { usage: LegacyUsage; suffix: string }>> = {
  ca: { usage: 'Fulcio', suffix: '.crt.pem' },
  rekor: { usage: 'Rekor', suffix: '.pub' },
  ct: { usage: 'CTFE', suffix: '.pub' },
};

/**
 * What the TUF repository publishes for the current trust files: `trusted_root.json` and
 * `signing_config.v0.2.json` (sigstore-go, sigstore-python and sigstore-js fetch them by name), the legacy PEM
 * targets cosign v2 and sigstore/sigstore `pkg/tuf` (Kyverno, policy-controller) read by their custom
 * `sigstore.usage`, and every retired key as an `Expired` legacy target named after its keyring name, so legacy
 * verifiers keep old signatures verifying too.
 */
export function tufTargets(files: readonly TrustFile[], history: readonly TrustKeyRow[], publicUrl: string): TargetInput[] {
  const targets: TargetInput[] = [];
  for (const file of files) {
    if (file.name === 'trust_config.json') continue; // a client-side file (sigstore-python --trust-config), not a TUF target
    const usage = LEGACY[file.name];
    targets.push({ name: file.name, bytes: encoding.utf8(file.body), ...(usage ? { custom: legacyTargetCustom(usage, publicUrl, 'Active') } : {}) });
  }
  for (const row of history) {
    const retired = RETIRED[row.role];
    if (retired === undefined || activeKey(history, row.role)?.key_id === row.key_id) continue;
    targets.push({ name: `${row.key_name}${retired.suffix}`, bytes: encoding.utf8(row.material), custom: legacyTargetCustom(retired.usage, publicUrl, 'Expired') });
  }
  return targets;
}
