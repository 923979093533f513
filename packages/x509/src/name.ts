import { type Der, TAG, encode, oid, sequence, set, tlv } from './der.js';
import { OID } from './oids.js';

/**
 * The subject of a CA certificate: a common name and an organization (fulcio docs/certificate-specification.md), as
 * the public sigstore root and intermediate carry.
 */
export interface CaSubject {
  commonName: string;
  organization?: string;
}

// X.520 PrintableString alphabet; Go's pkix.Name uses it when it fits and UTF8String otherwise.
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

function directoryString(value: string): Uint8Array {
  return PRINTABLE.test(value) ? tlv(TAG.PRINTABLE_STRING, Buffer.from(value, 'latin1')) : tlv(TAG.UTF8_STRING, Buffer.from(value, 'utf8'));
}

const rdn = (type: string, value: string): Der => set(sequence(oid(type), directoryString(value)));

/**
 * A Name in Go's attribute order (O before CN), one attribute per RDN: byte-identical to how fulcio's tooling
 * writes `O=sigstore.dev, CN=sigstore-intermediate`.
 */
export function encodeName(subject: CaSubject): Uint8Array {
  const rdns = subject.organization ? [rdn(OID.organization, subject.organization)] : [];
  return encode(sequence(...rdns, rdn(OID.commonName, subject.commonName)));
}
