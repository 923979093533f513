import { DER_NULL, type Der, encode, explicit, extension, integer, octetString, oid, sequence, tlv } from './der.js';
import { OID } from './oids.js';

/**
 * Constant parts of every Fulcio leaf (fulcio pkg/ca/common.go MakeX509 at v1.8.8). Built once at
 * module load: issuance only concatenates them.
 */
export const LEAF_PARTS = {
  /** [0] EXPLICIT Version v3. */
  version: encode(explicit(0, integer(2n))),
  /** Subject = empty SEQUENCE; the identity lives in the critical SAN. */
  emptySubject: encode(sequence()),
  /** keyUsage critical, digitalSignature only: BIT STRING 07 80 (7 unused bits, bit 0 set). */
  keyUsage: encode(extension(oid(OID.keyUsage), true, Uint8Array.of(0x03, 0x02, 0x07, 0x80))),
  /** extKeyUsage codeSigning, non-critical (Go's x509 marks EKU critical only when asked). */
  extKeyUsage: encode(extension(oid(OID.extKeyUsage), false, sequence(oid(OID.codeSigning)))),
  /** CT poison (RFC 6962 §3.1): critical, ASN.1 NULL. */
  poison: encode(extension(oid(OID.ctPoison), true, DER_NULL)),
} as const;

/** authorityKeyIdentifier = SEQUENCE { [0] IMPLICIT keyIdentifier } (RFC 5280 §4.2.1.1). */
export function authorityKeyIdExtension(issuerKeyId: Uint8Array): Uint8Array {
  return encode(extension(oid(OID.authorityKeyIdentifier), false, sequence(tlv(0x80, issuerKeyId))));
}

const SCT_LIST_OID = oid(OID.ctSctList);

/** The embedded SCT list (RFC 6962 §3.3): extnValue is an OCTET STRING that wraps the TLS list once more. */
export function sctListExtension(tlsList: Uint8Array): Der {
  return extension(SCT_LIST_OID, false, octetString(tlsList));
}
