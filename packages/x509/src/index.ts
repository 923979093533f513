export { X509Error, type X509ErrorCode } from './error.js';
export { FULCIO_OIDS, FULCIO_ARC, OID, type FulcioOidName } from './oids.js';
export { type CertificateIdentity, encodeSubjectAltName, encodeFulcioExtensions } from './identity.js';
export {
  createLeafIssuer,
  DEFAULT_LEAF_TTL_MS,
  type LeafIssuer,
  type LeafDraft,
  type LeafRequest,
  type IssuedCertificate,
} from './leaf-issuer.js';
export { encodeSctList, decodeSctList } from './sct-list.js';
export { randomSerial } from './serial.js';
export { parseCertificate, removeExtension, subjectKeyId, extKeyUsages, type CertificateParts, type CertificateExtension } from './certificate.js';
export { readCertificate, type Certificate } from './read-certificate.js';
export { type GeneralName } from './general-names.js';
export { readUnambiguousLeaf, type UnambiguousLeaf } from './unambiguous-leaf.js';
export { certificateSignatureCheck, type SignatureCheck } from './signature-algorithm.js';
export { createRootCa, createIntermediateCa, keyIdentifier, type CaCertificate, type Validity } from './ca-chain.js';
export { type CaSubject } from './name.js';
export { parseCsr, createIntermediateCsr, type ParsedCsr } from './csr.js';
export { verifyProofOfPossession, verifyProofOfPossessionAsync } from './pop.js';
export { checkKeyStrength, RSA_MODULUS_BITS } from './key-strength.js';
export { validateCaChain } from './validate-chain.js';
