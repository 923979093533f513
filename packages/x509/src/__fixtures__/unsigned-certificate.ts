import { createEphemeralSigner, spkiDer } from '@sigbox/core';
import { type Der, bitString, encode, explicit, integer, sequence, time } from '../der.js';
import { encodeName } from '../name.js';
import { signatureAlgorithmFor } from '../signature-algorithm.js';

export interface UnsignedCertificateParts {
  extensions: Der[];
  /** Name DER; a test CA's name by default. */
  issuer?: Uint8Array;
  /** Name DER; empty, as in a Fulcio leaf, by default. */
  subject?: Uint8Array;
  /** SubjectPublicKeyInfo DER; a fresh P-256 key by default. */
  spki?: Uint8Array;
  notBefore?: Date;
  /** Elements after the signature, which no Certificate has. */
  trailing?: Der[];
}

const SIG_ALG = signatureAlgorithmFor('ecdsa-p256');
const TEST_CA = encodeName({ commonName: 'sigbox-test-ca' });

/**
 * A v3 certificate made of `parts`, valid 10 minutes, whose signature is 70 zero octets: for certificate readers,
 * which never check it, so that every field can be written as a test needs it.
 */
export function unsignedCertificate(parts: UnsignedCertificateParts): Uint8Array {
  const notBefore = parts.notBefore ?? new Date('2026-06-01T12:00:00Z');
  const tbs = sequence(
    explicit(0, integer(2n)),
    integer(0x1234n),
    SIG_ALG,
    parts.issuer ?? TEST_CA,
    sequence(time(notBefore), time(new Date(notBefore.getTime() + 600_000))),
    parts.subject ?? encode(sequence()),
    parts.spki ?? spkiDer(createEphemeralSigner('ecdsa-p256').publicKey),
    explicit(3, sequence(...parts.extensions)),
  );
  return encode(sequence(tbs, SIG_ALG, bitString(new Uint8Array(70)), ...(parts.trailing ?? [])));
}
