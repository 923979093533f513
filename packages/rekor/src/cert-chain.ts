import { type Certificate, readCertificate } from '@sigbox/x509';

// Go crypto/x509 Verify's error for a chain that does not lead to the given root.
const UNKNOWN_AUTHORITY = 'x509: certificate signed by unknown authority';

function validAt(cert: Certificate, time: Date): boolean {
  return cert.notBefore.getTime() <= time.getTime() && time.getTime() <= cert.notAfter.getTime();
}

/**
 * Verifies a submitted chain the way rekor `verifyCertChain` (pkg/pki/x509/x509.go) asks Go to: the last
 * certificate is the only root, the middle ones are intermediates, any key usage is fine, and the time is the
 * leaf's NotBefore (expired certificates stay uploadable). Simplified path check: each certificate must be
 * issued and signed by the next, every issuer must be a CA, and all must be valid at that time.
 */
export function verifyCertificateChain(ders: readonly Uint8Array[]): void {
  if (ders.length === 0) throw new Error('no certificate chain provided');
  if (ders.length === 1) return;
  // Go checks the root pool first: a leaf that is itself the root is trusted as-is.
  if (Buffer.compare(ders[0] as Uint8Array, ders[ders.length - 1] as Uint8Array) === 0) return;
  const certs = ders.map(readCertificate);
  const time = (certs[0] as Certificate).notBefore;
  // Go trusts a pool root as-is (no self-signature check) but still wants it valid and a CA.
  if (!certs.every((c, i) => validAt(c, time) && (i === 0 || c.isCa))) throw new Error(UNKNOWN_AUTHORITY);
  for (let i = 0; i + 1 < certs.length; i++) {
    if (!(certs[i] as Certificate).isIssuedBy(certs[i + 1] as Certificate)) throw new Error(UNKNOWN_AUTHORITY);
  }
}
