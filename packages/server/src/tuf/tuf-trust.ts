import { type SignedDocument, verifyThreshold } from '@sigbox/tuf';

/** Whether `doc` verifies under `root` (false once a new root names other keys for its role). */
export function trustedBy(doc: SignedDocument, root: SignedDocument): boolean {
  try {
    verifyThreshold(doc, root);
    return true;
  } catch {
    return false;
  }
}
