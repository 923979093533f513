import crypto, { X509Certificate } from 'node:crypto';
import { encoding, parsePemBlocks, toPem } from '@sigbox/core';
import { type TrustedRoot, buildTrustedRoot, certificateAuthority, ctLogInstance, timestampAuthority, transparencyLogInstance } from '@sigbox/trust';
import type { TrustKeyRow } from './trust-keys.js';

/** The certificates of a PEM chain, in order. */
export const chainDerOf = (pem: string): Uint8Array[] => parsePemBlocks(pem).filter((b) => b.type === 'CERTIFICATE').map((b) => b.der);

/** A chain as the trust history keeps it: PEM certificates, issuing certificate first. */
export const chainPemOf = (chainDer: readonly Uint8Array[]): string => chainDer.map((der) => toPem('CERTIFICATE', der)).join('');

/** `O=…\nCN=…` (node's X509Certificate.subject) → the trusted root's subject fields. */
export function subjectOf(der: Uint8Array): { organization: string; commonName: string } {
  const fields = Object.fromEntries(new X509Certificate(Buffer.from(der)).subject.split('\n').map((l) => l.split('=') as [string, string]));
  return { organization: fields.O ?? '', commonName: fields.CN ?? '' };
}

const until = (row: TrustKeyRow) => (row.valid_to === null ? {} : { validUntil: row.valid_to });

/**
 * trusted_root.json from the whole trust history: every CA, TSA and log key that ever signed for the box, each with
 * the window it signed in, so a bundle made before a rotation verifies as well as one made after. All services
 * share the public URL.
 */
export function trustedRootOf(rows: readonly TrustKeyRow[], publicUrl: string): TrustedRoot {
  const authority = (row: TrustKeyRow, make: typeof certificateAuthority) => {
    const chainDer = chainDerOf(row.material);
    return make({ subject: subjectOf(chainDer.at(-1) as Uint8Array), uri: publicUrl, chainDer, validFrom: row.valid_from, ...until(row) });
  };
  const log = (row: TrustKeyRow) => ({ baseUrl: publicUrl, publicKey: crypto.createPublicKey(row.material), validFrom: row.valid_from, ...until(row) });
  return buildTrustedRoot({
    tlogs: [
      ...rows.filter((r) => r.role === 'rekor').map((r) => transparencyLogInstance(log(r))),
      // Rekor v2: Ed25519 (PKIX_ED25519), logId = the full C2SP key ID the row is keyed by; the baseUrl's hostname is
      // the checkpoint origin (sigstore-go builds its note verifier from it), fixed when the tree was created.
      ...rows.filter((r) => r.role === 'rekor-v2').map((r) => transparencyLogInstance({ ...log(r), keyId: encoding.fromHex(r.key_id) })),
    ],
    ctlogs: rows.filter((r) => r.role === 'ct').map((r) => ctLogInstance(log(r))),
    certificateAuthorities: rows.filter((r) => r.role === 'ca').map((r) => authority(r, certificateAuthority)),
    // The TSA chain leaf → root: clients do not ask the TSA to embed its leaf (trust/certificate-authority.ts).
    timestampAuthorities: rows.filter((r) => r.role === 'tsa').map((r) => authority(r, timestampAuthority)),
  });
}
