import { encoding, sha256 } from '@sigbox/core';
import type { X509Verifier } from '../public-key.js';

/** dsse/intoto verifier keys: `sha256:` + hex SHA-256 of the canonical PEM, then the certificate's SANs. */
export function verifierIndexKeys(verifier: X509Verifier | undefined): string[] {
  if (verifier === undefined) return [];
  return [`sha256:${encoding.toHex(sha256(encoding.utf8(verifier.canonicalPem)))}`, ...verifier.subjects()];
}
