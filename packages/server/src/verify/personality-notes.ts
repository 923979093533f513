/**
 * What `sigbox verify` can and cannot check of each personality's signatures beyond the checkpoints, said plainly
 * rather than implied. Nothing here is stored, so nothing here is verified: the notes say so.
 *
 * - Rekor v1: a signed entry timestamp (SET) is signed when its entry is created and again whenever it is read
 *   (packages/rekor/src/entry-facts.ts); none is stored. What a SET signs — the canonical body, the integration
 *   time, the index and the log ID — is the stored entry, proven above by its leaf hash and the tree.
 * - CT: the SCT for a precertificate goes into the certificate the CA issues, and issued certificates are not
 *   stored; the CT tree holds the precertificate entries (their MerkleTreeLeaf, proven above).
 */
export function personalityNotes(treeName: string, entries: bigint): string[] {
  // Rekor v2 entries carry no SET (rekor-v2-spec §4.4): nothing beyond the tree to note.
  if (treeName === 'rekor-v2') return [];
  if (treeName === 'rekor' || treeName.startsWith('rekor-')) {
    return [`SETs: none stored (each is signed when its entry is written or read); the ${entries} entries they sign are proven above`];
  }
  if (treeName === 'ct' || treeName.startsWith('ct-')) {
    return [
      `SCTs: none stored; each is embedded in the certificate issued for its precertificate, and issued certificates are not kept, so ` +
        `the SCTs of these ${entries} precertificate entries are not checked here (clients check them in each certificate)`,
    ];
  }
  return [];
}
