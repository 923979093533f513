import crypto, { type KeyObject } from 'node:crypto';
import { type Signer, createKeySigner } from '@sigbox/core';
import { type NoteSigner, createNoteSigner } from '@sigbox/merkle';

/**
 * A key that signs a tree's checkpoints, as its owner holds it. A private key in this process's memory lets the
 * tree be written on a worker thread, which signs with the same key (a KeyObject crosses `postMessage`); a signer
 * whose key never leaves its device (an HSM) signs on the thread that opened the tree, which then writes it.
 */
export type CheckpointKey = { readonly privateKey: KeyObject } | { readonly signer: Signer };

/** One signature line of every checkpoint: the note key name and the key that signs under it. */
export type CheckpointSigner = CheckpointKey & { readonly name: string };

/** A checkpoint signer whose key a writer thread can sign with. */
export type ThreadCheckpointSigner = { readonly name: string; readonly privateKey: KeyObject };

/** The public half of a checkpoint key: what its checkpoints are verified with. */
export function checkpointPublicKey(key: CheckpointKey): KeyObject {
  return 'privateKey' in key ? crypto.createPublicKey(key.privateKey) : key.signer.publicKey;
}

/** Note signers over the keys, for signing on this thread. */
export function createCheckpointNoteSigners(signers: readonly CheckpointSigner[]): NoteSigner[] {
  return signers.map((s) => createNoteSigner(s.name, 'privateKey' in s ? createKeySigner(s.privateKey) : s.signer));
}

/** The signers as a writer thread takes them, or undefined when a key is out of its reach (an HSM). */
export function threadCheckpointSigners(signers: readonly CheckpointSigner[]): ThreadCheckpointSigner[] | undefined {
  const out: ThreadCheckpointSigner[] = [];
  for (const signer of signers) {
    if (!('privateKey' in signer)) return undefined;
    out.push({ name: signer.name, privateKey: signer.privateKey });
  }
  return out;
}
