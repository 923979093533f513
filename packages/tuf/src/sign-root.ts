import type { Metadata, Root } from '@tufjs/models';
import type { Signer } from '@sigbox/core';
import type { SignedDocument } from './document.js';
import { signMetadata } from './sign.js';
import { verifyRootUpdate } from './verify.js';

export interface RootSigners {
  /** The root that `newRoot` succeeds (absent for root 1). */
  readonly previous?: SignedDocument;
  /** Keys of the previous root's root role; a key in both sets signs once. */
  readonly oldRootSigners?: readonly Signer[];
  /** Keys of the new root's root role. */
  readonly newRootSigners: readonly Signer[];
}

/**
 * Signs root N+1 with old and new root keys and refuses to return it unless a client would accept it: version N+1,
 * a threshold of root N's keys and of its own (TUF spec §5.3.4). For a ceremony where holders sign at different
 * times, use `signMetadata`/`addSignatures` and check with `verifyRootUpdate` before publishing.
 */
export async function signRoot(newRoot: Metadata<Root>, signers: RootSigners): Promise<SignedDocument> {
  const all = [...(signers.oldRootSigners ?? []), ...signers.newRootSigners];
  const doc = await signMetadata(newRoot, all);
  verifyRootUpdate(signers.previous, doc);
  return doc;
}
