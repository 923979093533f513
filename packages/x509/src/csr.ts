import crypto, { type KeyObject } from 'node:crypto';
import { type Signer, parsePemBlocks, spkiDer, toPem } from '@sigbox/core';
import { X509Error } from './error.js';
import { TAG, bitString, encode, explicit, integer, oid, sequence, set } from './der.js';
import { bitStringBytes, children, content, decodeOid, raw, readWhole } from './der-reader.js';
import { CA_KEY_USAGE, CODE_SIGNING_EKU, basicConstraints } from './ca-chain.js';
import { checkKeyStrength } from './key-strength.js';
import { type CaSubject, encodeName } from './name.js';
import { OID } from './oids.js';
import { CSR_SIGNATURE_ALGORITHMS, signatureAlgorithmFor } from './signature-algorithm.js';

/** PEM labels Go's fulcio accepts for a CSR (pkg/server: CERTIFICATE REQUEST, or the legacy NEW CERTIFICATE REQUEST). */
const CSR_PEM_TYPES = new Set(['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);

export interface ParsedCsr {
  publicKeySpki: Uint8Array;
  publicKey: KeyObject;
  /** Digest of the CSR's signature algorithm (null for Ed25519), for the caller's algorithm policy. */
  hash: 'sha256' | 'sha384' | 'sha512' | null;
}

function csrDer(input: string | Uint8Array): Uint8Array {
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
  if (!text.includes('-----BEGIN ')) return typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const block = parsePemBlocks(text).find((b) => CSR_PEM_TYPES.has(b.type));
  if (!block) throw new Error('no CERTIFICATE REQUEST PEM block');
  return block.der;
}

/** CertificationRequest (RFC 2986 §4.2) → the signed info, its key, algorithm OID and signature. */
function splitCsr(der: Uint8Array) {
  const [info, alg, sig] = children(der, readWhole(der, TAG.SEQUENCE));
  if (!info || !alg || !sig) throw new Error('CertificationRequest needs three fields');
  const [, , spki] = children(der, info);
  const [algOid] = children(der, alg);
  if (!spki || spki.tag !== TAG.SEQUENCE || !algOid || algOid.tag !== TAG.OID) throw new Error('bad CertificationRequestInfo');
  return { info: raw(der, info), spki: raw(der, spki).slice(), algorithm: decodeOid(content(der, algOid)), signature: bitStringBytes(der, sig) };
}

/** Go's x509.ParseCertificateRequest parses the key with the CSR: a key that does not parse is a CSR that does not. */
function csrKey(spki: Uint8Array): ReturnType<typeof checkKeyStrength> {
  try {
    return checkKeyStrength(spki);
  } catch (err) {
    if (err instanceof X509Error && err.code === 'INVALID_KEY') throw new X509Error('INVALID_CSR', `the CSR's public key: ${err.message}`, { cause: err });
    throw err;
  }
}

/**
 * Parses a PKCS#10 CSR (PEM or DER) in fulcio's order (pkg/server/grpc_server.go at v1.8.8): parse → key strength →
 * self-signature. Only the key leaves this function: subject, attributes and requested extensions are ignored, so
 * nothing the client wrote can reach a certificate.
 *
 * @throws X509Error INVALID_CSR (also for a key that does not parse), INSECURE_KEY, UNSUPPORTED_SIGNATURE_ALGORITHM,
 *   INVALID_SIGNATURE.
 */
export function parseCsr(pemOrDer: string | Uint8Array): ParsedCsr {
  let parts: ReturnType<typeof splitCsr>;
  try {
    parts = splitCsr(csrDer(pemOrDer));
  } catch (cause) {
    throw new X509Error('INVALID_CSR', 'the certificate signing request could not be parsed', { cause });
  }
  const { publicKey } = csrKey(parts.spki);
  const scheme = CSR_SIGNATURE_ALGORITHMS[parts.algorithm];
  if (!scheme) throw new X509Error('UNSUPPORTED_SIGNATURE_ALGORITHM', `unrecognized signature algorithm: ${parts.algorithm}`);
  let ok = false;
  try {
    ok = scheme.key === (publicKey.asymmetricKeyType as string) && crypto.verify(scheme.hash, parts.info, publicKey, parts.signature);
  } catch {
    ok = false;
  }
  if (!ok) throw new X509Error('INVALID_SIGNATURE', 'the CSR self-signature does not verify');
  return { publicKeySpki: parts.spki, publicKey, hash: scheme.hash };
}

/**
 * A PKCS#10 CSR (PEM) for an intermediate whose key stays in `signer` (file, HSM), to be signed by an external
 * root. It asks, through an extensionRequest attribute (RFC 2985 §5.4.2), for the §3.5 intermediate profile:
 * KU keyCertSign + cRLSign, EKU codeSigning, CA:TRUE pathlen 0. The root decides what it grants.
 */
export async function createIntermediateCsr(options: { subject: CaSubject; signer: Signer }): Promise<string> {
  const spki = spkiDer(checkKeyStrength(options.signer.publicKey).publicKey);
  const requested = sequence(CA_KEY_USAGE, CODE_SIGNING_EKU, basicConstraints(0));
  const attributes = explicit(0, sequence(oid(OID.extensionRequest), set(requested)));
  const info = encode(sequence(integer(0n), encodeName(options.subject), spki, attributes));
  const sigAlg = signatureAlgorithmFor(options.signer.algorithm);
  const der = encode(sequence(info, sigAlg, bitString(await options.signer.sign(info))));
  return toPem('CERTIFICATE REQUEST', der);
}
