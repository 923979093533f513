import type { Metadata, Root } from '@tufjs/models';
import { type SignedDocument, toMetadata } from './document.js';
import { TufError } from './error.js';

/**
 * Checks that `doc` carries a threshold of valid signatures from the keys `root` names for its role, with the
 * verification tuf-js clients run (`Metadata.verifyDelegate`, TUF spec §5.3–5.6). Throws THRESHOLD_NOT_MET.
 */
export function verifyThreshold(doc: SignedDocument, root: SignedDocument): void {
  const delegator = toMetadata(root) as Metadata<Root>;
  if (root.role !== 'root') throw new TufError('INVALID_METADATA', `${root.role} metadata cannot delegate ${doc.role}`);
  try {
    delegator.verifyDelegate(doc.role, toMetadata(doc));
  } catch (cause) {
    throw new TufError('THRESHOLD_NOT_MET', `${doc.role} v${doc.version}: ${(cause as Error).message}`, {
      cause,
      details: { role: doc.role, version: doc.version, rootVersion: root.version },
    });
  }
}

/**
 * What a client demands of root N+1 before trusting it (TUF spec §5.3.4–5.3.5): version exactly N+1, signed by a
 * threshold of root N's root keys and by a threshold of its own. Root 1 (no `previous`) must be self-signed.
 */
export function verifyRootUpdate(previous: SignedDocument | undefined, next: SignedDocument): void {
  if (next.role !== 'root') throw new TufError('INVALID_METADATA', `expected root metadata, got ${next.role}`);
  const expected = previous === undefined ? 1 : previous.version + 1;
  if (next.version !== expected) throw new TufError('INVALID_VERSION', `root version ${next.version} must be ${expected}`);
  if (previous !== undefined) verifyThreshold(next, previous);
  verifyThreshold(next, next);
}
