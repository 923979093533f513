import crypto, { type KeyObject } from 'node:crypto';
import { bytesEqual } from '@sigbox/core';
import { type CertificateParts, type SignatureCheck, certificateSignatureCheck, readUnambiguousLeaf, subjectKeyId } from '@sigbox/x509';
import {
  type AcceptedRoots,
  type Cert,
  type ValidatedChain,
  bad,
  checkLeafExtensions,
  parseParts,
  precertEntry,
  validateChain,
  validatePath,
} from './chain.js';

/**
 * Distinct issuer chains remembered. A CA sends one (two while its issuing certificate is replaced); the bound
 * keeps a caller that varies its chain from growing memory, at the price of full validation for it.
 */
export const MAX_REMEMBERED_CHAINS = 4;

/** What OpenSSL's X509_check_issued and X509_verify read from the issuer for a child. */
interface Issuer {
  /** Its subject Name, DER. */
  subject: Uint8Array;
  /** Its subjectKeyIdentifier, which a child's AKI keyIdentifier must equal. */
  keyId: Uint8Array | undefined;
  key: KeyObject;
  keyType: SignatureCheck['keyType'];
}

/** An issuer chain that passed full validation once, and what a precertificate under it needs from it. */
interface RememberedChain {
  /** Our own copy of the bytes it was validated as: the cache key, immune to the caller reusing its buffers. */
  chainDer: readonly Uint8Array[];
  issuerKeyHash: Uint8Array;
  /** The validated path after the precertificate: the chain, plus the accepted root when it stops below one. */
  tail: readonly Uint8Array[];
  /** Undefined for an issuer the quick check does not read as OpenSSL does: its precertificates get validateChain. */
  issuer: Issuer | undefined;
}

/** add-pre-chain of `[precertificate, ...issuerChain]`, for the in-process CA. */
export type PrecertValidator = (precertDer: Uint8Array, issuerChainDer: readonly Uint8Array[]) => Promise<ValidatedChain>;

const sameChain = (a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean =>
  a.length === b.length && a.every((der, i) => bytesEqual(der, b[i] as Uint8Array));

function issuerOf(cert: Cert): Issuer | undefined {
  const key = cert.x509.publicKey;
  const keyType = key.asymmetricKeyType;
  if (keyType !== 'ec' && keyType !== 'rsa' && keyType !== 'ed25519') return undefined;
  try {
    return { subject: cert.parts.subject, keyId: subjectKeyId(cert.parts), key, keyType };
  } catch {
    return undefined; // an SKI extnValue with trailing bytes: OpenSSL reads it, subjectKeyId does not
  }
}

/** `crypto.verify` on libuv's thread pool; undefined when it fails to answer (an error rather than a verdict). */
function verifyOffThread(check: SignatureCheck, leaf: CertificateParts, key: KeyObject): Promise<boolean | undefined> {
  return new Promise((resolve) => {
    try {
      crypto.verify(check.hash, leaf.tbs, key, leaf.signature, (err, ok) => resolve(err ? undefined : ok));
    } catch {
      resolve(undefined);
    }
  });
}

/**
 * validateChain(`[precert, ...issuerChain]`, roots, 'precert') with the same verdict and the same errors, but the
 * issuer chain (the same bytes on every call from a CA) is parsed, chained to a root and verified only once, and a
 * precertificate under it costs the event loop a strict DER parse: its signature is verified on the thread pool.
 *
 * Why that is the same verdict: validateChain is a function of the bytes. With a non-empty issuer chain, every check
 * except three involves only the issuer chain: its links, its last certificate against the roots, and the issuer's
 * EKU. The three that involve the precertificate — that it parses, that the issuer (the chain's first certificate)
 * issued and signed it, and its poison and EKU — run on every call, in validateChain's order. validateChain asks
 * OpenSSL for them (X509Certificate, checkIssued, verify, keyUsage). Here parseCertificate answers, and only when
 * readUnambiguousLeaf finds nothing in the precertificate that OpenSSL could read otherwise or refuse. What is left
 * of X509_check_issued and X509_verify is then: the issuer Name (equal bytes; other bytes may be the same Name to
 * OpenSSL, which compares canonical forms), the AKI keyIdentifier against the issuer's SKI when both exist, the TBS's
 * signature algorithm against the issuer's key type, the outer algorithm equal to the TBS's, and the signature. The
 * issuer's side (a CA whose keyUsage allows keyCertSign) held for the first precertificate, so for every leaf
 * without a proxyCertInfo, which readUnambiguousLeaf refuses. Whatever the quick check cannot answer — another Name
 * encoding, an algorithm outside certificateSignatureCheck, a verify error — gets validateChain itself.
 * An empty issuer chain is never remembered: which root issued the precertificate then depends on the precertificate.
 */
export function createPrecertValidator(roots: AcceptedRoots): PrecertValidator {
  const remembered: RememberedChain[] = [];

  function validateAndRemember(precertDer: Uint8Array, issuerChainDer: readonly Uint8Array[]): ValidatedChain {
    const chainDer = issuerChainDer.map((der) => Uint8Array.from(der));
    const { path, entry } = validatePath([precertDer, ...chainDer], roots, 'precert');
    if (entry.type === 'precert' && chainDer.length > 0) {
      if (remembered.length >= MAX_REMEMBERED_CHAINS) remembered.shift();
      const tail = path.slice(1).map((c) => c.der);
      remembered.push({ chainDer, issuerKeyHash: entry.issuerKeyHash, tail, issuer: issuerOf(path[1] as Cert) });
    }
    return { path: path.map((c) => c.der), entry };
  }

  /** The verdict on `der` under a remembered chain, or undefined when only OpenSSL can tell. */
  async function validateUnder(der: Uint8Array, known: RememberedChain): Promise<ValidatedChain | undefined> {
    const parts = parseParts(der, 'certificate 0');
    const leaf = readUnambiguousLeaf(der, parts);
    const { issuer } = known;
    if (!leaf || !issuer || !bytesEqual(parts.issuer, issuer.subject)) return undefined;
    const check = certificateSignatureCheck(leaf.tbsSignatureAlgorithm);
    const sameAlgorithm = bytesEqual(leaf.signatureAlgorithm, leaf.tbsSignatureAlgorithm);
    // Two different encodings of one AlgorithmIdentifier would be equal to OpenSSL: only known encodings differ surely.
    if (!check || (!sameAlgorithm && !certificateSignatureCheck(leaf.signatureAlgorithm))) return undefined;
    const keyIdMatches = !leaf.authorityKeyId || !issuer.keyId || bytesEqual(leaf.authorityKeyId, issuer.keyId);
    const issued = keyIdMatches && check.keyType === issuer.keyType && sameAlgorithm && (await verifyOffThread(check, parts, issuer.key));
    if (issued === undefined) return undefined;
    if (!issued) bad('certificate 0 is not issued by certificate 1');
    checkLeafExtensions(parts, leaf.extKeyUsages, 'precert');
    return { path: [der, ...known.tail], entry: precertEntry(parts, known.issuerKeyHash) };
  }

  return async (precertDer, issuerChainDer) => {
    const known = remembered.find((r) => sameChain(r.chainDer, issuerChainDer));
    if (!known) return validateAndRemember(precertDer, issuerChainDer);
    // Our own copy: the caller may reuse its buffer while the signature is being verified.
    const der = Uint8Array.from(precertDer);
    return (await validateUnder(der, known)) ?? validateChain([der, ...known.chainDer], roots, 'precert');
  };
}
