import { readCertificate } from '@sigbox/x509';
import { decodePrecertExtraData } from './extra-data.js';
import { decodeMerkleTreeLeaf } from './merkle-tree-leaf.js';

/** Search keys an entry carries at most: a certificate may list many SANs; Fulcio's list one. */
const MAX_KEYS = 64;

/**
 * The search keys of a logged (pre)certificate: its SANs' text lower-cased (email, URI, DNS, an otherName's
 * UTF8String such as Fulcio's username), so the explorer finds every certificate issued for an identity — the
 * question CT answers for a CA's owner. RFC 6962 logs keep no index (monitors download everything); this one
 * lives beside the tree in log_entry_keys and changes nothing a CT client sees.
 */
export function ctIndexKeys(leafDer: Uint8Array): string[] {
  let names;
  try {
    names = readCertificate(leafDer).subjectAltNames();
  } catch {
    return []; // the chain was validated before: a SAN list our reader cannot read is not indexed
  }
  const texts = names.flatMap((n) => (n.kind === 'email' || n.kind === 'uri' || n.kind === 'dns' ? [n.value] : n.kind === 'otherName' && n.utf8String !== undefined ? [n.utf8String] : []));
  return [...new Set(texts.map((t) => t.toLowerCase()))].slice(0, MAX_KEYS);
}

/** The search keys of a stored CT entry: its leaf's certificate, or for a precert entry the precertificate in extra_data. */
export function ctIndexKeysOfEntry(data: Uint8Array, extra: Uint8Array | undefined): string[] {
  try {
    const { entry } = decodeMerkleTreeLeaf(data);
    if (entry.type === 'x509') return ctIndexKeys(entry.certificate);
    return extra === undefined ? [] : ctIndexKeys(decodePrecertExtraData(extra).precertificate);
  } catch {
    return [];
  }
}
