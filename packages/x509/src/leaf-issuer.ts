import { type Signer, bytesEqual, spkiDer } from '@sigbox/core';
import { X509Error } from './error.js';
import { type Der, TAG, bitString, encode, explicit, integer, sequence, time } from './der.js';
import { readWhole } from './der-reader.js';
import { parseCertificate, subjectKeyId } from './certificate.js';
import { type CertificateIdentity, encodeFulcioExtensions, encodeSubjectAltName } from './identity.js';
import { LEAF_PARTS, authorityKeyIdExtension, sctListExtension } from './leaf-profile.js';
import { signatureAlgorithmFor } from './signature-algorithm.js';
import { decodeSctList } from './sct-list.js';
import { isValidSerial, randomSerial } from './serial.js';

export const DEFAULT_LEAF_TTL_MS = 10 * 60_000; // fulcio pkg/ca/common.go MakeX509: NotAfter = now + 10 min

export interface LeafRequest {
  /** DER SubjectPublicKeyInfo of the requester's key; vet it first with checkKeyStrength. */
  publicKeySpki: Uint8Array;
  identity: CertificateIdentity;
  notBefore?: Date;
  ttlMs?: number;
  serial?: bigint;
}

export interface IssuedCertificate {
  der: Uint8Array;
  tbs: Uint8Array;
  serial: bigint;
  notBefore: Date;
  notAfter: Date;
}

/**
 * One leaf with its serial, validity and extensions fixed. `precertificate()` and `certificate(sctList)` sign the
 * same TBS up to the last extension (poison vs SCT list), which is what RFC 6962 §3.2 requires of the pair.
 */
export interface LeafDraft {
  readonly serial: bigint;
  readonly notBefore: Date;
  readonly notAfter: Date;
  precertificate(): Promise<IssuedCertificate>;
  /** The final certificate with `sctList` (TLS-encoded list) embedded last, or a plain one without it. */
  certificate(sctList?: Uint8Array): Promise<IssuedCertificate>;
}

export interface LeafIssuer {
  readonly issuerCertDer: Uint8Array;
  draft(request: LeafRequest): LeafDraft;
  /** One-shot issuance: a precertificate with `poison`, a final certificate with `sctList`, else a plain one. */
  issue(request: LeafRequest & { poison?: boolean; sctList?: Uint8Array }): Promise<IssuedCertificate>;
}

const wholeSeconds = (ms: number): Date => new Date(Math.floor(ms / 1000) * 1000);

function checkRequest(request: LeafRequest): void {
  try {
    readWhole(request.publicKeySpki, TAG.SEQUENCE);
  } catch (cause) {
    throw new X509Error('INVALID_KEY', 'publicKeySpki is not a DER SubjectPublicKeyInfo', { cause });
  }
  const ttl = request.ttlMs ?? DEFAULT_LEAF_TTL_MS;
  if (!Number.isSafeInteger(ttl) || ttl < 1000) throw new X509Error('INVALID_REQUEST', 'ttlMs must be a whole number ≥ 1000');
  if (request.serial !== undefined && !isValidSerial(request.serial)) {
    throw new X509Error('INVALID_REQUEST', 'serial must be positive and fit 20 octets');
  }
}

/**
 * Fulcio leaf issuance on a fast path: the TBSCertificate is concatenated from parts prepared once per issuer
 * (version, signature algorithm, issuer Name bytes copied from the CA certificate, AKI), so issuing costs one
 * signature plus a few small allocations. The extension order is that of fulcio's leaves (Go's
 * x509.CreateCertificate writes its own extensions first, then fulcio's ExtraExtensions): keyUsage, EKU, AKI, SAN,
 * Fulcio OIDs, then poison or SCT list. No subjectKeyIdentifier: fulcio main dropped it from leaves
 * (sigstore/fulcio#2416; v1.8.8 certificates still carry one). A leaf's SKI only serves to find certificates it
 * issued, and a leaf issues none.
 *
 * @example
 * const leafs = createLeafIssuer({ issuerCertDer, signer });
 * const draft = leafs.draft({ publicKeySpki, identity });
 * const pre = await draft.precertificate();              // → CT add-pre-chain → SCT
 * const final = await draft.certificate(encodeSctList([sct]));
 */
export function createLeafIssuer(options: { issuerCertDer: Uint8Array; signer: Signer; clock?: () => Date }): LeafIssuer {
  const { issuerCertDer, signer } = options;
  const clock = options.clock ?? (() => new Date());
  const issuerCert = parseCertificate(issuerCertDer);
  if (!bytesEqual(issuerCert.spki, spkiDer(signer.publicKey))) {
    throw new X509Error('INVALID_CHAIN', "the signer's key is not the issuing certificate's key");
  }
  const sigAlg = signatureAlgorithmFor(signer.algorithm);
  const issuerName = issuerCert.subject.slice();
  const keyId = subjectKeyId(issuerCert);
  const fixedExtensions = [LEAF_PARTS.keyUsage, LEAF_PARTS.extKeyUsage, ...(keyId ? [authorityKeyIdExtension(keyId)] : [])];

  const sign = async (head: Der[], extensions: Der[], meta: Omit<IssuedCertificate, 'der' | 'tbs'>): Promise<IssuedCertificate> => {
    const tbs = encode(sequence(...head, explicit(3, sequence(...extensions))));
    const signature = await signer.sign(tbs);
    return { der: encode(sequence(tbs, sigAlg, bitString(signature))), tbs, ...meta };
  };

  const draft = (request: LeafRequest): LeafDraft => {
    checkRequest(request);
    const serial = request.serial ?? randomSerial();
    const notBefore = wholeSeconds((request.notBefore ?? clock()).getTime());
    const notAfter = wholeSeconds(notBefore.getTime() + (request.ttlMs ?? DEFAULT_LEAF_TTL_MS));
    const head = [LEAF_PARTS.version, integer(serial), sigAlg, issuerName, sequence(time(notBefore), time(notAfter)), LEAF_PARTS.emptySubject, request.publicKeySpki.slice()];
    const extensions = [...fixedExtensions, encodeSubjectAltName(request.identity.san), ...encodeFulcioExtensions(request.identity.extensions)];
    const meta = { serial, notBefore, notAfter };
    return {
      ...meta,
      precertificate: () => sign(head, [...extensions, LEAF_PARTS.poison], meta),
      certificate: async (sctList) => {
        if (sctList === undefined) return sign(head, extensions, meta);
        decodeSctList(sctList);
        return sign(head, [...extensions, sctListExtension(sctList)], meta);
      },
    };
  };

  return {
    issuerCertDer,
    draft,
    issue: async (request) => {
      if (request.poison && request.sctList) throw new X509Error('INVALID_REQUEST', 'a certificate is either a precertificate or carries SCTs');
      const d = draft(request);
      return request.poison ? d.precertificate() : d.certificate(request.sctList);
    },
  };
}
