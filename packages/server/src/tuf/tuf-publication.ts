import type { Signer } from '@sigbox/core';
import { type SignedDocument, type TargetInput, buildTargets, sha256Hex, signMetadata, targetPath, verifyThreshold } from '@sigbox/tuf';
import type { TufStore } from './tuf-store.js';

/** Targets are signed by the targets key at each trust change; a year without change still needs a fresh one. */
export const TARGETS_LIFETIME_MS = 365 * 86_400_000;

type TargetsJson = { targets: Record<string, { hashes: { sha256: string }; custom?: unknown }> };

/** Whether the latest targets already publish exactly these files (names, hashes, custom metadata). */
export function samePublication(latest: SignedDocument, wanted: readonly TargetInput[]): boolean {
  const published = (latest.json as { signed: TargetsJson }).signed.targets;
  if (Object.keys(published).length !== wanted.length) return false;
  return wanted.every((t) => {
    const p = published[t.name];
    return p !== undefined && p.hashes.sha256 === sha256Hex(t.bytes) && JSON.stringify(p.custom ?? null) === JSON.stringify(t.custom ?? null);
  });
}

export interface TargetsVersion {
  readonly store: TufStore;
  readonly wanted: readonly TargetInput[];
  readonly signer: Signer;
  /** The root the new version must verify under (its targets role). */
  readonly root: SignedDocument;
  readonly expires: Date;
}

/**
 * Stores the target files, then signs and stores the next targets version: one path for the box (key at hand) and
 * the offline step (`sigbox tuf publish`). The files go first, so no served targets.json names a file not there.
 * Returns the document and whether this process stored it (false: another process stored that version first).
 */
export async function publishTargetsVersion(options: TargetsVersion): Promise<{ doc: SignedDocument; stored: boolean }> {
  const { store, wanted } = options;
  for (const t of wanted) await store.putTarget(targetPath(t.name, t.bytes), t.bytes);
  const latest = await store.latest('targets');
  const doc = await signMetadata(buildTargets({ version: (latest?.version ?? 0) + 1, expires: options.expires, targets: wanted }), [options.signer]);
  // Verify what we emit: a targets key the served root does not name would break every client's update.
  verifyThreshold(doc, options.root);
  return { doc, stored: await store.put(doc) };
}
